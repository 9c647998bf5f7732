// Reading one container's log from the Kubernetes API (`GET …/pods/NAME/log`), as a stream of lines
// with the kubelet's timestamps. Following ends when the container stops or the server closes the stream.
// A real API server sends a follow's response headers only with the first log line, so a follow that has
// not answered is a quiet log, not a failure: follows have no deadline for their headers.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ProbeClock, Stamp } from '../clock';
import { kubeGet, type ApiMeter } from '../kube/kubeHttp';
import { readLines } from '../lineFraming';
import { oneLine } from '../text';
import { splitTimestamp } from './logLines';

export interface PodLogQuery {
  container: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  /** RFC 3339; the API keeps second precision, so lines of that second come again. */
  sinceTime?: string;
}

export interface RawLogLine {
  time: string | null;
  text: string;
}

export function podLogPath(namespace: string, pod: string, q: PodLogQuery): string {
  const query = new URLSearchParams({ container: q.container, timestamps: 'true' });
  if (q.follow) query.set('follow', 'true');
  if (q.previous) query.set('previous', 'true');
  if (q.tailLines !== undefined) query.set('tailLines', String(q.tailLines));
  if (q.sinceTime !== undefined) query.set('sinceTime', q.sinceTime);
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${query}`;
}

/** A log line is shown up to this many characters (with its kubelet timestamp), then cut with "…". */
export const LOG_LINE_MAX_CHARS = 2000;

/**
 * Of one log line at most this many bytes are held (64 KiB, which is at least 16,384 characters: more
 * than is shown); the rest of a longer line is counted and dropped up to its newline, so a container
 * that writes without newlines cannot grow the probe's memory.
 */
export const LOG_LINE_MAX_BYTES = 64 * 1024;

/**
 * Reads the log; `onOpen` runs once the server accepted (200; for a follow, with its first line),
 * `onLine` for every line. Resolves when the stream ends; rejects with KubeAccessError for a refusal, or
 * the signal's reason when aborted. `timeoutMs` bounds the wait for the answer of a plain read; a follow
 * waits as long as the log stays quiet.
 */
export async function readPodLog(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  query: PodLogQuery,
  handlers: { onOpen?: () => void; onLine: (line: RawLogLine) => void },
  opts: { signal: AbortSignal; timeoutMs: number; meter?: ApiMeter },
): Promise<void> {
  const timeoutMs = query.follow ? null : opts.timeoutMs;
  const res = await kubeGet(kc, podLogPath(namespace, pod, query), { signal: opts.signal, timeoutMs, accept: '*/*', meter: opts.meter });
  handlers.onOpen?.();
  // A read that is not a follow must end: a kubelet (or proxy) that trickles it is cut off after
  // `timeoutMs` more, keeping what arrived. A follow ends with the run.
  const deadline = query.follow ? undefined : setTimeout(() => res.destroy(), opts.timeoutMs);
  try {
    for await (const line of readLines(res, { maxLineBytes: LOG_LINE_MAX_BYTES, headBytes: LOG_LINE_MAX_BYTES })) {
      // Of a longer line its first 64 KiB stand for it: far more than is shown.
      handlers.onLine(splitTimestamp(oneLine(line.tooLong ? line.head : line.text, LOG_LINE_MAX_CHARS)));
    }
  } catch {
    // the connection broke: the stream simply ended
  } finally {
    clearTimeout(deadline);
    res.destroy();
  }
  opts.signal.throwIfAborted();
}

/** Epoch ms of an RFC 3339 time, keeping the sub-millisecond digits (Date.parse drops them). */
export function wallMsOf(time: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return Number.NaN;
  return Date.parse(`${m[1]}${m[3]}`) + (m[2] ? Number(`0${m[2]}`) * 1000 : 0);
}

/**
 * The stamp of a log line: its kubelet timestamp through the clock's wall ↔ monotonic relation (taken at
 * t0), so lines keep their order and the time they were written; the arrival time when it has none. A
 * time in the future (clock skew) counts as now.
 */
export function lineStamp(clock: ProbeClock, time: string | null): Stamp {
  const arrival = clock.now();
  const wall = time === null ? Number.NaN : wallMsOf(time);
  if (!Number.isFinite(wall)) return arrival;
  const stamp = clock.stampOfWall(wall);
  return stamp < arrival ? stamp : arrival;
}

/** Whether a line was logged before t0 by its kubelet timestamp (a line without one: by its arrival). */
export function loggedBeforeT0(clock: ProbeClock, time: string | null): boolean {
  if (clock.t0Wall === null) return true;
  const wall = time === null ? Number.NaN : wallMsOf(time);
  return Number.isFinite(wall) && wall < clock.t0Wall;
}

/** RFC 3339 of the whole second at or before an epoch ms (the API's sinceTime has second precision). */
export function secondAtOrBefore(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** `2024-05-01T10:00:00.123456789Z` → `2024-05-01T10:00:00Z` (the API's sinceTime has second precision). */
export function wholeSeconds(time: string): string {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : time;
}
