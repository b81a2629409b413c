// The run's progress bars move through a long step, not only at its end: a month in one file is
// one Silver batch, so its bar advances day by day.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner.js';
import type { Effects } from '../../src/effects.js';
import { GOOD_LINE, tempDir, writeCsv } from '../helpers/pipeline-data.js';

interface RecordedBar {
  total: number;
  /** Increments, in order. */
  steps: number[];
  /** Where the bar stood after each move, in order. */
  positions: number[];
}

function recordingEffects(): { effects: Effects; bars: Map<string, RecordedBar> } {
  const bars = new Map<string, RecordedBar>();
  const effects: Effects = {
    log: () => {},
    now: () => new Date(),
    progress(label, total) {
      const bar: RecordedBar = { total, steps: [], positions: [] };
      let at = 0;
      bars.set(label, bar);
      return {
        update: (done) => void bar.positions.push((at = done)),
        increment: (by = 1) => {
          bar.steps.push(by);
          bar.positions.push((at += by));
        },
        stop: () => {},
      };
    },
  };
  return { effects, bars };
}

describe('progress', () => {
  it('moves the Silver bar once per day of a batch split by day, and fills it', async () => {
    const dir = tempDir();
    // four days, one event each (different times, so none is a duplicate)
    const lines = ['2019-10-01', '2019-10-02', '2019-10-03', '2019-10-04'].map((day) => GOOD_LINE.replace('2019-10-02', day));
    const file = writeCsv(join(dir, 'days.csv'), lines);
    const { effects, bars } = recordingEffects();
    const report = await runPipeline({ lakeDir: join(dir, 'lake'), inputs: [file], effects, dayByDayAbove: 0, audit: false });
    expect(report.status, report.error).toBe('succeeded');
    const silver = bars.get('silver')!;
    expect(silver.steps.reduce((a, b) => a + b, 0)).toBe(silver.total);
    // the checks, one step per day, then the quarantine and reconciliation
    expect(silver.steps).toHaveLength(1 + 4 + 1);
    expect(silver.steps.every((n) => n > 0)).toBe(true);
  });

  it('moves every bar forward only, and ends it full', async () => {
    const dir = tempDir();
    const lines = ['2019-10-01', '2019-10-02', '2019-10-03'].map((day) => GOOD_LINE.replace('2019-10-02', day));
    const file = writeCsv(join(dir, 'days.csv'), lines);
    const { effects, bars } = recordingEffects();
    const report = await runPipeline({ lakeDir: join(dir, 'lake'), inputs: [file], effects, dayByDayAbove: 0, audit: false });
    expect(report.status, report.error).toBe('succeeded');
    expect([...bars.keys()]).toEqual(['bronze', 'silver', 'gold']);
    for (const [label, bar] of bars) {
      expect(bar.positions.at(-1), label).toBe(bar.total);
      expect(bar.positions.every((p, i) => i === 0 || p >= bar.positions[i - 1]!), label).toBe(true);
    }
  });
});
