// The engine side of the pod actions (bundled into dist/engine.js, reached through `../lazy`): reading a
// pod and its events through the kubeconfig (file and context) of the run that saw the pod, with a
// deadline, and rendering them as the read-only documents Show YAML and Show Events open. Nothing here
// prints a credential: the documents hold only what the API server answered about the pod.
import { dump } from 'js-yaml';
import { resolveKubeconfig } from '../../probe/kube/kubeconfig';
import { kubeGetJson } from '../../probe/kube/kubeHttp';
import type { RunTarget } from '../runRecord';
import { eventsTable, podForDisplay, type EventObject, type PodObject } from './podFacts';

const TIMEOUT_MS = 10_000;

function clusterOf(target: RunTarget) {
  const kube = resolveKubeconfig({ kubeconfig: target.kubeconfig, context: target.context, namespace: target.namespace });
  if (!kube.found) throw new Error(kube.reason);
  return kube.kc;
}

function podPath(namespace: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
}

/** The pod as the API server has it now; throws an Error with one sentence when it cannot be read. */
export function readPod(target: RunTarget, namespace: string, name: string, signal: AbortSignal): Promise<PodObject> {
  return kubeGetJson<PodObject>(clusterOf(target), podPath(namespace, name), { signal, timeoutMs: TIMEOUT_MS });
}

/** `kubectl get pod NAME -o yaml`, without managedFields. */
export async function podYaml(target: RunTarget, namespace: string, name: string, signal: AbortSignal): Promise<string> {
  const pod = await readPod(target, namespace, name, signal);
  return dump(podForDisplay({ apiVersion: 'v1', kind: 'Pod', ...pod }), { noRefs: true, lineWidth: -1, sortKeys: false });
}

/** The events whose object is the pod (by name and namespace, as `kubectl events --for pod/NAME`). */
export async function podEvents(target: RunTarget, namespace: string, name: string, signal: AbortSignal): Promise<string> {
  const fieldSelector = `involvedObject.kind=Pod,involvedObject.name=${name},involvedObject.namespace=${namespace}`;
  const list = await kubeGetJson<{ items?: EventObject[] }>(
    clusterOf(target),
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/events?${new URLSearchParams({ fieldSelector })}`,
    { signal, timeoutMs: TIMEOUT_MS },
  );
  return eventsTable(list.items ?? [], Date.now());
}
