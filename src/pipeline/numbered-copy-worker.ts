/** A worker thread copying one byte range of a CSV into a numbered copy (see numbered-copy.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { copyRange } from './numbered-copy.js';

const { source, start, end, out, header } = workerData as { source: string; start: number; end: number; out: string; header?: string };
try {
  parentPort!.postMessage(copyRange(source, start, end, out, header));
} catch (error) {
  parentPort!.postMessage({ error: (error as Error).message });
}
