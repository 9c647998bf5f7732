// One watch of a resource collection, kept alive for the whole run: it resumes from the last
// resourceVersion when the server ends the stream, and re-reads after 410 Gone. Never polls.
//
// It starts either from a full list (`start: 'list'`) or from now (`start: 'now'`): a list with
// `limit=1` names the current resourceVersion at the cost of one object, and the watch streams only
// what changes afterwards, so what exists already costs nothing however large the namespace. After a
// 410 a watch from now re-reads only what its owner needs (`resync`), not the collection.
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeAccessError, kubeGet, kubeGetJson, kubeListAll, type ApiMeter } from './kubeHttp';
import { abortableDelay } from '../abortableDelay';
import { readLines } from '../lineFraming';

export interface RawObject {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  [field: string]: unknown;
}

export type WatchChange = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListWatchHandlers {
  /** A complete list (the first one, or a re-list after 410): the caller reconciles its cache with it. */
  onList(items: RawObject[]): void;
  onChange(type: WatchChange, obj: RawObject): void;
  /** A bookmark: every change up to its resourceVersion has been delivered (the watch is live). */
  onBookmark?(): void;
  /** The kind is observed live again (after the first list, or after recovering from errors). */
  onHealthy(): void;
  /** An attempt failed; the loop retries with backoff until aborted. */
  onError(error: KubeAccessError): void;
  /**
   * After a 410 Gone of a watch started from now: re-read what the owner needs (its objects, by
   * selector or name) and hand them to `onResync`. Null means "I need the full list" (it goes to onList).
   * Called after the new starting point is fixed, so nothing that changes meanwhile is lost.
   */
  resync?(signal: AbortSignal): Promise<RawObject[] | null>;
  onResync?(items: RawObject[]): void;
  /** Something the user should know once (e.g. the server cannot start a watch from now). */
  onNotice?(text: string): void;
}

