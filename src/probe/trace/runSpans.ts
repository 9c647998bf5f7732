// What both trace formats draw for one run: the run itself, one interval per stage, one per pod, the
// metadata polling — in ms since the run's t0 — and how such a time becomes an absolute one. The OTLP
// and Chrome writers only translate this into their wire formats, so the two always tell the same story.
//
// A stage's interval runs from the latest milestone reached before it (in the stages' order, at or before
// its own time; t0 when none) to the moment it was observed: in Jaeger or Perfetto the bars form a
// waterfall whose lengths are where the time went (scheduling, image pull, consumer start), while the
// reported figure (ms since POST /configure) stays on the span as an attribute. A stage never observed
// spans from that milestone to the end of the run — the time it was waited for in vain.
import type { Report, TimingKey, TimingWindow } from '../model';
import { TIMING_KEYS } from '../model';
import { reportSpanMs } from '../report/format';

/** A single-run report, or one run of a burst (which also says its place and when it was sent). */
export type TracedRun = Report & { index?: number; sentAtMs?: number };

export interface StageSpan {
  key: TimingKey;
  /** `pod_scheduled`: the stage as burst thresholds and serve's metrics spell it. */
  stage: string;
  /** The reported timing (ms since t0); null when it was never observed. */
  atMs: number | null;
  startMs: number;
  endMs: number;
  window: TimingWindow | null;
}

export interface RunSpans {
  /** t0 (POST /configure sent) to the last thing the run observed. */
  endMs: number;
  stages: StageSpan[];
}

/** `consumerReadyMs` → `consumer_ready`. */
export function stageOf(key: TimingKey): string {
  return key.replace(/Ms$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The end of the run: its last observation, never before t0 or any stage. */
export function runEndMs(report: Report): number {
  return Math.max(0, reportSpanMs(report));
}

export function runSpans(report: Report): RunSpans {
  const endMs = runEndMs(report);
  const reached: number[] = [];
  const stages = TIMING_KEYS.map((key): StageSpan => {
    const at = report.timings[key];
    const before = reached.filter((t) => at === null || t <= at);
    const startMs = Math.max(0, ...before);
    if (at !== null) reached.push(at);
    return {
      key,
      stage: stageOf(key),
      atMs: at,
      startMs: at === null ? startMs : Math.min(startMs, at),
      endMs: at ?? endMs,
      window: at === null ? null : (report.timingWindows?.[key] ?? null),
    };
  });
  return { endMs, stages };
}

/** Unix epoch ms of the run's t0 (its `startedAt`); 0 for a report whose label is not a time. */
export function epochMsOf(report: Report): number {
  const ms = Date.parse(report.startedAt);
  return Number.isFinite(ms) ? ms : 0;
}

/** An instant of the run (ms since t0, µs precision) as unix nanoseconds, exactly: startedAt + ms. */
export function unixNanos(epochMs: number, atMs: number): bigint {
  return BigInt(epochMs) * 1_000_000n + BigInt(Math.round(atMs * 1e6));
}

/** The same as whole unix microseconds (what the Chrome trace format counts in). */
export function unixMicros(epochMs: number, atMs: number): number {
  return epochMs * 1000 + Math.round(atMs * 1000);
}

/** How a pod transition reads as an event name: `Pending (ContainerCreating)`, `Running, ready`. */
export function podTransitionName(h: { phase: string; ready: boolean; reason: string | null }): string {
  return `${h.phase}${h.ready ? ', ready' : ''}${h.reason ? ` (${h.reason})` : ''}`;
}

/** How a metadata attempt reads as an event name: `GET metadata → 404`, `GET metadata → no response`. */
export function attemptName(a: { status: number | null }): string {
  return `GET metadata → ${a.status === null ? 'no response' : a.status}`;
}

/** A run's label: `job 19-5`, `job 19-5 (#3)` in a burst, `run without a job id`. */
export function runLabel(run: TracedRun): string {
  const job = run.jobId === null ? 'run without a job id' : `job ${run.jobId}`;
  return run.index === undefined ? job : `${job} (#${run.index})`;
}
