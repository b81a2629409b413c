/**
 * Terminal-backed effects: progress bars on a TTY only, log lines on stderr so stdout stays data.
 */
import cliProgress from 'cli-progress';
import type { Effects, ProgressTask } from '../effects.js';

export function terminalEffects(options: { quiet?: boolean } = {}): Effects {
  const tty = Boolean(process.stderr.isTTY) && !options.quiet;
  return {
    log(message) {
      if (!options.quiet) process.stderr.write(`${message}\n`);
    },
    progress(label, total): ProgressTask {
      if (!tty) return { update() {}, increment() {}, stop() {} };
      const bar = new cliProgress.SingleBar(
        { format: `${label.padEnd(18)} {bar} {percentage}% | {value}/{total} | {duration_formatted}`, hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
      return {
        update: (done) => bar.update(done),
        increment: (by = 1) => bar.increment(by),
        stop: () => bar.stop(),
      };
    },
    now: () => new Date(),
  };
}
