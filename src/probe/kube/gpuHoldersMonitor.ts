// At the end of a run whose pod waited for a GPU (the scheduler said "Insufficient …gpu…") and never
// ran, one look at who holds the GPUs: the namespace's running pods (a field selector, in pages), of
// which those requesting a GPU. The only list of unrelated pods a probe makes, and only in this case.
import type { KubeConfig } from '@kubernetes/client-node';
import { matchPod } from '../matching';
import type { PodSnapshot } from '../model';
import type { Monitor, MonitorDeps, MonitorRun } from '../monitor';
import { whenAborted } from '../monitor';
import { describeError } from '../errors';
import { gpuHoldersOf } from './gpuHolders';
import { kubeListAll } from './kubeHttp';
import type { RawObject } from './listWatch';

/** The scheduler's words for a pod that no node has a free GPU for. */
const WAITS_FOR_GPU = /Insufficient [^\s,;]*gpu/i;

/** Lists the namespace's running pods (every page); a burst passes one that serves all its jobs from one list. */
export type RunningPodsLister = (kc: KubeConfig, deps: MonitorDeps) => Promise<RawObject[]>;

const listRunningPods: RunningPodsLister = async (kc, deps) => {
  const path = `/api/v1/namespaces/${encodeURIComponent(deps.namespace)}/pods`;
  const opts = { signal: deps.signal, timeoutMs: deps.requestTimeoutMs, meter: deps.apiMeter };
  return (await kubeListAll<RawObject>(kc, path, { fieldSelector: 'status.phase=Running' }, opts)).items;
};

export const gpuHoldersMonitor: Monitor = createGpuHoldersMonitor(listRunningPods);

export function createGpuHoldersMonitor(listRunning: RunningPodsLister): Monitor {
  return {
    name: 'gpu-holders',
    start(deps) {
      const kube = deps.kube;
      if (!kube?.found) return null;
      let waitsForGpu = false;
      let jobId: string | null = null;
      // The job's pods as last seen (the run's own: the cluster monitor hands over nothing else).
      const pods = new Map<string, PodSnapshot>();
      const off = deps.observations.on(['event.seen', 'pod.changed'], (o) => {
        if (o.kind === 'event.seen') waitsForGpu ||= o.event.reason === 'FailedScheduling' && WAITS_FOR_GPU.test(o.event.message);
        else pods.set(o.pod.uid, o.pod);
      });
      /** The job's primary pod got a node and started (its wait for a GPU is over). */
      const primaryStarted = () =>
        jobId !== null &&
        [...pods.values()].some((p) => p.phase !== 'Pending' && matchPod(p, jobId!, deps.options.match)?.role === 'primary');

      const lookUp = async (): Promise<void> => {
        let running: RawObject[];
        try {
          running = await listRunning(kube.kc, deps);
        } catch (e) {
          if (deps.signal.aborted) return;
          deps.emit({ kind: 'gpu.holders', at: deps.now(), holders: [], error: describeError(e) });
          return;
        }
        deps.emit({ kind: 'gpu.holders', at: deps.now(), holders: gpuHoldersOf(running, deps.options.match, Date.now()), error: null });
      };

      const run: MonitorRun = {
        ready: Promise.resolve(),
        onT0: () => undefined,
        onJobId: (id) => (jobId = id),
        finalLook: () => (waitsForGpu && !primaryStarted() ? lookUp() : Promise.resolve()),
        done: whenAborted(deps.signal).then(off),
      };
      return run;
    },
  };
}
