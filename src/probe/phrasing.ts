// How the engine words what it measured, in one place: times, counts, quotes. Diagnosis and every
// renderer (text, live log, Markdown, JUnit, the extension's views) use these, so no two outputs can
// disagree on how a time or a count reads.
import type { TimingKey } from './model';
import { oneLine } from './text';

/** How each stage is named in sentences and tables. */
export const TIMING_LABELS: Record<TimingKey, string> = {
  configureMs: 'configure answered',
  jobCreatedMs: 'job created',
  podCreatedMs: 'pod created',
  podScheduledMs: 'pod scheduled',
  podRunningMs: 'pod running',
  podReadyMs: 'pod ready',
  queueCreatedMs: 'queue created',
  consumerAttachedMs: 'consumer attached',
  consumerReadyMs: 'consumer ready',
};

/**
 * How a diagnosis opens the evidence line of a run whose pods could not be observed at all (the cluster
 * could not be watched): the renderers look for it, so they never say "no pod was seen" for such a run.
 */
export const PODS_NOT_OBSERVED = 'pods not observed: ';

/** Shown wherever a time was never observed. */
export const NEVER = '—';

/**
 * `2362` → `2.362s`: the one time format of every output (milliseconds since t0, three decimals).
 * A time never observed reads `whenNever` (`—` in tables; diagnosis sentences say `never`).
 */
export function formatSeconds(ms: number | null | undefined, whenNever = NEVER): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return whenNever;
  return `${seconds3(ms)}s`;
}

/** Fixed-width time stamp for line-oriented logs: `[  0.231s]`, so columns line up until 999 s. */
export function formatStamp(ms: number): string {
  return `[${formatSeconds(ms).padStart(8)}]`;
}

/** Three decimals, without the `-0.000` that rounding a tiny negative time would print. */
function seconds3(ms: number): string {
  const text = (ms / 1000).toFixed(3);
  return text === '-0.000' ? '0.000' : text;
}

/**
 * `3h12m`: how long something has been running, as kubectl prints an AGE (`45s`, `3m12s`, `17m`, `5h3m`,
 * `3d4h`), so the figure matches what `kubectl get pods` shows beside it.
 */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.trunc(ms / 1000));
  const minutes = Math.trunc(seconds / 60);
  const hours = Math.trunc(minutes / 60);
  const days = Math.trunc(hours / 24);
  const pair = (major: number, a: string, minor: number, b: string) => (minor === 0 ? `${major}${a}` : `${major}${a}${minor}${b}`);
  if (seconds < 120) return `${seconds}s`;
  if (minutes < 10) return pair(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  if (hours < 8) return pair(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  if (days < 8) return pair(days, 'd', hours % 24, 'h');
  return `${days}d`;
}

/** `1 consumer`, `3 consumers`, and `? consumers` (or `unknown`'s wording) when the number is not known. */
export function count(n: number | null | undefined, noun: string, plural = `${noun}s`, unknown = '?'): string {
  if (n === null || n === undefined) return `${unknown} ${plural}`;
  return `${n} ${n === 1 ? noun : plural}`;
}

/** `48213` → `47.1 KiB`: byte counts in binary units, one decimal from KiB on. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** What a backend, a cluster or a container said, quoted on one line: `"KeyError: 'stream_port'"`. */
export function quote(text: string, max = 240): string {
  return `"${oneLine(text, max).trim()}"`;
}
