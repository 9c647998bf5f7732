// Which pods are "the backend": a name prefix and/or a Kubernetes label selector (the full grammar of
// ../labelSelector.ts, e.g. `app in (focus,api),tier!=canary,!debug`), matched client-side on the pods
// the cluster monitor already watches. The options builder has validated the selector already.
import { parseLabelSelector } from '../labelSelector';
import type { LogOptions } from '../options';

export interface PodSelector {
  matches(pod: { name: string; labels: Record<string, string> }): boolean;
  /** `name^=panda-panda-focus-server`, `app=focus`, or both joined by a comma. */
  text: string;
}

export function backendPodSelector(backend: LogOptions['backend']): PodSelector {
  const prefix = backend.podNamePrefix ?? '';
  const labels = backend.labelSelector?.trim() ?? '';
  const selector = parseLabelSelector(labels);
  const parts = [prefix ? `name^=${prefix}` : '', labels].filter(Boolean);
  return {
    text: parts.join(',') || '(every pod)',
    matches: (pod) => (!prefix || pod.name.startsWith(prefix)) && selector.matches(pod.labels),
  };
}
