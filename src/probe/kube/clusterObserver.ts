// The cluster watches of a process: one watch each of the namespace's pods, Jobs and events, shared by
// every run that looks at the same namespace through the same credentials (a burst's jobs, a serve
// loop's probes). A run subscribes with its match rules and receives only its own observations.
//
// What it costs the API server does not grow with the namespace: a job's objects cannot exist before
// its POST /configure, which comes after the run subscribed, so the watches start from now (see
// listWatch.ts) and what the namespace held before costs nothing. After a 410 Gone only the runs'
// own objects are read again (by label, name and involved object), unless a run does not know its job
// id yet; then the collection is listed once more, as it must be to see the job's first moment.
//
// The job id is known only once /configure answers, and the backend may create the Job before it
// answers: a subscriber's observations are held until it knows its id, then filtered.
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Stamp } from '../clock';
import type { ClusterAccess, PodSnapshot, StampedObservation } from '../model';
import type { MatchRules } from '../options';
import { jobNamesFor, jobPodLabelSelectors, matchPod } from '../matching';
import type { ResolvedKubeconfig } from './kubeconfig';
import { KubeAccessError, kubeGetJson, newApiMeter, type ApiMeter } from './kubeHttp';
import { runListWatch, type ListWatchHandlers, type RawObject, type WatchChange } from './listWatch';
import { jobSnapshot, kubeEvent, podSnapshot } from './snapshots';

export interface ClusterSubscriber {
  match: MatchRules;
  /** The subscriber's clock: observations are stamped as they are handed over. */
  now: () => Stamp;
  emit: (o: StampedObservation) => void;
  /** How long `ready` waits for the watches before it settles anyway. */
  syncTimeoutMs: number;
}

export interface ClusterSubscription {
  /** Settles when the watches are established (at once if they already were), fail, or after the sync timeout. */
  readonly ready: Promise<void>;
  /** The configure answer named the job: held observations are filtered and handed over. */
  setJobId(jobId: string): void;
  /** What the shared watches cost while subscribed (counted in full by every subscriber); their first request only if they started for this one. */
  cost(): ApiMeter;
  /** Unsubscribes; the last one out stops the watches. Settles once whatever it stopped has stopped. */
  close(): Promise<void>;
}

type Kind = 'pods' | 'jobs' | 'events';
const KINDS: readonly Kind[] = ['pods', 'jobs', 'events'];

/**
 * Held observations per subscriber before its job id is known (the configure round trip, about a
 * second): a busy namespace cannot grow it without end. 5,000 changes in that time is a storm.
 */
const MAX_HELD = 5_000;
/** Event identities remembered to drop repeats; the oldest are forgotten first. */
const MAX_EVENT_KEYS = 50_000;

interface Held {
  obs: StampedObservation;
  relevant: (jobId: string) => boolean;
}

class Subscription implements ClusterSubscription {
  jobId: string | null = null;
  readonly held: Held[] = [];
  dropped = 0;
  private readonly settled: Promise<void>;
  private settle!: () => void;
  private readonly timer: NodeJS.Timeout;
  private readonly costAtStart: ApiMeter;
  private costAtEnd: ApiMeter | null = null;

  constructor(
    readonly subscriber: ClusterSubscriber,
    private readonly observer: ClusterObserver,
  ) {
    this.settled = new Promise<void>((resolve) => (this.settle = resolve));
    this.timer = setTimeout(() => this.settle(), subscriber.syncTimeoutMs);
    void this.settled.then(() => clearTimeout(this.timer));
    this.costAtStart = { ...observer.meter };
  }

  get ready(): Promise<void> {
    return this.settled;
  }

  markReady(): void {
    this.settle();
  }

