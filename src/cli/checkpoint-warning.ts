/**
 * One stderr line when the checkpoint a command's commit was due failed (or its log cleanup
 * did): the command itself succeeded, so it is a warning, not an error, but it must not be silent.
 */
import type { CheckpointOutcome } from '../delta/checkpoint-write.js';

export function warnCheckpoint(outcome: CheckpointOutcome | undefined): void {
  if (outcome?.kind === 'failed') process.stderr.write(`warning: ${outcome.reason}\n`);
  else if (outcome?.cleanupError) process.stderr.write(`warning: ${outcome.cleanupError}\n`);
}
