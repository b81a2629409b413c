/**
 * Loaded with `node --import` into a measured child when /usr/bin/time is absent: on exit it
 * writes the process's own CPU time and peak RSS to the file named by CLICKLAKE_BENCH_USAGE.
 * DuckDB and Polars run their threads inside the process, so their work is included.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.CLICKLAKE_BENCH_USAGE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    // resourceUsage reports microseconds of CPU and kilobytes of RSS
    writeFileSync(target, JSON.stringify({ userSeconds: usage.userCPUTime / 1e6, systemSeconds: usage.systemCPUTime / 1e6, maxRssKb: usage.maxRSS }));
  });
}
