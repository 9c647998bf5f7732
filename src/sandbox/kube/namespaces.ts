// Namespaces are not stored: the namespaces that exist are the declared ones (`default`, the system
// namespaces and the sandbox's own) plus every namespace that holds an object. As on a real cluster, a
// GET of any other namespace answers 404, while lists and watches inside it answer 200 with nothing.
import { createHash } from 'node:crypto';
import type { KubeObject, ObjectStore, ResourceKind } from './store';

const STORED_KINDS: ResourceKind[] = ['pods', 'jobs', 'events', 'deployments', 'statefulsets'];

export function namespaceObject(name: string, createdAt: string): KubeObject {
  const namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: stableUid(name),
      resourceVersion: '1',
      creationTimestamp: createdAt,
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
  // Cluster-scoped: no metadata.namespace on the wire, unlike the stored kinds KubeObject describes.
  return namespace as unknown as KubeObject;
}

/** Namespaces every cluster has; a sandbox adds its own (see KubeApiServerOptions.namespaces). */
export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

export function listNamespaces(store: ObjectStore, declared: readonly string[], createdAt: string): KubeObject[] {
  const names = new Set<string>([...SYSTEM_NAMESPACES, ...declared]);
  for (const kind of STORED_KINDS) {
    for (const object of store.list(kind).items) names.add(object.metadata.namespace);
  }
  return [...names].sort().map((name) => namespaceObject(name, createdAt));
}

/** The namespace object, or undefined when no such namespace exists. */
export function getNamespace(store: ObjectStore, declared: readonly string[], name: string, createdAt: string): KubeObject | undefined {
  if ((SYSTEM_NAMESPACES as readonly string[]).includes(name) || declared.includes(name)) return namespaceObject(name, createdAt);
  const holdsObjects = STORED_KINDS.some((kind) => store.view(kind, name).items.length > 0);
  return holdsObjects ? namespaceObject(name, createdAt) : undefined;
}

/** The same uid every time a namespace is shown, as clients key caches by uid. */
function stableUid(name: string): string {
  const hex = createHash('sha256').update(`namespace/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
