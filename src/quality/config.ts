/**
 * The lake's quality configuration, `<lake>/quality.json`: per table and expectation, a severity
 * that replaces the declared one. It is how a user accepts a batch a rule stopped (downgrade to
 * `warn`, run again) without editing the rule files, and the file records that decision.
 *
 *   { "severity": { "bronze.events": { "mostly_parses": "warn" } } }
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { QualityConfigError } from './errors.js';
import { ruleSetFor } from './rulesets.js';
import type { Severity } from './expectations.js';

export interface QualityConfig {
  severity: Record<string, Record<string, Severity>>;
}

const schema = z.strictObject({
  severity: z.record(z.string(), z.record(z.string(), z.enum(['error', 'warn']))).default({}),
});

export const QUALITY_CONFIG_FILE = 'quality.json';

export function qualityConfigPath(lakeDir: string): string {
  return join(lakeDir, QUALITY_CONFIG_FILE);
}

/** Reads and validates the config; an absent file means no overrides. */
export function loadQualityConfig(lakeDir: string): QualityConfig {
  const file = qualityConfigPath(lakeDir);
  if (!existsSync(file)) return { severity: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new QualityConfigError(`${file}: not valid JSON (${(error as Error).message})`, file);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QualityConfigError(`${file}: ${issue?.path.join('.') || 'root'}: ${issue?.message}`, file);
  }
  for (const [table, overrides] of Object.entries(parsed.data.severity)) {
    const set = ruleSetFor(table);
    if (!set) throw new QualityConfigError(`${file}: severity.${table}: no rule set for table ${table}`, file);
    for (const name of Object.keys(overrides)) {
      if (!set.expectations.some((e) => e.name === name)) {
        throw new QualityConfigError(`${file}: severity.${table}.${name}: ${table} has no expectation "${name}"`, file);
      }
    }
  }
  return parsed.data;
}
