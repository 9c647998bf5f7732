// Per-stage figures over ALL jobs of a burst, the ones that never reached the stage included.
//
// A job that never reached a stage is censored: its time is beyond what the probe waited, so it counts
// as +∞. Percentiles use the nearest-rank definition over all N jobs: sort the times ascending with the
// censored ones last, and pNN is the value at rank ⌈NN/100 × N⌉ (1-based). It is always a time some job
// really had, and when that rank falls among the censored jobs the percentile is unknown (null, "> timeout")
// instead of quietly becoming the percentile of the survivors. `max` and `mean` need every job's time, so
// they are null as soon as one job is censored.
import type { TimingKey } from '../model';
import { TIMING_KEYS } from '../model';
import type { BurstStages, PercentileName, StageStats } from './model';
import { PERCENTILES } from './model';

/** The nearest-rank percentile of `reached` (ms, any order) among `total` jobs; null when it falls among the censored. */
export function censoredPercentile(reached: readonly number[], total: number, p: number): number | null {
  if (total <= 0 || reached.length > total) throw new RangeError(`bad sample: ${reached.length} reached of ${total}`);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  if (rank > reached.length) return null;
  return [...reached].sort((a, b) => a - b)[rank - 1]!;
}

const PERCENT: Record<PercentileName, number> = { p50: 50, p90: 90, p95: 95, p99: 99 };

/** A stage's figures from each job's time (null = never reached). */
export function stageStats(times: readonly (number | null)[]): StageStats {
  const reached = times.filter((t): t is number => t !== null);
  const censored = times.length - reached.length;
  const stats: StageStats = { reached: reached.length, censored, p50: null, p90: null, p95: null, p99: null, max: null, mean: null };
  if (times.length === 0) return stats;
  for (const name of PERCENTILES) stats[name] = censoredPercentile(reached, times.length, PERCENT[name]);
  if (censored === 0) {
    stats.max = Math.max(...reached);
    stats.mean = Math.round((reached.reduce((a, b) => a + b, 0) / reached.length) * 1000) / 1000;
  }
  return stats;
}

/** Every stage's figures over the jobs' timings (each job's own ms since its own POST /configure). */
export function burstStages(runs: readonly { timings: Record<TimingKey, number | null> }[]): BurstStages {
  return Object.fromEntries(TIMING_KEYS.map((key) => [key, stageStats(runs.map((r) => r.timings[key]))])) as BurstStages;
}
