/**
 * Runs chunk windows on worker threads (or inline when threads is 0) and hands results back in
 * window order, with a bounded number in flight so memory stays flat whatever the file size.
 */
import { Worker } from 'node:worker_threads';
import { generateChunk, type ChunkContext, type ChunkFault } from './chunk.js';
import { computeDurations } from './plan.js';

export interface ChunkOutput {
  bytes: Uint8Array;
  lines: number;
  faults: ChunkFault[];
  naturalDuplicates: number;
}

interface WorkerReply {
  id: number;
  buffer: ArrayBuffer;
  byteOffset: number;
  byteLength: number;
  lines: number;
  faults: ChunkFault[];
  naturalDuplicates: number;
}

/** Calls `consume` with each window's output, in order. */
export async function runChunks(
  ctx: ChunkContext,
  windows: [number, number][],
  threads: number,
  consume: (out: ChunkOutput, index: number) => Promise<void>,
): Promise<void> {
  const { plan, seed, monthSeconds } = ctx;
  if (threads <= 0) {
    plan.maxDuration = computeDurations(plan, seed, monthSeconds, 0, plan.sessions);
    for (let i = 0; i < windows.length; i++) {
      const [t0, t1] = windows[i]!;
      const r = generateChunk(ctx, t0, t1);
      await consume(r, i);
    }
    return;
  }
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./worker.js', import.meta.url), { workerData: ctx }));
  try {
    plan.maxDuration = await durations(workers, plan.sessions);
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  const done = new Map<number, ChunkOutput>();
  const maxInFlight = threads * 2;
  let nextToSend = 0;
  let nextToWrite = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const idle: Worker[] = [...workers];
  const send = () => {
    while (idle.length > 0 && nextToSend < windows.length && nextToSend - nextToWrite < maxInFlight) {
      const w = idle.pop()!;
      const [t0, t1] = windows[nextToSend]!;
      w.postMessage({ kind: 'chunk', id: nextToSend++, t0, t1, maxDuration: plan.maxDuration });
    }
  };
  for (const w of workers) {
    w.on('message', (m: WorkerReply) => {
      done.set(m.id, { bytes: new Uint8Array(m.buffer, m.byteOffset, m.byteLength), lines: m.lines, faults: m.faults, naturalDuplicates: m.naturalDuplicates });
      idle.push(w);
      send();
      wake?.();
    });
    w.on('error', (e) => {
      failure = e;
      wake?.();
    });
  }
  try {
    send();
    while (nextToWrite < windows.length) {
      if (failure) throw failure;
      const out = done.get(nextToWrite);
      if (!out) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      done.delete(nextToWrite);
      await consume(out, nextToWrite);
      nextToWrite++;
      send();
    }
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  await Promise.all(workers.map(closeWorker));
}

/**
 * Lets an idle worker leave on its own. terminate() on a worker whose isolate still has a
 * background compile job can trip a V8 platform assertion and abort the whole process (seen on
 * Node 20), so a finished run asks each worker to close its port and waits for it to exit.
 */
function closeWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.postMessage({ kind: 'close' });
  });
}

/** Draws every session's duration on the workers, in slices; returns the longest. */
async function durations(workers: Worker[], sessions: number): Promise<number> {
  const slice = Math.ceil(sessions / workers.length);
  const maxima = await Promise.all(
    workers.map(
      (w, i) =>
        new Promise<number>((resolve, reject) => {
          w.once('message', (m: { max: number }) => resolve(m.max));
          w.once('error', reject);
          w.postMessage({ kind: 'durations', id: -1 - i, from: Math.min(sessions, i * slice), to: Math.min(sessions, (i + 1) * slice) });
        }),
    ),
  );
  return Math.max(0, ...maxima);
}
