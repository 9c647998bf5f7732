// `--threshold STAGE:pNN:SECONDS`: a burst fails when the stage's percentile is above the limit, or
// unknown because too many jobs never reached the stage (a censored percentile never passes).
import { ProbeError } from '../errors';
import type { BurstStages, PercentileName, Threshold, ThresholdResult } from './model';
import { PERCENTILES, stageKey, stageName } from './model';
import { TIMING_KEYS } from '../model';

/** Parses one flag value; throws ProbeError('BAD_ARGUMENT') naming what is wrong. */
export function parseThreshold(text: string): Threshold {
  const bad = (why: string) =>
    new ProbeError('BAD_ARGUMENT', `--threshold "${text}": ${why} (expected STAGE:pNN:SECONDS, e.g. consumer_ready:p95:20)`);
  const parts = text.split(':');
  if (parts.length !== 3) throw bad('three parts separated by ":" are needed');
  const [stageText, percentileText, secondsText] = parts as [string, string, string];
  const stage = stageKey(stageText.trim());
  if (!stage) throw bad(`unknown stage "${stageText}" (one of ${TIMING_KEYS.map(stageName).join(', ')})`);
  const percentile = percentileText.trim().toLowerCase() as PercentileName;
  if (!PERCENTILES.includes(percentile)) throw bad(`unknown percentile "${percentileText}" (one of ${PERCENTILES.join(', ')})`);
  const seconds = Number(secondsText);
  if (secondsText.trim() === '' || !Number.isFinite(seconds) || seconds <= 0)
    throw bad(`the limit must be a positive number of seconds, got "${secondsText}"`);
  return { stage, percentile, limitMs: Math.round(seconds * 1000 * 1000) / 1000 };
}

/** Each threshold against the burst's figures, in the order given. */
export function evaluateThresholds(thresholds: readonly Threshold[], stages: BurstStages): ThresholdResult[] {
  return thresholds.map((t) => {
    const valueMs = stages[t.stage][t.percentile];
    return {
      stage: stageName(t.stage),
      percentile: t.percentile,
      limitMs: t.limitMs,
      valueMs,
      passed: valueMs !== null && valueMs <= t.limitMs,
    };
  });
}
