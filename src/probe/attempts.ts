// Metadata attempts folded into runs of the same outcome: `404 Invalid job_id × 23`. Read by diagnosis
// and by every renderer.
import type { MetadataAttempt } from './model';

/** A run of consecutive metadata attempts with the same outcome. */
export interface AttemptRun {
  status: number | null;
  error: string | null;
  count: number;
  firstMs: number;
  lastMs: number;
}

export function foldAttempts(attempts: readonly MetadataAttempt[]): AttemptRun[] {
  const runs: AttemptRun[] = [];
  for (const a of attempts) {
    const last = runs[runs.length - 1];
    if (last && last.status === a.status && last.error === a.error) {
      last.count += 1;
      last.lastMs = a.atMs;
    } else {
      runs.push({ status: a.status, error: a.error, count: 1, firstMs: a.atMs, lastMs: a.atMs });
    }
  }
  return runs;
}
