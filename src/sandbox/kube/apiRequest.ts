// Parsing what a resource request asks for: the resource, namespace, name and subresource from the
// URL path (`/api/v1/namespaces/ns/pods/p/log`, `/apis/batch/v1/jobs`, the old `/watch/` prefix), and
// typed query parameters with the real server's strictness (a malformed value is a 400, not a default).
import { badRequest } from './apiStatus';
import { findResource, type ServedResource } from './resourceCatalog';

export interface ResourcePath {
  resource: ServedResource;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Came in through the deprecated `/api/v1/watch/...` form, which always watches. */
  watchPrefix: boolean;
}

/** The resource a path addresses, or undefined when the server has no such path (→ 404). */
export function parseResourcePath(pathname: string): ResourcePath | undefined {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let group: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    group = '';
    rest = segments.slice(1);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1]!;
    rest = segments.slice(2);
  } else {
    return undefined;
  }
  const version = rest.shift()!;
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest.shift();

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length > 0) return undefined;
  const resource = findResource(group, version, plural);
  if (!resource) return undefined;
  if (namespace !== undefined && !resource.namespaced) return undefined;
  // A namespaced object is only addressable inside its namespace.
  if (namespace === undefined && resource.namespaced && name !== undefined) return undefined;
  if (subresource !== undefined && (watchPrefix || !resource.subresources.includes(subresource))) return undefined;
  return { resource, namespace, name, subresource, watchPrefix };
}

/** Go's strconv.ParseBool, which the real server uses for boolean parameters. */
export function boolParam(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw badRequest(`invalid value for ${name}: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

export function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) {
    throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing "${value}": invalid syntax`);
  }
  return Number(value);
}
