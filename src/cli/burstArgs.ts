// `consumer-probe burst` on the command line (DESIGN.md, "CLI: burst"): pure parsing, errors as
// ProbeError('BAD_ARGUMENT') in one line.
import { ProbeError } from '../probe/errors';
import { parseThreshold } from '../probe/burst/thresholds';
import type { Threshold } from '../probe/burst/model';

export interface BurstFlags {
  jobs: number;
  concurrency?: number;
  /** --ramp S, in ms. */
  rampMs?: number;
  thresholds: Threshold[];
}

/** `--jobs 10`: a whole number ≥ 1. */
export function jobCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new ProbeError('BAD_ARGUMENT', `--${flag} takes a whole number of at least 1, got "${value}"`);
  return Number(value);
}

/** The burst's own flags, from parseArgs values (`threshold` as a list: it is repeatable). */
export function burstFlags(values: Record<string, unknown>, jobsFlag = 'jobs'): BurstFlags {
  const jobs = jobCount(jobsFlag, values[jobsFlag] as string | undefined);
  if (jobs === undefined) throw new ProbeError('BAD_ARGUMENT', `burst needs --${jobsFlag} N`);
  const concurrency = jobCount('concurrency', values.concurrency as string | undefined);
  const rampText = values.ramp as string | undefined;
  let rampMs: number | undefined;
  if (rampText !== undefined) {
    const s = Number(rampText);
    if (rampText.trim() === '' || !Number.isFinite(s) || s < 0)
      throw new ProbeError('BAD_ARGUMENT', `--ramp takes a number of seconds (0 or more), got "${rampText}"`);
    rampMs = s * 1000;
  }
  const thresholds = ((values.threshold as string[] | undefined) ?? []).map(parseThreshold);
  return { jobs, ...(concurrency !== undefined ? { concurrency } : {}), ...(rampMs !== undefined ? { rampMs } : {}), thresholds };
}

/** parseArgs options of the burst's own flags. */
export const BURST_OPTIONS = {
  jobs: { type: 'string' },
  concurrency: { type: 'string' },
  ramp: { type: 'string' },
  threshold: { type: 'string', multiple: true },
} as const;
