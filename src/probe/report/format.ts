// Small helpers shared by every renderer, so the text, Markdown and JUnit outputs can never disagree on
// how a time, a gap between milestones or a run of metadata attempts is described.

import { TIMING_KEYS } from '../model';
import type { Report, TimingKey, TimingWindow, TimingWindows, Timings } from '../model';
import { oneLine, truncate } from '../text';
import { NEVER, PODS_NOT_OBSERVED, TIMING_LABELS, count, formatBytes, formatSeconds, formatStamp } from '../phrasing';
import { foldAttempts, type AttemptRun } from '../attempts';

// The engine's phrasing and attempt folding, re-exported for the renderers and the extension's views.
export { NEVER, TIMING_LABELS, count, formatBytes, formatSeconds, formatStamp, foldAttempts, oneLine, truncate, type AttemptRun };

/**
 * A timing's window is shown only when it is wider than this. 50 ms is twice the finest poll the probe
 * runs (the AMQP passive declare, every 25 ms), so a stage seen by a live watch in a busy namespace or by
 * that check reads as the plain time, while the metadata poller's ~100 ms gap, the management API's
 * 250 ms polls and statistics lag, and a pod stage bounded only by its previous snapshot are shown.
 */
export const WIDE_WINDOW_MS = 50;

/** What a shown window means, said once under each table of times. */
export const WINDOW_LEGEND =
  `"between A and B": it happened after the last observation that had not seen it yet (A) and at or before the first that did (B); ` +
  `shown when wider than ${WIDE_WINDOW_MS} ms.`;

/** The window of one timing; a report stored before windows existed has none. */
export function windowOf(report: Pick<Report, 'timingWindows'>, key: TimingKey): TimingWindow | null {
  const windows: TimingWindows | undefined = report.timingWindows;
  return windows?.[key] ?? null;
}

/**
 * `between 2.262s and 2.362s` for a window wider than WIDE_WINDOW_MS, `no earlier bound` when nothing
 * bounds it from below, null when it is narrow (or unknown): the one way every output words uncertainty.
 */
export function windowNote(window: TimingWindow | null): string | null {
  if (!window) return null;
  if (window.afterMs === null) return 'no earlier bound';
  if (window.atOrBeforeMs - window.afterMs <= WIDE_WINDOW_MS) return null;
  return `between ${formatSeconds(window.afterMs)} and ${formatSeconds(window.atOrBeforeMs)}`;
}

/** `2.362s`, or `2.362s (between 2.262s and 2.362s)` when its window is wide; `—` when never observed. */
export function formatTiming(report: Pick<Report, 'timings' | 'timingWindows'>, key: TimingKey): string {
  const ms = report.timings[key];
  const note = ms === null ? null : windowNote(windowOf(report, key));
  return note ? `${formatSeconds(ms)} (${note})` : formatSeconds(ms);
}

/** The chain of milestones a job walks through; the queue milestones are left out because they run
 *  beside the pod's start rather than after it, so a gap to them would mislead. */
export const MILESTONE_SPANS: readonly { label: string; from: TimingKey; to: TimingKey }[] = [
  { label: 'configure → job', from: 'configureMs', to: 'jobCreatedMs' },
  { label: 'job → pod created', from: 'jobCreatedMs', to: 'podCreatedMs' },
  { label: 'created → scheduled', from: 'podCreatedMs', to: 'podScheduledMs' },
  { label: 'scheduled → running', from: 'podScheduledMs', to: 'podRunningMs' },
  { label: 'running → ready', from: 'podRunningMs', to: 'podReadyMs' },
  { label: 'pod ready → consumer ready', from: 'podReadyMs', to: 'consumerReadyMs' },
];

export interface MilestoneDuration {
  label: string;
  from: TimingKey;
  to: TimingKey;
  /** `null` when either end was never observed. */
  ms: number | null;
}

export function milestoneDurations(timings: Timings): MilestoneDuration[] {
  return MILESTONE_SPANS.map((s) => {
    const a = timings[s.from];
    const b = timings[s.to];
    return { ...s, ms: a !== null && b !== null ? b - a : null };
  });
}

/** The span that took longest, i.e. where the time went; `null` when no span could be measured. */
export function biggestGap(durations: readonly MilestoneDuration[]): MilestoneDuration | null {
  let best: MilestoneDuration | null = null;
  for (const d of durations) if (d.ms !== null && (best === null || d.ms > (best.ms ?? -Infinity))) best = d;
  return best;
}

/** The last milestone of the chain that was reached and the first one that never was, when the chain
 *  broke before the consumer became ready; this names the stage a stuck job is stuck in. */
export function stalledAfter(timings: Timings): { reached: TimingKey | null; missing: TimingKey } | null {
  if (timings.consumerReadyMs !== null) return null;
  const chain: TimingKey[] = [MILESTONE_SPANS[0]!.from, ...MILESTONE_SPANS.map((s) => s.to)];
  let reached: TimingKey | null = null;
  for (const key of chain) {
    if (timings[key] === null) return { reached, missing: key };
    reached = key;
  }
  return null;
}

