// One open watch: newline-delimited JSON events, flushed one by one, with the real apiserver's rules —
// replay from a resourceVersion or synthetic ADDED for the current state, ERROR 410 when the history is
// gone, bookmarks on request, and DELETED/ADDED when an object stops/starts matching the selectors.
import type { ServerResponse } from 'node:http';
import { expiredStatus } from './apiStatus';
import type { OpenStream } from './openStreams';
import { bookmarkBody, objectBody, type ResponseFormat } from './representation';
import type { ServedResource } from './resourceCatalog';
import type { FieldSelector, LabelSelector } from './selectors';
import { ResourceVersionGone, type KubeObject, type ObjectStore, type ResourceKind, type StoredChange } from './store';

export type StoredResource = ServedResource & { storeKind: ResourceKind };

export interface WatchRequest {
  resource: StoredResource;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
  format: ResponseFormat;
  /** Replay changes after this one; undefined (or "0" on the wire) starts with the current state. */
  sinceResourceVersion?: number;
  timeoutSeconds?: number;
  /** Present when the client allowed bookmarks. */
  bookmarkIntervalMs?: number;
  /** `sendInitialEvents=true`: mark the end of the synthetic ADDED events with a bookmark. */
  sendInitialEvents?: boolean;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export class WatchStream implements OpenStream {
  readonly type = 'watch';
  /** Objects this client currently holds as matching: decides MODIFIED vs ADDED vs DELETED. */
  private readonly visible = new Set<string>();
  /** The newest resourceVersion delivered; also reported when the stream is expired. */
  private lastResourceVersion = 0;
  private ended = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly store: ObjectStore,
    private readonly request: WatchRequest,
    private readonly onEnd: () => void,
  ) {}

  /**
   * Sends the initial events (or the 410 ERROR) and streams live changes. Runs synchronously from the
   * snapshot to the subscription, so no change can fall between them.
   */
  start(): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    // Clients wait for the headers before they consider the watch established.
    this.res.flushHeaders();
    this.res.on('close', () => this.finish());

    const since = this.request.sinceResourceVersion;
    if (since === undefined) {
      this.sendCurrentState();
    } else {
      let changes: StoredChange[];
      try {
        changes = this.store.changesSince(this.request.resource.storeKind, since);
      } catch (error) {
        if (!(error instanceof ResourceVersionGone)) throw error;
        this.expire(error.message);
        return;
      }
      this.lastResourceVersion = since;
      this.rememberVisibleAt(since, changes);
      for (const change of changes) this.deliver(change);
    }

    this.cleanups.push(this.store.subscribe((change) => this.deliver(change)));
    this.startTimers();
  }

  close(): void {
    if (this.ended) return;
    this.res.end();
    this.finish();
  }

  /** Tells the client its resourceVersion is gone (it must list again), then ends the stream. */
  expire(message = `too old resource version: ${this.lastResourceVersion} (${this.store.resourceVersion})`): void {
    if (this.ended) return;
    this.send('ERROR', expiredStatus(message));
    this.close();
  }

  private sendCurrentState(): void {
    const { storeKind } = this.request.resource;
    const { items, resourceVersion } = this.store.list(storeKind, this.request.namespace);
    this.lastResourceVersion = Number(resourceVersion);
    for (const object of items.filter((o) => this.matches(o))) {
      this.visible.add(keyOf(object));
      this.sendObject('ADDED', object);
    }
    if (this.request.sendInitialEvents && this.request.bookmarkIntervalMs !== undefined) {
      this.sendBookmark({ 'k8s.io/initial-events-end': 'true' });
    }
  }

  /** Which objects matched at `since`, so the first replayed change of each is classified correctly. */
  private rememberVisibleAt(since: number, changes: StoredChange[]): void {
    const { storeKind } = this.request.resource;
    const touched = new Map(changes.map((c) => [keyOf(c.object), c.object.metadata] as const));
    for (const object of this.store.list(storeKind, this.request.namespace).items) {
      if (!touched.has(keyOf(object)) && this.matches(object)) this.visible.add(keyOf(object));
    }
    for (const [key, { namespace, name }] of touched) {
      const then = this.store.versionAt(storeKind, namespace, name, since);
      // Compacted history: assume the client had it; a spurious DELETED is harmless, a missing one is not.
      if (then === 'unknown' || (then && this.matches(then))) this.visible.add(key);
    }
  }

  private deliver(change: StoredChange): void {
    if (this.ended || change.resource !== this.request.resource.storeKind) return;
    if (change.rv <= this.lastResourceVersion) return;
    const object = change.object;
    if (this.request.namespace !== undefined && object.metadata.namespace !== this.request.namespace) return;
    const key = keyOf(object);
    const wasVisible = this.visible.has(key);
    const matchesNow = change.type !== 'DELETED' && this.matches(object);
    this.lastResourceVersion = change.rv;

    let type: EventType | undefined;
    if (change.type === 'DELETED') type = wasVisible ? 'DELETED' : undefined;
    else if (matchesNow) type = wasVisible ? 'MODIFIED' : 'ADDED';
    else type = wasVisible ? 'DELETED' : undefined;

    if (matchesNow) this.visible.add(key);
    else this.visible.delete(key);
    if (type) this.sendObject(type, object);
  }

  private startTimers(): void {
    const { timeoutSeconds, bookmarkIntervalMs } = this.request;
    if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
      const timer = setTimeout(() => this.close(), timeoutSeconds * 1000);
      this.cleanups.push(() => clearTimeout(timer));
    }
    if (bookmarkIntervalMs !== undefined) {
      const timer = setInterval(() => this.sendBookmark(), bookmarkIntervalMs);
      this.cleanups.push(() => clearInterval(timer));
    }
  }

  private sendBookmark(annotations?: Record<string, string>): void {
    // Everything up to the store's version has been delivered (delivery is synchronous).
    const rv = Math.max(this.lastResourceVersion, this.store.resourceVersion);
    this.send('BOOKMARK', bookmarkBody(this.request.resource, String(rv), this.request.format, annotations));
  }

  private matches(object: KubeObject): boolean {
    return this.request.labels.matches(object.metadata.labels) && this.request.fields.matches(object);
  }

  private sendObject(type: EventType, object: KubeObject): void {
    this.send(type, objectBody(this.request.resource, object, this.request.format));
  }

  private send(type: EventType, object: object): void {
    if (this.ended || this.res.writableEnded) return;
    this.res.write(JSON.stringify({ type, object }) + '\n');
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.onEnd();
  }
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}
