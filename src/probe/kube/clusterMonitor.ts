// Watches pods, Jobs and events of the namespace from before t0, and emits observations for the
// ones that belong to the job. The job id is only known once /configure answers, and the backend may
// create the Job before it answers, so everything seen earlier is buffered and filtered afterwards.
// Every pod change in the namespace also goes out as `pod.seen` (for other monitors, not the report).
import type { KubeConfig } from '@kubernetes/client-node';
import type { Stamp } from '../clock';
import type { ClusterAccess, PodSnapshot, StampedObservation } from '../model';
import type { Monitor, MonitorRun } from '../monitor';
import type { MatchRules } from '../options';
import { jobNamesFor, matchPod } from '../matching';
import type { KubeAccessError } from './kubeHttp';
import { runListWatch, type RawObject, type WatchChange } from './listWatch';
import { jobSnapshot, kubeEvent, podSnapshot } from './snapshots';

export interface ClusterMonitorOptions {
  kc: KubeConfig;
  server: string;
  context: string | null;
  namespace: string;
  match: MatchRules;
  now: () => Stamp;
  emit: (obs: StampedObservation) => void;
  signal: AbortSignal;
  syncTimeoutMs: number;
}

/**
 * The cluster as a source: watches when a kubeconfig was found; otherwise one observation saying why
 * the cluster cannot be observed. Ready when every kind is listed and watched, when access fails, or
 * after the sync timeout.
 */
export const clusterMonitor: Monitor = {
  name: 'cluster',
  start(deps) {
    const { kube } = deps;
    if (!kube?.found) {
      const reason = kube ? kube.reason : 'Kubernetes observation is turned off';
      deps.emit({
        kind: 'cluster.access',
        at: deps.now(),
        access: { state: 'unavailable', reason, code: kube ? 'NO_KUBECONFIG' : 'DISABLED' },
      });
      return null;
    }
    return startClusterMonitor({
      kc: kube.kc,
      server: kube.server,
      context: kube.context,
      namespace: kube.namespace,
      match: deps.options.match,
      now: deps.now,
      emit: deps.emit,
      signal: deps.signal,
      syncTimeoutMs: deps.options.kube.syncTimeoutMs,
    });
  },
};

type Kind = 'pods' | 'jobs' | 'events';
interface Pending {
  obs: StampedObservation;
  relevant: (jobId: string) => boolean;
}

