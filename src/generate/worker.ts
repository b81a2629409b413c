/**
 * A generator worker thread: receives the month's catalog and plan once (shared memory), then
 * turns chunk windows into bytes on request. The bytes are transferred back, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateChunk, type ChunkContext } from './chunk.js';
import { computeDurations } from './plan.js';

export type WorkerRequest =
  | { kind: 'durations'; id: number; from: number; to: number }
  | { kind: 'chunk'; id: number; t0: number; t1: number; maxDuration: number }
  | { kind: 'close' };

const ctx = workerData as ChunkContext;
parentPort!.on('message', (req: WorkerRequest) => {
  if (req.kind === 'close') {
    // With the port closed the thread has nothing left to do and exits normally.
    parentPort!.close();
    return;
  }
  if (req.kind === 'durations') {
    parentPort!.postMessage({ id: req.id, max: computeDurations(ctx.plan, ctx.seed, ctx.monthSeconds, req.from, req.to) });
    return;
  }
  ctx.plan.maxDuration = req.maxDuration;
  const result = generateChunk(ctx, req.t0, req.t1);
  const { buffer, byteOffset, byteLength } = result.bytes;
  parentPort!.postMessage(
    { id: req.id, buffer, byteOffset, byteLength, lines: result.lines, faults: result.faults, naturalDuplicates: result.naturalDuplicates },
    [buffer as ArrayBuffer],
  );
});
