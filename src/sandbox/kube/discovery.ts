// Discovery documents: what kubectl reads to turn `po`, `pods`, `jobs`, `ev` into URLs. These are the
// legacy (non-aggregated) documents; kubectl asks for aggregated discovery first but falls back to
// these when the response's Content-Type is plain `application/json`.
import { groupVersionOf, SERVED_RESOURCES, type ServedResource } from './resourceCatalog';

export const SERVER_VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.0-consumer-probe-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-04-17T00:00:00Z',
  goVersion: 'go1.22.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/**
 * The discovery document served at `path`, or undefined when `path` is not a discovery path.
 * `serverAddress` is host:port, as a real server advertises in `/api`.
 */
export function discoveryDocument(path: string, serverAddress: string): object | undefined {
  switch (path) {
    case '/version':
      return SERVER_VERSION;
    case '/api':
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
      };
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups().map(apiGroup) };
  }
  if (path === '/api/v1') return resourceList('', 'v1');
  const groupMatch = /^\/apis\/([^/]+)$/.exec(path);
  if (groupMatch && namedGroups().includes(groupMatch[1]!)) {
    return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(groupMatch[1]!) };
  }
  const versionMatch = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (versionMatch) return resourceList(versionMatch[1]!, versionMatch[2]!);
  return undefined;
}

function namedGroups(): string[] {
  return [...new Set(SERVED_RESOURCES.map((r) => r.group).filter((g) => g !== ''))];
}

function apiGroup(name: string) {
  const versions = [...new Set(SERVED_RESOURCES.filter((r) => r.group === name).map((r) => r.version))].map((version) => ({
    groupVersion: `${name}/${version}`,
    version,
  }));
  return { name, versions, preferredVersion: versions[0] };
}

function resourceList(group: string, version: string): object | undefined {
  const served = SERVED_RESOURCES.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionOf({ group, version }),
    resources: served.flatMap(apiResources),
  };
}

function apiResources(r: ServedResource): object[] {
  const main = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
  };
  // Subresources are listed as `pods/log`; a real server advertises only `get` for logs.
  const subs = r.subresources.map((sub) => ({
    name: `${r.plural}/${sub}`,
    singularName: '',
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: ['get'],
  }));
  return [main, ...subs];
}
