/**
 * Runs the independent Delta validator from the shared folder on a table, without copying it:
 * a temp folder holds symlinks to its two files and to our node_modules (same DuckDB build),
 * and node runs it with symlinks preserved so imports resolve from there.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasShared, sharedPath } from './shared.js';

export interface Finding {
  severity: string;
  file: string;
  line?: number;
  version?: number;
  action?: string;
  rule: string;
  message: string;
}

export interface ValidationReport {
  version: number;
  numFiles: number;
  numRows: number | null;
  valid: boolean;
  violations: Finding[];
  warnings: Finding[];
  perVersion: Record<string, { numFiles: number; numRows: number | null }>;
}

let folder: string | undefined;

export function validatorAvailable(): boolean {
  return hasShared() && existsSync(sharedPath('tools', 'deltavalidate', 'validate.mjs'));
}

function validatorFolder(): string {
  if (folder) return folder;
  folder = mkdtempSync(join(tmpdir(), 'clicklake-validator-'));
  const tool = sharedPath('tools', 'deltavalidate');
  symlinkSync(join(tool, 'validate.mjs'), join(folder, 'validate.mjs'));
  symlinkSync(join(tool, 'parquet.mjs'), join(folder, 'parquet.mjs'));
  symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(folder, 'node_modules'));
  return folder;
}

export function validateTable(tableDir: string): Promise<ValidationReport> {
  const script = join(validatorFolder(), 'validate.mjs');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--preserve-symlinks', '--preserve-symlinks-main', script, tableDir, '--json'],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as ValidationReport);
        } catch {
          reject(new Error(`validator failed on ${tableDir}: ${error?.message ?? ''} ${stderr}`));
        }
      },
    );
  });
}

/** Validates, prints warnings (they are allowed) and returns the report. */
export async function expectValid(tableDir: string, label: string): Promise<ValidationReport> {
  const report = await validateTable(tableDir);
  const byRule = new Map<string, Finding[]>();
  for (const w of report.warnings) byRule.set(w.rule, [...(byRule.get(w.rule) ?? []), w]);
  for (const [rule, found] of byRule) {
    console.log(`[validator warning after ${label}] ${rule} ×${found.length}, e.g. ${found[0]!.file}: ${found[0]!.message}`);
  }
  if (report.violations.length) {
    throw new Error(`validator found ${report.violations.length} violation(s) after ${label}:\n${report.violations.map((v) => `${v.rule} ${v.file}:${v.line ?? ''} ${v.message}`).join('\n')}`);
  }
  return report;
}
