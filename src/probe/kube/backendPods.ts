// The backend's own pods, found and kept current at the cost of the backend's pods only: the shared
// cluster watches start from now and never see pods that were running before the probe.
//
// By label selector when one is given; otherwise through the workload the name prefix names (the
// Deployment `panda-panda-focus-server` owns the pods `panda-panda-focus-server-<hash>-<id>`, a
// StatefulSet `rabbitmq-panda` the pod `rabbitmq-panda-0`): its selector picks the pods on the server.
// Only when neither exists (or may not be read) are the namespace's pods listed, and the user is told.
import type { KubeConfig } from '@kubernetes/client-node';
import type { PodSnapshot } from '../model';
import type { LogOptions } from '../options';
import { KubeAccessError, kubeGetJson, type ApiMeter } from './kubeHttp';
import { runListWatch, type RawObject } from './listWatch';
import { podSnapshot } from './snapshots';

export interface BackendPodsOptions {
  kc: KubeConfig;
  namespace: string;
  backend: LogOptions['backend'];
  signal: AbortSignal;
  meter: ApiMeter;
  requestTimeoutMs: number;
  /** Every change of a backend pod (deleted ones with `deleted: true`). */
  onPod(pod: PodSnapshot): void;
  /** The pods are known (listed once), or finding them failed. */
  onListed(): void;
  onError(error: KubeAccessError): void;
  /** Said once: how the pods are found when it costs more than the backend's pods. */
  onNotice(text: string): void;
}

interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A workload's `spec.selector` as a label selector string (the form `?labelSelector=` takes). */
export function selectorText(selector: LabelSelectorJson): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') terms.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

/** The server-side selector for the backend's pods, or null when only the namespace's full list can find them. */
async function serverSelector(opts: BackendPodsOptions): Promise<string | null> {
  const labels = opts.backend.labelSelector?.trim();
  if (labels) return labels;
  const prefix = opts.backend.podNamePrefix ?? '';
  if (!prefix) return null;
  const ns = encodeURIComponent(opts.namespace);
  for (const kind of ['deployments', 'statefulsets']) {
    try {
      const workload = await kubeGetJson<{ spec?: { selector?: LabelSelectorJson } }>(
        opts.kc,
        `/apis/apps/v1/namespaces/${ns}/${kind}/${encodeURIComponent(prefix)}`,
        { signal: opts.signal, timeoutMs: opts.requestTimeoutMs, meter: opts.meter },
      );
      const text = selectorText(workload.spec?.selector ?? {});
      if (text) return text;
    } catch (e) {
      // Not there, or not ours to read: try the next kind, then the full list.
      if (!(e instanceof KubeAccessError) || (e.httpStatus !== 404 && e.httpStatus !== 403)) throw e;
    }
  }
  opts.onNotice(
    `no Deployment or StatefulSet named ${prefix} to find the backend's pods by: listing every pod of namespace ${opts.namespace} once (set a backend label selector to avoid it)`,
  );
  return null;
}

/** Finds the backend's pods, then watches them until the signal aborts. Never rejects. */
export async function watchBackendPods(opts: BackendPodsOptions): Promise<void> {
  let selector: string | null;
  try {
    selector = await serverSelector(opts);
  } catch (e) {
    if (opts.signal.aborted) return;
    opts.onError(e instanceof KubeAccessError ? e : new KubeAccessError('ERROR', String(e), null, { cause: e }));
    opts.onListed();
    return;
  }
  const known = new Map<string, PodSnapshot>();
  const changed = (pod: PodSnapshot) => {
    if (pod.deleted) known.delete(pod.uid);
    else known.set(pod.uid, pod);
    opts.onPod(pod);
  };
  await runListWatch(
    opts.kc,
    {
      onList(items: RawObject[]) {
        const listed = new Set<string>();
        for (const item of items) {
          const pod = podSnapshot(item);
          listed.add(pod.uid);
          changed(pod);
        }
        for (const [uid, pod] of [...known]) if (!listed.has(uid)) changed({ ...pod, deleted: true });
        opts.onListed();
      },
      onChange: (type, obj) => changed(podSnapshot(obj, type === 'DELETED')),
      onHealthy: () => undefined,
      onError(error) {
        opts.onError(error);
        opts.onListed();
      },
    },
    {
      path: `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods`,
      start: 'list',
      ...(selector ? { labelSelector: selector } : {}),
      signal: opts.signal,
      meter: opts.meter,
      requestTimeoutMs: opts.requestTimeoutMs,
    },
  );
}
