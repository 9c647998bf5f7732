// Phrasing shared by the burst's renderers: a stage's figures, where a percentile that falls among the
// jobs that never reached the stage reads "> timeout" (never a number that would flatter the burst).
import { TIMING_KEYS, type TimingKey } from '../model';
import type { BurstReport, StageStats } from '../burst/model';
import { stageName } from '../burst/model';
import { formatSeconds } from './format';

export const CENSORED_TEXT = '> timeout';

export const STAGE_COLUMNS = ['p50', 'p90', 'p95', 'p99', 'max', 'mean'] as const;

/** A figure of the stage table: seconds, or "> timeout" when it is unknown because jobs never got there. */
export function stageFigure(ms: number | null): string {
  return ms === null ? CENSORED_TEXT : formatSeconds(ms);
}

export interface StageRow {
  key: TimingKey;
  stage: string;
  reached: string;
  figures: string[];
}

/** One row per stage, in pipeline order; `reached` as `8/10`. */
export function stageRows(report: Pick<BurstReport, 'stages'>): StageRow[] {
  return TIMING_KEYS.map((key) => {
    const s: StageStats = report.stages[key];
    return {
      key,
      stage: stageName(key),
      reached: `${s.reached}/${s.reached + s.censored}`,
      figures: STAGE_COLUMNS.map((c) => stageFigure(s[c])),
    };
  });
}

export function thresholdLine(t: BurstReport['thresholds'][number]): string {
  return `${t.passed ? 'PASS' : 'FAIL'} ${t.stage} ${t.percentile} ≤ ${formatSeconds(t.limitMs)}: ${stageFigure(t.valueMs)}`;
}
