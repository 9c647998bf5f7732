// GET on a resource path: get one object, list (selectors, limit/continue), watch, or a pod's log —
// each answered in the format the client negotiated.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boolParam, intParam, type ResourcePath } from './apiRequest';
import { badRequest, methodNotAllowed, objectNotFound } from './apiStatus';
import { getNamespace, listNamespaces } from './namespaces';
import type { OpenStreams } from './openStreams';
import type { PodLogStore } from './podLogs';
import type { ServedResource } from './resourceCatalog';
import { servePodLog } from './podLogRequest';
import { listBody, negotiateFormat, objectBody, type ListMeta } from './representation';
import { parseFieldSelector, parseLabelSelector, type FieldSelector } from './selectors';
import type { KubeObject, ObjectStore, ResourceKind } from './store';
import { parseIncludeObject } from './table';
import { WatchStream, type StoredResource } from './watchStream';

export interface ServedCounters {
  list: Record<ResourceKind, number>;
  watch: Record<ResourceKind, number>;
  /** Pod log requests answered with 200: plain reads, follows, and reads with previous=true. */
  log?: { read: number; follow: number; previous: number };
}

export interface ResourceRequestDeps {
  store: ObjectStore;
  logs: PodLogStore;
  streams: OpenStreams;
  served: ServedCounters;
  bookmarkIntervalMs: number;
  /** Creation time shown for the (implied) namespaces. */
  startedAt: string;
  /** Namespaces that exist besides the system ones and those holding objects. */
  namespaces: readonly string[];
}

export function serveResource(
  req: IncomingMessage,
  res: ServerResponse,
  path: ResourcePath,
  query: URLSearchParams,
  deps: ResourceRequestDeps,
): void {
  const { resource, namespace, name, subresource } = path;
  if (subresource === 'log') {
    servePodLog(res, { namespace: namespace!, pod: name!, query }, { ...deps, track: (s) => deps.streams.add(s), served: deps.served.log });
    return;
  }

  const format = negotiateFormat(req.headers.accept, parseIncludeObject(query.get('includeObject')));
  const watch = path.watchPrefix || boolParam(query, 'watch');
  if (watch && !resource.verbs.includes('watch')) throw methodNotAllowed();

  if (name !== undefined && !watch) {
    const object = getObject(resource, namespace, name, deps);
    if (!object) throw objectNotFound(resource.plural, resource.group, name);
    sendJson(res, 200, objectBody(resource, object, format));
    return;
  }

  const labels = parseLabelSelector(query.get('labelSelector'));
  let fields = parseFieldSelector(query.get('fieldSelector'), resource.plural);
  if (name !== undefined) fields = alsoNamed(fields, name);

  if (watch) {
    const stored = resource as StoredResource;
    const requestedVersion = parseResourceVersion(query.get('resourceVersion'));
    const timeoutSeconds = intParam(query, 'timeoutSeconds');
    const bookmarks = boolParam(query, 'allowWatchBookmarks');
    const sendInitialEvents = boolParam(query, 'sendInitialEvents');
    // Streaming lists start from the current state (at least as new as the version asked for).
    const sinceResourceVersion = sendInitialEvents ? undefined : requestedVersion;
    deps.served.watch[stored.storeKind]++;
    let untrack = () => {};
    const stream = new WatchStream(
      res,
      deps.store,
      {
        resource: stored,
        namespace,
        labels,
        fields,
        format,
        sinceResourceVersion,
        timeoutSeconds,
        bookmarkIntervalMs: bookmarks ? deps.bookmarkIntervalMs : undefined,
        sendInitialEvents,
      },
      () => untrack(),
    );
    untrack = deps.streams.add(stream);
    stream.start();
    return;
  }

  let items: readonly KubeObject[];
  let resourceVersion: string;
  if (resource.storeKind) {
    deps.served.list[resource.storeKind]++;
    ({ items, resourceVersion } = deps.store.view(resource.storeKind, namespace));
  } else {
    items = listNamespaces(deps.store, deps.namespaces, deps.startedAt);
    resourceVersion = String(deps.store.resourceVersion);
  }
  const matching = inKeyOrder(items.filter((o) => labels.matches(o.metadata.labels) && fields.matches(o)));
  const selective = query.has('labelSelector') || query.has('fieldSelector');
  const page = paginate(matching, query, selective);
  // Serialised at once and never kept: the stored objects need no copy.
  sendJson(res, 200, listBody(resource, page.items, { resourceVersion, ...page.meta }, format));
}

export function sendJson(res: ServerResponse, code: number, body: object): void {
  const payload = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function getObject(resource: ServedResource, namespace: string | undefined, name: string, deps: ResourceRequestDeps) {
  if (!resource.storeKind) return getNamespace(deps.store, deps.namespaces, name, deps.startedAt);
  return deps.store.get(resource.storeKind, namespace!, name);
}

function alsoNamed(fields: FieldSelector, name: string): FieldSelector {
  return { matches: (o) => o.metadata.name === name && fields.matches(o) };
}

/** Unset and "0" both mean "start from the current state"; anything else must be a version number. */
function parseResourceVersion(value: string | null): number | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  if (!/^\d+$/.test(value)) {
    throw badRequest(`resourceVersion: Invalid value: "${value}": strconv.ParseUint: parsing "${value}": invalid syntax`);
  }
  return Number(value);
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Sorted by namespace/name, each key built once (a namespace of thousands is sorted on every list). */
function inKeyOrder(items: KubeObject[]): KubeObject[] {
  return items
    .map((o) => ({ key: keyOf(o), o }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ o }) => o);
}

interface ContinueToken {
  v: 'consumer-probe/v1';
  start: string;
}

/**
 * `limit`/`continue` over the key-ordered list. Unlike etcd, later pages see the current state rather
 * than the first page's snapshot; every object is still returned exactly once if nothing changes.
 */
function paginate(items: KubeObject[], query: URLSearchParams, selective: boolean) {
  const token = query.get('continue');
  let remaining = items;
  if (token) {
    const start = decodeContinue(token);
    remaining = items.filter((o) => keyOf(o) > start);
  }
  const limit = intParam(query, 'limit');
  if (limit === undefined || limit <= 0 || remaining.length <= limit) {
    return { items: remaining, meta: {} as Partial<ListMeta> };
  }
  const pageItems = remaining.slice(0, limit);
  const next: ContinueToken = { v: 'consumer-probe/v1', start: keyOf(pageItems[pageItems.length - 1]!) };
  const meta: Partial<ListMeta> = { continue: Buffer.from(JSON.stringify(next)).toString('base64url') };
  // The real server only knows the remaining count when no selector filters the rest.
  if (!selective) meta.remainingItemCount = remaining.length - limit;
  return { items: pageItems, meta };
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (parsed.v === 'consumer-probe/v1' && typeof parsed.start === 'string') return parsed.start;
  } catch {
    // falls through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
