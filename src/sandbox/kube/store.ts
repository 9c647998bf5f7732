// The simulated API server's storage: objects with a cluster-wide resourceVersion, a bounded change
// log that watches replay from, and compaction that turns too-old resourceVersions into 410 Gone.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

export type ResourceKind = 'pods' | 'jobs' | 'events' | 'deployments' | 'statefulsets';

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  deletionTimestamp?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredChange {
  rv: number;
  resource: ResourceKind;
  type: WatchEventType;
  object: KubeObject;
}

export class ResourceVersionGone extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.name = 'ResourceVersionGone';
  }
}

const clone = <T>(v: T): T => structuredClone(v);

export class ObjectStore {
  private readonly objects = new Map<ResourceKind, Map<string, KubeObject>>();
  private readonly changes: StoredChange[] = [];
  private rv = 1000;
  /** Changes at or below this rv can no longer be replayed. */
  private compactedRv = 1000;
  private readonly emitter = new EventEmitter();

  constructor(private readonly maxChanges = 10_000) {
    this.emitter.setMaxListeners(0);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  create(resource: ResourceKind, obj: KubeObject): KubeObject {
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    const bucket = this.bucket(resource);
    if (bucket.has(key)) throw new Error(`${resource} "${obj.metadata.name}" already exists`);
    const stored = clone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, stored);
    this.record(resource, 'ADDED', stored);
    return clone(stored);
  }

  /** Applies `mutate` to a copy of the object and stores it as a new version. */
  update(resource: ResourceKind, namespace: string, name: string, mutate: (obj: KubeObject) => void): KubeObject {
    const bucket = this.bucket(resource);
    const current = bucket.get(keyOf(namespace, name));
    if (!current) throw new Error(`${resource} "${name}" not found in ${namespace}`);
    const next = clone(current);
    mutate(next);
    next.metadata.resourceVersion = String(++this.rv);
    bucket.set(keyOf(namespace, name), next);
    this.record(resource, 'MODIFIED', next);
    return clone(next);
  }

  delete(resource: ResourceKind, namespace: string, name: string): boolean {
    const bucket = this.bucket(resource);
    const current = bucket.get(keyOf(namespace, name));
    if (!current) return false;
    bucket.delete(keyOf(namespace, name));
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record(resource, 'DELETED', gone);
    return true;
  }

  get(resource: ResourceKind, namespace: string, name: string): KubeObject | undefined {
    const found = this.bucket(resource).get(keyOf(namespace, name));
    return found && clone(found);
  }

  /** All objects of a kind, optionally in one namespace, with the store's current resourceVersion. */
  list(resource: ResourceKind, namespace?: string): { items: KubeObject[]; resourceVersion: string } {
    const items = [...this.bucket(resource).values()]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .map(clone);
    return { items, resourceVersion: String(this.rv) };
  }

  /**
   * Like `list` without copying: the stored objects themselves, read-only. A list request filters and
   * pages first and copies only what it sends, so `limit=1` over thousands of objects stays cheap, as
   * it is on a real API server.
   */
  view(resource: ResourceKind, namespace?: string): { items: readonly Readonly<KubeObject>[]; resourceVersion: string } {
    const items = [...this.bucket(resource).values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    return { items, resourceVersion: String(this.rv) };
  }

  /**
   * Changes after `sinceRv` for one kind. Throws ResourceVersionGone when they were compacted away,
   * which the API server answers with 410 Gone, as a real one does.
   */
  changesSince(resource: ResourceKind, sinceRv: number): StoredChange[] {
    if (sinceRv < this.compactedRv) throw new ResourceVersionGone(sinceRv, this.compactedRv);
    return this.changes.filter((c) => c.resource === resource && c.rv > sinceRv).map(clone);
  }

  /**
   * The object as it was at resourceVersion `rv`: undefined if it did not exist then, 'unknown' if that
   * history was compacted away. Watches resumed from `rv` use it to tell whether an object matched their
   * selector before its next change (a real apiserver sends DELETED when an object stops matching).
   */
  versionAt(resource: ResourceKind, namespace: string, name: string, rv: number): KubeObject | undefined | 'unknown' {
    if (rv < this.compactedRv) return 'unknown';
    let atOrBefore: StoredChange | undefined;
    let firstAfter: StoredChange | undefined;
    for (const c of this.changes) {
      if (c.resource !== resource || c.object.metadata.namespace !== namespace || c.object.metadata.name !== name) continue;
      if (c.rv <= rv) atOrBefore = c;
      else {
        firstAfter = c;
        break;
      }
    }
    if (atOrBefore) return atOrBefore.type === 'DELETED' ? undefined : clone(atOrBefore.object);
    if (!firstAfter) return this.get(resource, namespace, name);
    // Its version at `rv` predates the change log: it existed, but what it looked like is gone.
    return firstAfter.type === 'ADDED' ? undefined : 'unknown';
  }

  /** Forgets history up to the current resourceVersion: any watch resuming from an older one gets 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.changes.length = 0;
  }

  /** Live changes; returns the unsubscribe function. */
  subscribe(listener: (change: StoredChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  private record(resource: ResourceKind, type: WatchEventType, object: KubeObject): void {
    const change: StoredChange = { rv: this.rv, resource, type, object: clone(object) };
    this.changes.push(change);
    if (this.changes.length > this.maxChanges) {
      const dropped = this.changes.splice(0, this.changes.length - this.maxChanges);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    this.emitter.emit('change', change);
  }

  private bucket(resource: ResourceKind): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map()));
    return b;
  }
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