/** Each timing with the delta from the previous *observed* milestone in contract order. */
export function timingRows(timings: Timings): { key: TimingKey; ms: number | null; deltaMs: number | null }[] {
  let previous: number | null = null;
  return TIMING_KEYS.map((key) => {
    const ms = timings[key];
    const deltaMs = ms !== null && previous !== null ? ms - previous : null;
    if (ms !== null) previous = ms;
    return { key, ms, deltaMs };
  });
}

/** One sentence naming where the time went: the longest measured span, or, when the chain broke,
 *  the open wait after the last milestone reached if that wait was longer (it usually is). */
export function whereTimeWent(report: Report): string {
  const t = report.timings;
  const gap = biggestGap(milestoneDurations(t));
  const stall = stalledAfter(t);
  if (stall && stall.reached !== null) {
    const since = t[stall.reached]!;
    const waited = reportSpanMs(report) - since;
    if (!gap || waited > (gap.ms ?? 0)) {
      return `waiting for ${TIMING_LABELS[stall.missing]}: still not observed ${formatSeconds(waited)} after ${TIMING_LABELS[stall.reached]}.`;
    }
  }
  if (!gap || gap.ms === null) return 'no two consecutive milestones were observed.';
  const total = t.consumerReadyMs;
  const share = total !== null && total > 0 ? ` (${Math.round((gap.ms / total) * 100)}% of the time to consumer ready)` : '';
  return `${gap.label} took ${formatSeconds(gap.ms)}${share}.`;
}

const OUTCOME_MAX = 100;

/** `404 Invalid job_id`, `200`, `no response (ECONNREFUSED)`; long backend bodies are cut. */
export function describeOutcome(status: number | null, error: string | null): string {
  const err = error === null ? '' : truncate(oneLine(error), OUTCOME_MAX);
  if (status === null) return err ? `no response (${err})` : 'no response';
  return err ? `${status} ${err}` : String(status);
}

/** `404 Invalid job_id × 23 (0.412s–2.611s)`; `escape` lets Markdown neutralise the backend's text. */
export function formatRun(run: AttemptRun, escape: (s: string) => string = (s) => s): string {
  const span = run.count > 1 ? `${formatSeconds(run.firstMs)}–${formatSeconds(run.lastMs)}` : formatSeconds(run.firstMs);
  return `${escape(describeOutcome(run.status, run.error))} × ${run.count} (${span})`;
}

/** Why the run could not observe any pod (the cluster could not be watched), as its diagnosis says; null when it could. */
export function podsNotObserved(report: Pick<Report, 'scenario'>): string | null {
  const line = report.scenario.evidence.find((e) => e.startsWith(PODS_NOT_OBSERVED));
  return line === undefined ? null : line.slice(PODS_NOT_OBSERVED.length);
}

/**
 * What stands where the job's pods would be listed and none are: that none was seen, or, when the
 * cluster could not be watched at all, that nothing could be seen (and why).
 */
export function noPodsText(report: Pick<Report, 'scenario'>): string {
  const why = podsNotObserved(report);
  return why === null ? 'No pod of the job was seen.' : `The pods could not be observed: ${oneLine(why)}`;
}

/**
 * The note on a log excerpt that has a problem: `not read: …` when no line could be read at all (no pod
 * to read from, access refused), `could not read all of it: …` when some lines came; and how many kept
 * lines are not listed.
 */
export function logNote(error: string | null, readAny: boolean, omitted: number): string | null {
  const parts = [
    error ? `${readAny ? 'could not read all of it' : 'not read'}: ${error}` : '',
    omitted > 0 ? `${count(omitted, 'more kept line')} not listed` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : null;
}

/** `Pending (Unschedulable)`, `Running (ready)`: one wording for pod states in every output. */
export function podState(phase: string, ready: boolean, reason: string | null): string {
  const extras = [ready ? 'ready' : null, reason].filter((x): x is string => !!x);
  return extras.length ? `${phase} (${extras.join(', ')})` : phase;
}

/** The latest instant the report knows about; stands in for "how long the probe ran". */
export function reportSpanMs(report: Report): number {
  const times: number[] = [
    ...Object.values(report.timings).filter((v): v is number => v !== null),
    ...report.metadataAttempts.map((a) => a.atMs),
    ...report.events.map((e) => e.atMs),
    ...report.pods.flatMap((p) => [p.firstSeenMs, ...p.history.map((h) => h.atMs)]),
  ].filter((t) => Number.isFinite(t));
  return times.length ? Math.max(...times) : 0;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Greedy word wrap; words longer than the width are hard-split so nothing runs off a terminal. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(10, width - indent.length);
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    if (line) lines.push(line);
    line = '';
  };
  for (let word of oneLine(text).split(' ').filter(Boolean)) {
    while (word.length > room) {
      flush();
      // Never between the two halves of a surrogate pair (an emoji): each half alone is no character.
      const cut = isHighSurrogate(word.charCodeAt(room - 1)) ? room - 1 : room;
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    if (line && line.length + 1 + word.length > room) flush();
    line = line ? `${line} ${word}` : word;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines.map((l) => indent + l);
}
