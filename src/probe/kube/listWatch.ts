// One list + one watch for a resource kind, kept alive for the whole run: the watch resumes from the
// last resourceVersion when the server ends the stream, and re-lists after 410 Gone. Never polls.
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeAccessError, kubeGet, kubeGetJson } from './kubeHttp';
import { abortableDelay } from '../abortableDelay';

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
}

export interface ListWatchOptions {
  /** Collection path, e.g. `/api/v1/namespaces/panda/pods`. */
  path: string;
  signal: AbortSignal;
  requestTimeoutMs?: number;
  /** Server-side watch timeout; the loop resumes afterwards. */
  watchTimeoutSeconds?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

class WatchExpired extends Error {}

export async function runListWatch(kc: KubeConfig, handlers: ListWatchHandlers, opts: ListWatchOptions): Promise<void> {
  const { path, signal } = opts;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  let resourceVersion = '';
  let backoff = minBackoff;
  let healthy = false;

  while (!signal.aborted) {
    try {
      if (!resourceVersion) {
        const list = await kubeGetJson<{ items?: RawObject[]; metadata?: { resourceVersion?: string } }>(kc, path, {
          signal,
          timeoutMs: requestTimeoutMs,
        });
        resourceVersion = list.metadata?.resourceVersion ?? '';
        handlers.onList(list.items ?? []);
      }
      const query = new URLSearchParams({
        watch: 'true',
        resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(opts.watchTimeoutSeconds ?? 290),
      });
      const stream = await kubeGet(kc, `${path}?${query}`, { signal, timeoutMs: requestTimeoutMs });
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
      handlers.onError(e instanceof KubeAccessError ? e : new KubeAccessError('ERROR', String(e), null, { cause: e }));
      await abortableDelay(backoff, signal).catch(() => undefined);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
}

/**
 * Reads one watch stream to its end, advancing `cursor.resourceVersion` as events and bookmarks
 * arrive. A stream torn mid-way just ends: the caller resumes from the cursor.
 */
async function consumeWatch(
  stream: NodeJS.ReadableStream,
  cursor: { resourceVersion: string; events: number },
  handlers: ListWatchHandlers,
): Promise<void> {
  let expired = false;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      let event: { type?: string; object?: RawObject & { code?: number } };
      try {
        event = JSON.parse(line);
      } catch {
        continue; // a torn line at a disconnect; the resume replays it
      }
      const obj = event.object;
      if (!obj) continue;
      cursor.events += 1;
      if (event.type === 'ERROR') {
        if (obj.code === 410) expired = true;
        else throw new KubeAccessError('ERROR', `watch error: ${String((obj as { message?: string }).message ?? obj.code)}`);
        continue;
      }
      if (obj.metadata?.resourceVersion) cursor.resourceVersion = obj.metadata.resourceVersion;
      if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') handlers.onChange(event.type, obj);
      else if (event.type === 'BOOKMARK') handlers.onBookmark?.();
    }
  } catch (e) {
    if (e instanceof KubeAccessError) throw e;
    // the connection broke (reset, aborted): resume, or stop if the run was aborted
  } finally {
    lines.close();
  }
  if (expired) throw new WatchExpired('410 Gone');
}
