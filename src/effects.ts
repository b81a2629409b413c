/**
 * Side effects a long-running step needs, passed in so tests can pin the clock and silence output.
 * The CLI supplies terminal-backed ones (src/cli/effects.ts).
 */
export interface ProgressTask {
  /** Sets the number of units done so far. */
  update(done: number): void;
  /** Adds to the units done. */
  increment(by?: number): void;
  stop(): void;
}

export interface Effects {
  /** One line of human-readable progress information (stderr on the CLI). */
  log(message: string): void;
  /** A progress bar for work of `total` units; a no-op off a TTY. */
  progress(label: string, total: number): ProgressTask;
  /** The clock; every timestamp a step records comes from here. */
  now(): Date;
}

/**
 * An update that only moves the bar forward, from `from`: a short statement between long ones
 * reports its own progress, which would otherwise send the bar back.
 */
export function forwardOnly(task: ProgressTask, from: number): (done: number) => void {
  let shown = from;
  return (done) => {
    if (done <= shown) return;
    shown = done;
    task.update(done);
  };
}

const noTask: ProgressTask = { update() {}, increment() {}, stop() {} };

/** Effects that record nothing and use the real clock; the default for library calls. */
export const silentEffects: Effects = {
  log() {},
  progress: () => noTask,
  now: () => new Date(),
};