  /** Stamps `fact` with the subscriber's clock: hand it over, or hold it until the job id is known. */
  offer(fact: DistributiveOmit<StampedObservation, 'at'>, relevant: (jobId: string) => boolean): void {
    // Most changes are other jobs' (a burst's runs all hear every change): decided before anything is built.
    if (this.jobId !== null && !relevant(this.jobId)) return;
    const obs = { ...fact, at: this.subscriber.now() } as StampedObservation;
    if (this.jobId === null) {
      if (this.held.length < MAX_HELD) this.held.push({ obs, relevant });
      else this.dropped += 1;
    } else {
      this.subscriber.emit(obs);
    }
  }

  tell(fact: DistributiveOmit<StampedObservation, 'at'>): void {
    this.subscriber.emit({ ...fact, at: this.subscriber.now() } as StampedObservation);
  }

  setJobId(jobId: string): void {
    this.jobId = jobId;
    for (const h of this.held.splice(0)) if (h.relevant(jobId)) this.subscriber.emit(h.obs);
  }

  cost(): ApiMeter {
    const end = this.costAtEnd ?? this.observer.meter;
    return {
      requests: end.requests - this.costAtStart.requests,
      bytes: end.bytes - this.costAtStart.bytes,
      // The watches' first request is this subscriber's only if they started for it.
      firstAt: this.costAtStart.requests === 0 ? end.firstAt : null,
    };
  }

