/**
 * A generator worker thread: receives the month's catalog and plan once (shared memory), then
 * turns chunk windows into bytes on request. The bytes are transferred back, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateChunk, type ChunkContext } from './chunk.js';

export interface ChunkRequest {
  id: number;
  t0: number;
  t1: number;
}

const ctx = workerData as ChunkContext;
parentPort!.on('message', (req: ChunkRequest) => {
  const result = generateChunk(ctx, req.t0, req.t1);
  const { buffer, byteOffset, byteLength } = result.bytes;
  parentPort!.postMessage(
    { id: req.id, buffer, byteOffset, byteLength, lines: result.lines, faults: result.faults, naturalDuplicates: result.naturalDuplicates },
    [buffer as ArrayBuffer],
  );
});
