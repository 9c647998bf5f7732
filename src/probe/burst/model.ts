// The burst report (DESIGN.md, "CLI: burst"): N single-run reports plus what they say together —
// scenario counts, per-stage percentiles that count the jobs that never got there, thresholds, and a
// verdict about where capacity ended.
import type { Report, ScenarioId, Severity, TimingKey } from '../model';
import { TIMING_KEYS } from '../model';

/** One job of a burst: its single-run report, its place in the send order and when it was sent. */
export type BurstRun = Report & {
  /** 1 for the first job sent, N for the last (the order `--ramp` and `--concurrency` released them in). */
  index: number;
  /** When its POST /configure left, in ms since the burst's t0 (its start, for a job never sent). */
  sentAtMs: number;
};

export const PERCENTILES = ['p50', 'p90', 'p95', 'p99'] as const;
export type PercentileName = (typeof PERCENTILES)[number];

export interface StageStats {
  /** Jobs that reached the stage. */
  reached: number;
  /** Jobs that never did: counted as +∞, never dropped. */
  censored: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  /** Null when any job is censored (the true maximum is beyond the timeout) or none reached it. */
  max: number | null;
  mean: number | null;
}

export type BurstStages = Record<TimingKey, StageStats>;

/** `--threshold consumer_ready:p95:20`, parsed. */
export interface Threshold {
  stage: TimingKey;
  percentile: PercentileName;
  limitMs: number;
}

export interface ThresholdResult {
  /** The stage as the flag spells it (`consumer_ready`). */
  stage: string;
  percentile: PercentileName;
  limitMs: number;
  valueMs: number | null;
  passed: boolean;
}

export interface BurstVerdict {
  severity: Severity;
  title: string;
  summary: string;
  evidence: string[];
  suggestions: string[];
}

export interface BurstReport {
  schemaVersion: 1;
  kind: 'burst';
  startedAt: string;
  jobs: number;
  concurrency: number;
  rampMs: number;
  runs: BurstRun[];
  scenarios: Partial<Record<ScenarioId, number>>;
  stages: BurstStages;
  thresholds: ThresholdResult[];
  verdict: BurstVerdict;
}

/** `consumerReadyMs` → `consumer_ready`: the stage names of the command line and the text. */
export function stageName(key: TimingKey): string {
  return key.replace(/Ms$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `consumer_ready` → `consumerReadyMs`, or null for a name that is no stage. */
export function stageKey(name: string): TimingKey | null {
  return TIMING_KEYS.find((key) => stageName(key) === name) ?? null;
}
