// Namespaces are not stored: any namespace a client names exists (as the sandbox's namespaces are
// implied by its objects), and the list shows `default` plus every namespace that holds an object.
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

export function listNamespaces(store: ObjectStore, createdAt: string): KubeObject[] {
  const names = new Set(['default']);
  for (const kind of STORED_KINDS) {
    for (const object of store.list(kind).items) names.add(object.metadata.namespace);
  }
  return [...names].sort().map((name) => namespaceObject(name, createdAt));
}

/** The same uid every time a namespace is shown, as clients key caches by uid. */
function stableUid(name: string): string {
  const hex = createHash('sha256').update(`namespace/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
