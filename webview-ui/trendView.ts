// The trend chart's picture: consumer-ready times of the stored runs, the value axis, the slow threshold
// and a legend for what it draws.
import { formatSeconds } from '../src/probe/report/format';
import type { TrendPoint } from '../src/extension/report/protocol';
import { niceSpan, ticksFor, trimSeconds } from './scale';
import type { LegendEntry, Tone } from './viewModel';

export interface TrendView {
  points: { runId: string; ms: number | null; label: string; tone: Tone; current: boolean }[];
  /** The top of the value axis (ms): covers every point and the threshold. */
  maxMs: number;
  /** Value-axis ticks (ms) with their labels. */
  ticks: { ms: number; label: string }[];
  /** The slow threshold (ms) drawn as a line; null when unknown. */
  thresholdMs: number | null;
  legend: LegendEntry[];
  /** One row per run, for the keyboard and screen readers. */
  rows: { job: string; scenario: string; ready: string; startedAt: string; current: boolean }[];
}

export function trendView(points: readonly TrendPoint[], currentRunId: string | undefined, thresholdMs: number | null): TrendView {
  const recent = points.slice(-20);
  const known = recent.map((p) => p.consumerReadyMs).filter((x): x is number => x !== null && Number.isFinite(x));
  const threshold = thresholdMs !== null && Number.isFinite(thresholdMs) && thresholdMs > 0 ? thresholdMs : null;
  // A short chart: about four labelled values.
  const top = niceSpan(Math.max(...known, threshold ?? 0, 1000), 4);
  const ticks = ticksFor(top, 4).map((ms) => ({ ms, label: `${trimSeconds(ms)}s` }));
  const pts = recent.map((p) => ({
    runId: p.runId,
    ms: p.consumerReadyMs,
    label: `${p.jobId ?? 'no job id'} · ${p.scenarioId ?? '?'} · ${p.consumerReadyMs !== null ? formatSeconds(p.consumerReadyMs) : 'never ready'} · ${p.startedAt}`,
    tone: (p.consumerReadyMs === null ? 'error' : p.scenarioId === 'healthy' ? 'ok' : 'warn') as Tone,
    current: p.runId === currentRunId,
  }));
  const tones = new Set(pts.map((p) => (p.ms === null ? 'never' : p.tone)));
  const legend: LegendEntry[] = [
    ...(tones.has('ok') ? [{ mark: 'bar', tone: 'ok', label: 'healthy: consumer ready in time' } as LegendEntry] : []),
    ...(tones.has('warn') ? [{ mark: 'bar', tone: 'warn', label: 'ready, but not healthy (e.g. slow)' } as LegendEntry] : []),
    ...(tones.has('never') ? [{ mark: 'cross', tone: 'error', label: 'never ready (drawn at the top)' } as LegendEntry] : []),
    ...(threshold !== null ? [{ mark: 'line', tone: 'warn', label: `slow threshold (${formatSeconds(threshold)})` } as LegendEntry] : []),
    ...(pts.some((p) => p.current) ? [{ mark: 'triangle', tone: 'muted', label: 'the run shown above' } as LegendEntry] : []),
  ];
  return {
    maxMs: top,
    ticks,
    thresholdMs: threshold,
    points: pts,
    legend,
    rows: recent.map((p) => ({
      job: p.jobId ?? 'no job id',
      scenario: p.scenarioId ?? '?',
      ready: p.consumerReadyMs !== null ? formatSeconds(p.consumerReadyMs) : 'never ready',
      startedAt: p.startedAt,
      current: p.runId === currentRunId,
    })),
  };
}
