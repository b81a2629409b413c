/** A worker thread copying one byte range of a CSV into a numbered copy (see numbered-copy.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { copyRange } from './numbered-copy.js';

const { source, start, end, out, header } = workerData as { source: string; start: number; end: number; out: string; header?: string };
copyRange(source, start, end, out, header).then(
  (outcome) => parentPort!.postMessage(outcome),
  (error: Error) => parentPort!.postMessage({ error: error.message }),
);
