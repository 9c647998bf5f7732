// Which pods are "the backend": a name prefix and/or a label selector (`a=b,c!=d,e,!f`), matched
// client-side on the pods the cluster monitor already watches.
import type { LogOptions } from '../options';

export interface PodSelector {
  matches(pod: { name: string; labels: Record<string, string> }): boolean;
  /** `name^=panda-panda-focus-server`, `app=focus`, or both joined by a comma. */
  text: string;
}

type Requirement = (labels: Record<string, string>) => boolean;

function parseLabelSelector(selector: string): Requirement[] {
  return selector
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): Requirement => {
      const ne = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(part);
      if (ne) return (l) => l[ne[1]!] !== ne[2]!.trim();
      const eq = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(part);
      if (eq) return (l) => l[eq[1]!] === eq[2]!.trim();
      if (part.startsWith('!')) return (l) => !Object.hasOwn(l, part.slice(1).trim());
      return (l) => Object.hasOwn(l, part);
    });
}

export function backendPodSelector(backend: LogOptions['backend']): PodSelector {
  const prefix = backend.podNamePrefix ?? '';
  const labels = backend.labelSelector?.trim() ?? '';
  const requirements = parseLabelSelector(labels);
  const parts = [prefix ? `name^=${prefix}` : '', labels].filter(Boolean);
  return {
    text: parts.join(',') || '(every pod)',
    matches: (pod) => (!prefix || pod.name.startsWith(prefix)) && requirements.every((r) => r(pod.labels)),
  };
}
