// Reading one container's log from the Kubernetes API (`GET …/pods/NAME/log`), as a stream of lines
// with the kubelet's timestamps. Following ends when the container stops or the server closes the stream.
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeGet } from '../kube/kubeHttp';
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

/**
 * Reads the log; `onOpen` runs once the server accepted (200), `onLine` for every line. Resolves when the
 * stream ends; rejects with KubeAccessError for a refusal, or the signal's reason when aborted.
 */
export async function readPodLog(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  query: PodLogQuery,
  handlers: { onOpen?: () => void; onLine: (line: RawLogLine) => void },
  opts: { signal: AbortSignal; timeoutMs: number },
): Promise<void> {
  const res = await kubeGet(kc, podLogPath(namespace, pod, query), { signal: opts.signal, timeoutMs: opts.timeoutMs, accept: '*/*' });
  handlers.onOpen?.();
  const lines = createInterface({ input: res, crlfDelay: Infinity });
  try {
    for await (const line of lines) handlers.onLine(splitTimestamp(oneLine(line, 2000)));
  } catch {
    // the connection broke: the stream simply ended
  } finally {
    lines.close();
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
 * Turns kubelet timestamps into stamps of the probe's clock with one fixed offset between the wall
 * clock and the probe's clock (taken when the monitor starts), so lines keep their order; a time in the
 * future (clock skew) counts as now.
 */
export function createTimeStamper(now: () => number): (time: string | null) => number {
  const offset = Date.now() - now();
  return (time) => {
    const stamp = now();
    const wall = time === null ? Number.NaN : wallMsOf(time);
    return Number.isFinite(wall) ? Math.min(stamp, wall - offset) : stamp;
  };
}

/** `2024-05-01T10:00:00.123456789Z` → `2024-05-01T10:00:00Z` (the API's sinceTime has second precision). */
export function wholeSeconds(time: string): string {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : time;
}
