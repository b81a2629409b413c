// The run's progress bars move through a long step, not only at its end: a month in one file is
// one Silver batch, so its bar advances day by day.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner.js';
import type { Effects } from '../../src/effects.js';
import { GOOD_LINE, tempDir, writeCsv } from '../helpers/pipeline-data.js';

function recordingEffects(): { effects: Effects; bars: Map<string, { total: number; steps: number[] }> } {
  const bars = new Map<string, { total: number; steps: number[] }>();
  const effects: Effects = {
    log: () => {},
    now: () => new Date(),
    progress(label, total) {
      const bar = { total, steps: [] as number[] };
      bars.set(label, bar);
      return { update: () => {}, increment: (by = 1) => void bar.steps.push(by), stop: () => {} };
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
});
