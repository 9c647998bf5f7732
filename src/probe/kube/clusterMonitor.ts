// The cluster as a source of one run: a subscription to the process's shared watches of the namespace
// (clusterObserver.ts), which hands over the pods, Jobs and events of this run's job only.
import type { Monitor, MonitorRun } from '../monitor';
import { whenAborted } from '../monitor';
import { ClusterObserver } from './clusterObserver';

/**
 * Watches when a kubeconfig was found; otherwise one observation saying why the cluster cannot be
 * observed. Ready when the watches are established, when access fails, or after the sync timeout.
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
    const subscription = ClusterObserver.for(kube, kube.namespace).subscribe({
      match: deps.options.match,
      now: deps.now,
      emit: deps.emit,
      syncTimeoutMs: deps.options.kube.syncTimeoutMs,
    });
    const run: MonitorRun = {
      ready: subscription.ready,
      onT0: () => undefined,
      onJobId: (id) => subscription.setJobId(id),
      finalLook: () => Promise.resolve(),
      done: whenAborted(deps.signal).then(() => subscription.close()),
      sharedApiCost: () => subscription.cost(),
    };
    return run;
  },
};