  close(): Promise<void> {
    this.costAtEnd ??= { ...this.observer.meter };
    this.settle();
    return this.observer.unsubscribe(this);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class ClusterObserver {
  private static readonly open = new Map<string, ClusterObserver>();

  /** The process's observer for this cluster, credentials and namespace (started on first use). */
  static for(kube: Extract<ResolvedKubeconfig, { found: true }>, namespace: string): ClusterObserver {
    const key = identityOf(kube.kc, namespace);
    let observer = ClusterObserver.open.get(key);
    if (!observer) {
      observer = new ClusterObserver(kube.kc, kube.server, kube.context, namespace, () => ClusterObserver.open.delete(key));
      ClusterObserver.open.set(key, observer);
    }
    return observer;
  }

  /**
   * Keeps this namespace's observer (and its watches, once a run started them) until the returned
   * function is called, also while no run is subscribed: the jobs of a burst with a ramp or a small
   * concurrency come and go, and each gap would otherwise cost a new set of watches.
   */
  static hold(kube: Extract<ResolvedKubeconfig, { found: true }>, namespace: string): () => Promise<void> {
    const observer = ClusterObserver.for(kube, namespace);
    observer.holds += 1;
    let released = false;
    return () => {
      if (released) return Promise.resolve();
      released = true;
      observer.holds -= 1;
      return observer.stopWhenUnused();
    };
  }

  /** Observers with watches open in this process (for tests: two runs share one). */
  static openCount(): number {
    return ClusterObserver.open.size;
  }

  /** Requests and response bytes of this observer's watches since it started. */
  readonly meter: ApiMeter = newApiMeter();
  private readonly subscriptions = new Set<Subscription>();
  /** Callers of `hold` that have not released it. */
  private holds = 0;
  private readonly podsByUid = new Map<string, { json: string; snapshot: PodSnapshot }>();
  private readonly podUidByName = new Map<string, string>();
  private readonly eventKeys = new Set<string>();
  private readonly healthy = new Set<Kind>();
  private access: ClusterAccess | null = null;
  /** What the namespace lookup found (null until it answered, or when it could not tell). */
  private namespaceFact: { exists: boolean; detail: string } | null = null;
  private readonly notices = new Set<string>();
  /** When each watch last delivered anything (performance.now()); it delivers in resourceVersion order. */
  private readonly lastDelivery: Record<Kind, number | null> = { pods: null, jobs: null, events: null };
  private stopper: AbortController | null = null;
  private loops: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly kc: KubeConfig,
    private readonly server: string,
    private readonly context: string | null,
    readonly namespace: string,
    private readonly forget: () => void,
  ) {}

  subscribe(subscriber: ClusterSubscriber): ClusterSubscription {
    const sub = new Subscription(subscriber, this);
    this.subscriptions.add(sub);
    if (this.access) sub.tell({ kind: 'cluster.access', access: this.access });
    if (this.namespaceFact) sub.tell({ kind: 'cluster.namespace', namespace: this.namespace, ...this.namespaceFact });
    // Watches already up (or already failing): nothing to wait for.
    if (this.access) sub.markReady();
    if (!this.stopper) this.start();
    return sub;
  }

  async unsubscribe(sub: Subscription): Promise<void> {
    if (!this.subscriptions.delete(sub)) return;
    await this.stopWhenUnused();
  }

  private async stopWhenUnused(): Promise<void> {
    if (this.subscriptions.size > 0 || this.holds > 0) return;
    this.forget();
    this.stopper?.abort(new Error('no run watches this namespace any more'));
    await this.loops;
  }

  private start(): void {
    const stopper = new AbortController();
    this.stopper = stopper;
    const base = `/namespaces/${encodeURIComponent(this.namespace)}`;
    const paths: Record<Kind, string> = {
      pods: `/api/v1${base}/pods`,
      jobs: `/apis/batch/v1${base}/jobs`,
      events: `/api/v1${base}/events`,
    };
    this.loops = Promise.allSettled([
      this.lookUpNamespace(stopper.signal),
      ...KINDS.map((kind) =>
        runListWatch(this.kc, this.handlersFor(kind, paths[kind], stopper.signal), {
          path: paths[kind],
          start: 'now',
          signal: stopper.signal,
          meter: this.meter,
        }),
      ),
    ]);
  }

  /**
   * Lists and watches in a namespace that does not exist answer 200 with nothing, exactly like an empty
   * one; only a GET of the namespace tells them apart. One request, alongside the watches. A 403 (RBAC
   * scoped to the namespace cannot read Namespace objects) proves nothing and is not reported.
   */
  private async lookUpNamespace(signal: AbortSignal): Promise<void> {
    let fact: { exists: boolean; detail: string };
    try {
      await kubeGetJson(this.kc, `/api/v1/namespaces/${encodeURIComponent(this.namespace)}`, {
        signal,
        timeoutMs: 10_000,
        meter: this.meter,
      });
      fact = { exists: true, detail: '' };
    } catch (e) {
      if (!(e instanceof KubeAccessError) || e.httpStatus !== 404) return;
      fact = { exists: false, detail: e.statusMessage ?? `namespaces "${this.namespace}" not found` };
    }
    this.namespaceFact = fact;
    for (const sub of this.subscriptions) sub.tell({ kind: 'cluster.namespace', namespace: this.namespace, ...fact });
  }

  // --- what the watches deliver -----------------------------------------------------------------

  /**
   * Notes a delivery of `kind` now; returns how long before it the previous one came (undefined: none
   * yet). Observations carry it as `previousDeliveryBeforeMs`, the lower bound of their timing windows.
   */
  private delivered(kind: Kind): { previousDeliveryBeforeMs?: number } {
    const now = performance.now();
    const previous = this.lastDelivery[kind];
    this.lastDelivery[kind] = now;
    return previous === null ? {} : { previousDeliveryBeforeMs: Math.round((now - previous) * 1000) / 1000 };
  }

  private podChanged(snapshot: PodSnapshot, since: { previousDeliveryBeforeMs?: number } = this.delivered('pods')): void {
    const json = JSON.stringify(snapshot);
    if (this.podsByUid.get(snapshot.uid)?.json === json) return;
    if (snapshot.deleted) {
      this.podsByUid.delete(snapshot.uid);
      if (this.podUidByName.get(snapshot.name) === snapshot.uid) this.podUidByName.delete(snapshot.name);
    } else {
      this.podsByUid.set(snapshot.uid, { json, snapshot });
      this.podUidByName.set(snapshot.name, snapshot.uid);
    }
    for (const sub of this.subscriptions) {
      sub.offer({ kind: 'pod.changed', pod: snapshot, ...since }, (id) => matchPod(snapshot, id, sub.subscriber.match) !== null);
    }
  }

  private jobChanged(raw: RawObject, since: { previousDeliveryBeforeMs?: number } = this.delivered('jobs')): void {
    const job = jobSnapshot(raw);
    for (const sub of this.subscriptions) {
      sub.offer({ kind: 'job.changed', job, ...since }, (id) => {
        const names = jobNamesFor(id, sub.subscriber.match);
        return job.name === names.primary || names.related.includes(job.name);
      });
    }
  }

  private eventChanged(raw: RawObject): void {
    const { involvedName, involvedKind, ...event } = kubeEvent(raw);
    // The message is hashed: a key holding it would keep every flood message (50,000 of them) in memory.
    const key = `${event.uid ?? `${event.object}/${event.reason}`}#${event.count}#${createHash('sha1').update(event.message).digest('base64')}`;
    if (this.eventKeys.has(key)) return;
    this.eventKeys.add(key);
    if (this.eventKeys.size > MAX_EVENT_KEYS) this.eventKeys.delete(this.eventKeys.values().next().value!);
    // The pod's labels as last seen, by name (an index: a busy namespace must not make this a scan).
    const uid = involvedKind === 'Pod' ? this.podUidByName.get(involvedName) : undefined;
    const pod = (uid && this.podsByUid.get(uid)?.snapshot) || { name: involvedName, labels: {} };
    for (const sub of this.subscriptions) {
      const rules = sub.subscriber.match;
      sub.offer({ kind: 'event.seen', event }, (id) => {
        if (involvedKind === 'Job') {
          const names = jobNamesFor(id, rules);
          return involvedName === names.primary || names.related.includes(involvedName);
        }
        return involvedKind === 'Pod' && matchPod(pod, id, rules) !== null;
      });
    }
  }

  /**
   * A list is one delivery: every item in it is the namespace as of one resourceVersion. Pods it should
   * hold (`covers`: all of them for a full list, the runs' own for a re-read) but does not were deleted
   * while the watch was down; they keep their labels, so a label-only match still recognises them.
   */
  private listedPods(items: RawObject[], covers: (pod: PodSnapshot) => boolean): void {
    const since = this.delivered('pods');
    const listed = new Set<string>();
    for (const item of items) {
      const snapshot = podSnapshot(item);
      listed.add(snapshot.uid);
      this.podChanged(snapshot, since);
    }
    for (const [uid, { snapshot }] of [...this.podsByUid]) {
      if (!listed.has(uid) && covers(snapshot)) this.podChanged({ ...snapshot, deleted: true }, since);
    }
  }

  // --- after a 410: read again only what the runs need -------------------------------------------

  /** Every run knows its job, so its objects can be named; otherwise the whole collection is needed. */
  private knownJobs(): { id: string; rules: MatchRules }[] | null {
    const jobs: { id: string; rules: MatchRules }[] = [];
    for (const sub of this.subscriptions) {
      if (sub.jobId === null) return null;
      jobs.push({ id: sub.jobId, rules: sub.subscriber.match });
    }
    return jobs;
  }

  private isSomeRunsPod(pod: PodSnapshot): boolean {
    for (const sub of this.subscriptions) {
      if (sub.jobId !== null && matchPod(pod, sub.jobId, sub.subscriber.match)) return true;
    }
    return false;
  }

  private async listSelected(
    path: string,
    selector: { labelSelector?: string; fieldSelector?: string },
    signal: AbortSignal,
  ): Promise<RawObject[]> {
    const query = new URLSearchParams(selector);
    const list = await kubeGetJson<{ items?: RawObject[] }>(this.kc, `${path}?${query}`, { signal, timeoutMs: 10_000, meter: this.meter });
    return list.items ?? [];
  }

  private async resync(kind: Kind, path: string, signal: AbortSignal): Promise<RawObject[] | null> {
    const jobs = this.knownJobs();
    if (!jobs) return null;
    const jobNames = jobs.flatMap(({ id, rules }) => {
      const names = jobNamesFor(id, rules);
      return [names.primary, ...names.related];
    });
    const runsPods = [...this.podsByUid.values()].map((p) => p.snapshot).filter((p) => this.isSomeRunsPod(p));
    if (kind === 'jobs') {
      const lists = await Promise.all(jobNames.map((name) => this.listSelected(path, { fieldSelector: `metadata.name=${name}` }, signal)));
      return lists.flat();
    }
    if (kind === 'events') {
      const names = [...new Set([...jobNames, ...runsPods.map((p) => p.name)])];
      const lists = await Promise.all(
        names.map((name) => this.listSelected(path, { fieldSelector: `involvedObject.name=${name}` }, signal)),
      );
      return lists.flat();
    }
    const byLabel = await Promise.all(
      jobPodLabelSelectors(jobs).map((labelSelector) => this.listSelected(path, { labelSelector }, signal)),
    );
    const items = byLabel.flat();
    const seen = new Set(items.map((i) => i.metadata?.uid));
    // Pods the rules match by name only: ask for each by name.
    const byName = await Promise.all(
      runsPods.filter((p) => !seen.has(p.uid)).map((p) => this.listSelected(path, { fieldSelector: `metadata.name=${p.name}` }, signal)),
    );
    return [...items, ...byName.flat()];
  }

  // --- the watches' health, told to every run ----------------------------------------------------

  private setAccess(next: ClusterAccess): void {
    const same =
      this.access?.state === next.state &&
      (next.state === 'watching' || (this.access.state === 'unavailable' && this.access.reason === next.reason));
    if (same) return;
    this.access = next;
    for (const sub of this.subscriptions) sub.tell({ kind: 'cluster.access', access: next });
  }

  private notice(text: string): void {
    if (this.notices.has(text)) return;
    this.notices.add(text);
    for (const sub of this.subscriptions) sub.tell({ kind: 'cluster.notice', text });
  }

  private handlersFor(kind: Kind, path: string, signal: AbortSignal): ListWatchHandlers {
    const change = (type: WatchChange, obj: RawObject) => {
      if (kind === 'pods') this.podChanged(podSnapshot(obj, type === 'DELETED'));
      else if (kind === 'jobs') this.jobChanged(obj);
      else this.eventChanged(obj);
    };
    const each = (items: RawObject[]) => {
      if (kind !== 'jobs') return items.forEach((item) => change('MODIFIED', item));
      const since = this.delivered('jobs');
      for (const item of items) this.jobChanged(item, since);
    };
    return {
      onList: kind === 'pods' ? (items) => this.listedPods(items, () => true) : each,
      onChange: change,
      onBookmark: () => void this.delivered(kind),
      resync: (s) => this.resync(kind, path, AbortSignal.any([s, signal])),
      onResync: kind === 'pods' ? (items) => this.listedPods(items, (pod) => this.isSomeRunsPod(pod)) : each,
      onNotice: (text) => this.notice(text),
      onHealthy: () => {
        this.healthy.add(kind);
        if (this.healthy.size === KINDS.length) {
          this.setAccess({ state: 'watching', server: this.server, namespace: this.namespace, context: this.context });
          for (const sub of this.subscriptions) sub.markReady();
        }
      },
      onError: (error: KubeAccessError) => {
        this.healthy.delete(kind);
        this.setAccess({ state: 'unavailable', reason: error.message, code: error.code });
        for (const sub of this.subscriptions) sub.markReady();
      },
    };
  }
}

/** Who is asking what: the cluster, the credentials and the namespace (hashed: the key holds no secret). */
function identityOf(kc: KubeConfig, namespace: string): string {
  const who = JSON.stringify([kc.getCurrentCluster(), kc.getCurrentUser(), namespace]);
  return createHash('sha256').update(who).digest('hex');
}