export interface ListWatchOptions {
  /** Collection path, e.g. `/api/v1/namespaces/panda/pods`. */
  path: string;
  signal: AbortSignal;
  /** `list` (default): list everything, then watch. `now`: watch from the current resourceVersion. */
  start?: 'list' | 'now';
  /** Server-side selectors for the list and the watch. */
  labelSelector?: string;
  fieldSelector?: string;
  meter?: ApiMeter;
  requestTimeoutMs?: number;
  /** Server-side watch timeout; the loop resumes afterwards. */
  watchTimeoutSeconds?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

class WatchExpired extends Error {}

interface ListBody {
  items?: RawObject[];
  metadata?: { resourceVersion?: string };
}

export async function runListWatch(kc: KubeConfig, handlers: ListWatchHandlers, opts: ListWatchOptions): Promise<void> {
  const { path, signal, meter } = opts;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  const selectors: Record<string, string> = {};
  if (opts.labelSelector) selectors.labelSelector = opts.labelSelector;
  if (opts.fieldSelector) selectors.fieldSelector = opts.fieldSelector;
  const page = (extra: Record<string, string> = {}) => {
    const query = new URLSearchParams({ ...selectors, ...extra }).toString();
    return kubeGetJson<ListBody>(kc, query ? `${path}?${query}` : path, { signal, timeoutMs: requestTimeoutMs, meter });
  };
  const list = async (): Promise<ListBody> => {
    const { items, resourceVersion } = await kubeListAll<RawObject>(kc, path, selectors, { signal, timeoutMs: requestTimeoutMs, meter });
    return { items, metadata: { resourceVersion } };
  };
  let fromNow = opts.start === 'now';
  let started = false;
  let resourceVersion = '';
  let backoff = minBackoff;
  let healthy = false;

  /**
   * Where the watch starts: the current resourceVersion, with what the owner needs read after it was
   * fixed (so a change made meanwhile arrives twice rather than never); or a full list's.
   */
  async function startingPoint(): Promise<string> {
    if (fromNow) {
      const head = await page({ limit: '1' });
      const current = head.metadata?.resourceVersion ?? '';
      if (current) {
        if (!started) {
          // Like a bookmark: everything up to this resourceVersion has been seen, the rest will come.
          handlers.onBookmark?.();
          return current;
        }
        const items = handlers.resync ? await handlers.resync(signal) : null;
        if (items) {
          handlers.onResync?.(items);
          return current;
        }
        const full = await list();
        handlers.onList(full.items ?? []);
        return current;
      }
      fromNow = false;
      handlers.onNotice?.(`the API server gave no resourceVersion for ${path}: listing all of it instead of watching from now`);
    }
    const full = await list();
    handlers.onList(full.items ?? []);
    return full.metadata?.resourceVersion ?? '';
  }

  while (!signal.aborted) {
    try {
      if (!resourceVersion) {
        resourceVersion = await startingPoint();
        started = true;
      }
      const query = new URLSearchParams({
        ...selectors,
        watch: 'true',
        resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(opts.watchTimeoutSeconds ?? 290),
      });
      const stream = await kubeGet(kc, `${path}?${query}`, { signal, timeoutMs: requestTimeoutMs, meter });
      if (!healthy) {
        healthy = true;
        handlers.onHealthy();
      }
      backoff = minBackoff;
      const cursor = { resourceVersion, events: 0 };
      const openedAt = Date.now();
      try {
        await consumeWatch(stream, cursor, handlers);
      } finally {
        resourceVersion = cursor.resourceVersion;
      }
      // A server (or proxy) that ends every watch at once would otherwise make this loop spin.
      if (cursor.events === 0 && Date.now() - openedAt < 1_000) await abortableDelay(minBackoff, signal).catch(() => undefined);
    } catch (e) {
      if (signal.aborted) break;
      if (e instanceof WatchExpired || (e instanceof KubeAccessError && e.httpStatus === 410)) {
        resourceVersion = '';
        continue;
      }
      healthy = false;
      const error = e instanceof KubeAccessError ? e : new KubeAccessError('ERROR', String(e), null, { cause: e });
      handlers.onError(error);
      await abortableDelay(retryDelayMs(error, backoff), signal).catch(() => undefined);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
}

/** A server's `Retry-After` is honoured up to this; a longer one would leave the run blind to its end. */
export const MAX_RETRY_AFTER_MS = 30_000;

/**
 * How long to wait before trying again: what the server asked for (429/503 `Retry-After`, capped), else
 * the backoff with jitter (between half and all of it), so the watches of many probes that failed
 * together (an API server restart) do not come back in lockstep.
 */
export function retryDelayMs(error: KubeAccessError, backoffMs: number, random = Math.random): number {
  if (error.retryAfterMs !== null) return Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
  return backoffMs * (0.5 + random() / 2);
}

/**
 * The longest watch line (one event) kept: 4 MiB. An object is at most what etcd stores in one request
 * (1.5 MiB by default) and a pod is a few KiB, so this leaves room for a cluster with a raised limit.
 * A longer line is read past without being held and counts as nothing, like garbage: an object that large
 * is none the probe can read (each of its events is as long), and the events after it arrive as usual.
 * So a peer that never sends a newline costs at most this much memory per watch.
 */
export const WATCH_LINE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads one watch stream to its end, advancing `cursor.resourceVersion` as events and bookmarks
 * arrive. A stream torn mid-way just ends: the caller resumes from the cursor. Lines that are not
 * events (garbage, torn, too long) are skipped. The stream is destroyed when reading stops early.
 * Exported for its tests.
 */
export async function consumeWatch(
  stream: Readable,
  cursor: { resourceVersion: string; events: number },
  handlers: Pick<ListWatchHandlers, 'onChange' | 'onBookmark'>,
  maxLineBytes = WATCH_LINE_MAX_BYTES,
): Promise<void> {
  let expired = false;
  try {
    for await (const line of readLines(stream, { maxLineBytes })) {
      if (line.tooLong || !line.text.trim()) continue;
      let event: unknown;
      try {
        event = JSON.parse(line.text);
      } catch {
        continue; // a torn line at a disconnect; the resume replays it
      }
      if (!isRecord(event) || !isRecord(event.object)) continue;
      const type = event.type;
      const obj = event.object as RawObject & { code?: unknown; message?: unknown };
      cursor.events += 1;
      if (type === 'ERROR') {
        if (obj.code === 410) expired = true;
        else throw new KubeAccessError('ERROR', `watch error: ${String(obj.message ?? obj.code)}`);
        continue;
      }
      const resourceVersion = obj.metadata?.resourceVersion;
      if (typeof resourceVersion === 'string' && resourceVersion) cursor.resourceVersion = resourceVersion;
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') handlers.onChange(type, obj);
      else if (type === 'BOOKMARK') handlers.onBookmark?.();
    }
  } catch (e) {
    if (e instanceof KubeAccessError) throw e;
    // the connection broke (reset, aborted): resume, or stop if the run was aborted
  } finally {
    stream.destroy();
  }
  if (expired) throw new WatchExpired('410 Gone');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
