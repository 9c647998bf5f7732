// Who holds the GPUs, for a whole burst: the jobs that waited for a GPU end together (at their timeout),
// and each would list the namespace's running pods for its report. One list serves every job that asks
// within FRESH_MS of it; it is counted in the cost of the job that made it.
import { untilAborted } from '../abortableDelay';
import { kubeListAll } from '../kube/kubeHttp';
import type { RawObject } from '../kube/listWatch';
import type { RunningPodsLister } from '../kube/gpuHoldersMonitor';

/** How long one list of the running pods stands for the namespace. */
export const FRESH_MS = 2_000;

export function createSharedRunningPods(): { lister: RunningPodsLister; close(): void } {
  const stopper = new AbortController();
  // Every job of a burst resolves the same kubeconfig (each into its own KubeConfig object): the namespace tells lists apart.
  let last: { at: number; namespace: string; items: Promise<RawObject[]> } | null = null;
  const lister: RunningPodsLister = (kc, deps) => {
    const fresh = last && last.namespace === deps.namespace && performance.now() - last.at <= FRESH_MS;
    if (!fresh) {
      const path = `/api/v1/namespaces/${encodeURIComponent(deps.namespace)}/pods`;
      const opts = { signal: stopper.signal, timeoutMs: deps.requestTimeoutMs, meter: deps.apiMeter };
      const items = kubeListAll<RawObject>(kc, path, { fieldSelector: 'status.phase=Running' }, opts).then((r) => r.items);
      const entry = { at: performance.now(), namespace: deps.namespace, items };
      last = entry;
      // A failed list is not kept: the next job asks again.
      items.catch(() => {
        if (last === entry) last = null;
      });
    }
    return untilAborted(last!.items, deps.signal);
  };
  return { lister, close: () => stopper.abort(new Error('burst finished')) };
}