export function startClusterMonitor(opts: ClusterMonitorOptions): MonitorRun {
  const { namespace, match, now, emit } = opts;
  let jobId: string | null = null;
  const pending: Pending[] = [];
  const podsByUid = new Map<string, { json: string; snapshot: PodSnapshot }>();
  const eventsSeen = new Set<string>();
  const healthy = new Set<Kind>();
  let access: ClusterAccess['state'] | 'starting' = 'starting';
  let lastUnavailable = '';
  /** When each watch last delivered anything (a list, a change, a bookmark); it delivers in resourceVersion order. */
  const lastDelivery: Record<Kind, Stamp | null> = { pods: null, jobs: null, events: null };

  /** Notes a delivery of `kind` at `at`; returns how long before it the previous one came (undefined: none yet). */
  function delivered(kind: Kind, at: Stamp): number | undefined {
    const previous = lastDelivery[kind];
    lastDelivery[kind] = at;
    return previous === null ? undefined : Math.round((at - previous) * 1000) / 1000;
  }

  let settleReady!: () => void;
  const ready = new Promise<void>((resolve) => (settleReady = resolve));
  const syncTimer = setTimeout(settleReady, opts.syncTimeoutMs);
  void ready.then(() => clearTimeout(syncTimer));
  opts.signal.addEventListener('abort', () => settleReady(), { once: true });

  function offer(obs: StampedObservation, relevant: (id: string) => boolean) {
    if (jobId === null) pending.push({ obs, relevant });
    else if (relevant(jobId)) emit(obs);
  }

  const isJobPod = (pod: { name: string; labels: Record<string, string> }) => (id: string) => matchPod(pod, id, match) !== null;

  function podChanged(raw: RawObject, deleted: boolean) {
    const at = now();
    recordPod(podSnapshot(raw, deleted), at, delivered('pods', at));
  }

  /** `previousDeliveryBeforeMs`: the watch's previous delivery (see the Fact), when there was one. */
  function recordPod(snapshot: PodSnapshot, at: Stamp, previousDeliveryBeforeMs: number | undefined) {
    const deleted = snapshot.deleted;
    const json = JSON.stringify(snapshot);
    if (podsByUid.get(snapshot.uid)?.json === json) return;
    if (deleted) podsByUid.delete(snapshot.uid);
    else podsByUid.set(snapshot.uid, { json, snapshot });
    emit({ kind: 'pod.seen', at, pod: snapshot });
    const since = previousDeliveryBeforeMs === undefined ? {} : { previousDeliveryBeforeMs };
    offer({ kind: 'pod.changed', at, pod: snapshot, ...since }, isJobPod(snapshot));
  }

  function jobChanged(raw: RawObject, at: Stamp, previousDeliveryBeforeMs: number | undefined) {
    const job = jobSnapshot(raw);
    const since = previousDeliveryBeforeMs === undefined ? {} : { previousDeliveryBeforeMs };
    offer({ kind: 'job.changed', at, job, ...since }, (id) => {
      const names = jobNamesFor(id, match);
      return job.name === names.primary || names.related.includes(job.name);
    });
  }

  function eventChanged(raw: RawObject) {
    const { involvedName, involvedKind, ...event } = kubeEvent(raw);
    const key = `${event.uid ?? `${event.object}/${event.reason}`}#${event.count}#${event.message}`;
    if (eventsSeen.has(key)) return;
    eventsSeen.add(key);
    offer({ kind: 'event.seen', at: now(), event }, (id) => {
      if (involvedKind === 'Job') {
        const names = jobNamesFor(id, match);
        return involvedName === names.primary || names.related.includes(involvedName);
      }
      if (involvedKind !== 'Pod') return false;
      const known = [...podsByUid.values()].find((p) => p.snapshot.name === involvedName)?.snapshot;
      return isJobPod(known ?? { name: involvedName, labels: {} })(id);
    });
  }

  /** A list is one delivery: every item in it is the namespace as of one resourceVersion. */
  function reconcilePods(items: RawObject[]) {
    const at = now();
    const before = delivered('pods', at);
    const listed = new Set<string>();
    for (const item of items) {
      const snapshot = podSnapshot(item);
      listed.add(snapshot.uid);
      recordPod(snapshot, at, before);
    }
    for (const [uid, { snapshot }] of [...podsByUid]) {
      // Deleted while the watch was down: keep its labels, so a label-only match still recognises it.
      if (!listed.has(uid)) recordPod({ ...snapshot, deleted: true }, at, before);
    }
  }

  function listJobs(items: RawObject[]) {
    const at = now();
    const before = delivered('jobs', at);
    for (const item of items) jobChanged(item, at, before);
  }

  function setAccess(next: ClusterAccess) {
    if (next.state === 'watching' && access === 'watching') return;
    if (next.state === 'unavailable' && access === 'unavailable' && next.reason === lastUnavailable) return;
    access = next.state;
    lastUnavailable = next.state === 'unavailable' ? next.reason : '';
    emit({ kind: 'cluster.access', at: now(), access: next });
  }

  function handlersFor(kind: Kind, onList: (items: RawObject[]) => void, onChange: (type: WatchChange, obj: RawObject) => void) {
    return {
      onList,
      onChange,
      onBookmark: () => void delivered(kind, now()),
      onHealthy() {
        healthy.add(kind);
        if (healthy.size === 3) {
          setAccess({ state: 'watching', server: opts.server, namespace, context: opts.context });
          settleReady();
        }
      },
      onError(error: KubeAccessError) {
        healthy.delete(kind);
        setAccess({ state: 'unavailable', reason: error.message, code: error.code });
        settleReady();
      },
    };
  }

  const base = `/namespaces/${encodeURIComponent(namespace)}`;
  const loops = [
    runListWatch(
      opts.kc,
      handlersFor('pods', reconcilePods, (type, obj) => podChanged(obj, type === 'DELETED')),
      { path: `/api/v1${base}/pods`, signal: opts.signal },
    ),
    runListWatch(
      opts.kc,
      handlersFor('jobs', listJobs, (_type, obj) => {
        const at = now();
        jobChanged(obj, at, delivered('jobs', at));
      }),
      { path: `/apis/batch/v1${base}/jobs`, signal: opts.signal },
    ),
    runListWatch(
      opts.kc,
      handlersFor(
        'events',
        (items) => items.forEach(eventChanged),
        (_type, obj) => eventChanged(obj),
      ),
      { path: `/api/v1${base}/events`, signal: opts.signal },
    ),
  ];
  const done = Promise.allSettled(loops).then(() => {
    clearTimeout(syncTimer);
    settleReady();
  });

  return {
    ready,
    done,
    onT0: () => undefined,
    onJobId(id: string) {
      jobId = id;
      for (const p of pending.splice(0)) if (p.relevant(id)) emit(p.obs);
    },
    finalLook: () => Promise.resolve(),
  };
}
