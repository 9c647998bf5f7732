// The sentence "Reveal in Kubernetes View" ends with: where the pod is in that view, or why it is not
// there (the view shows another kubeconfig than the run's). Pure, so it is unit-tested.
import { resolve } from 'node:path';
import type { RunTarget } from '../runRecord';

export function revealMessage(pod: { name: string; namespace: string }, target: RunTarget, viewKubeconfig: string | undefined): string {
  const runFile = target.kubeconfig ? resolve(target.kubeconfig) : undefined;
  if (runFile && viewKubeconfig && resolve(viewKubeconfig) !== runFile) {
    return `The Kubernetes view shows the clusters of ${viewKubeconfig}, not this run's kubeconfig ${runFile}, so pod ${pod.name} (namespace ${pod.namespace}) is not in it; its name is on the clipboard.`;
  }
  const context = target.context ? `context ${target.context}` : 'the current context';
  return `Kubernetes view refreshed: pod ${pod.name} is under ${context} › Workloads › Pods (namespace ${pod.namespace}); its name is on the clipboard, type it in the view to filter.`;
}
