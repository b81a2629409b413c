/**
 * Access to the shared reference material (real REES46 rows, the Delta corpus, the validator).
 * It lives outside the repository; suites that need it call `sharedOrSkip` and are skipped,
 * with the reason printed, when it is absent.
 */
import { join } from 'node:path';
import { resolveSharedDir } from '../../src/config.js';

export const SHARED_DIR = resolveSharedDir();

let warned = false;

/** True when the shared folder exists; otherwise prints why the suite is skipped, once. */
export function hasShared(): boolean {
  if (SHARED_DIR) return true;
  if (!warned) {
    warned = true;
    console.warn(
      'skipping suites that need the shared reference material: set CLICKLAKE_SHARED or place it at ../shared',
    );
  }
  return false;
}

export function sharedPath(...parts: string[]): string {
  if (!SHARED_DIR) throw new Error('shared reference material is not available (CLICKLAKE_SHARED)');
  return join(SHARED_DIR, ...parts);
}
