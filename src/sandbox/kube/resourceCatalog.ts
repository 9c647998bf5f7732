// The resources the simulated API server serves: one table that discovery, routing, error messages
// and list kinds all read, so they can never disagree about names, groups or scope.
import type { ResourceKind } from './store';

export interface ServedResource {
  /** URL segment and discovery name: `pods`. */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Where the objects live; namespaces have no storage and are derived from the other objects. */
  storeKind?: ResourceKind;
  subresources: string[];
  /** Only reads are served, so only read verbs are advertised: clients check verbs before trying. */
  verbs: string[];
}

const READ_VERBS = ['get', 'list', 'watch'];

export const SERVED_RESOURCES: readonly ServedResource[] = [
  {
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    listKind: 'PodList',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    storeKind: 'pods',
    subresources: ['log'],
    verbs: READ_VERBS,
  },
  {
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    listKind: 'EventList',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['ev'],
    categories: [],
    storeKind: 'events',
    subresources: [],
    verbs: READ_VERBS,
  },
  {
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    categories: [],
    subresources: [],
    // Namespaces are implied by the stored objects and never change, so there is nothing to watch.
    verbs: ['get', 'list'],
  },
  {
    plural: 'jobs',
    singular: 'job',
    kind: 'Job',
    listKind: 'JobList',
    group: 'batch',
    version: 'v1',
    namespaced: true,
    shortNames: [],
    categories: ['all'],
    storeKind: 'jobs',
    subresources: [],
    verbs: READ_VERBS,
  },
  // The backend's and the broker's workloads: a probe finds their pods through the workload's selector.
  {
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    storeKind: 'deployments',
    subresources: [],
    verbs: READ_VERBS,
  },
  {
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    listKind: 'StatefulSetList',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    storeKind: 'statefulsets',
    subresources: [],
    verbs: READ_VERBS,
  },
];

export function findResource(group: string, version: string, plural: string): ServedResource | undefined {
  return SERVED_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** `v1` for the core group, `batch/v1` otherwise. */
export function groupVersionOf(r: Pick<ServedResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}
