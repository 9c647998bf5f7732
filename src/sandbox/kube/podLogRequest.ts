// `GET /api/v1/namespaces/{ns}/pods/{name}/log`: the container is chosen and validated the way the real
// apiserver does it (one container → that one; several → the caller must say which), the kubelet's
// refusals are reproduced (`previous terminated container … not found`, `… is waiting to start: …`),
// `timestamps=true` prefixes each line with its RFC 3339 time, `sinceTime`/`sinceSeconds` skip older
// lines, and `follow=true` streams new lines until the container exits or restarts, the pod is deleted
// or the client leaves (a container that has already exited: its log, then the end). Like the kubelet,
// a follow sends its response headers with its first line: a quiet container's follow answers nothing.
import type { ServerResponse } from 'node:http';
import { boolParam, intParam } from './apiRequest';
import { badRequest, objectNotFound } from './apiStatus';
import type { OpenStream } from './openStreams';
import type { LogEntry, PodLogStore } from './podLogs';
import type { ObjectStore } from './store';
import type { UntypedJson } from './untypedJson';

export interface PodLogRequest {
  namespace: string;
  pod: string;
  query: URLSearchParams;
}

export interface PodLogDeps {
  store: ObjectStore;
  logs: PodLogStore;
  /** Registers a follow stream; returns its deregistration. */
  track(stream: OpenStream): () => void;
  /** Counts what was served, for tests. */
  served?: { read: number; follow: number; previous: number };
}

export function servePodLog(res: ServerResponse, request: PodLogRequest, deps: PodLogDeps): void {
  const { namespace, pod: podName, query } = request;
  const pod: UntypedJson = deps.store.get('pods', namespace, podName);
  if (!pod) throw objectNotFound('pods', '', podName);

  const container = chooseContainer(pod, query.get('container') ?? '');
  const previous = boolParam(query, 'previous');
  const follow = boolParam(query, 'follow');
  const tailLines = intParam(query, 'tailLines');
  const timestamps = boolParam(query, 'timestamps');
  const sinceMs = sinceParam(query);
  const format = (e: LogEntry) => (timestamps ? `${e.time} ${e.text}\n` : `${e.text}\n`);
  if (previous) {
    if (!deps.logs.hasPrevious(namespace, podName, container)) {
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    }
  } else {
    refuseIfWaitingToStart(pod, container);
  }

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  if (deps.served) deps.served[previous ? 'previous' : follow ? 'follow' : 'read'] += 1;
  const lines = deps.logs.readEntries(namespace, podName, container, { previous, tailLines, sinceMs });
  // A previous instance, or a current one that has exited: there is nothing more to follow.
  if (!follow || previous || deps.logs.hasExited(namespace, podName, container)) {
    res.end(lines.map(format).join(''));
    return;
  }
  // No flushHeaders(): the status line and headers leave with the first write, as the kubelet's do.
  if (lines.length) res.write(lines.map(format).join(''));
  followLog(res, request, container, deps, format);
}

/** `sinceTime` (RFC 3339) or `sinceSeconds` as epoch ms; both at once is a 400, as on a real server. */
function sinceParam(query: URLSearchParams): number | undefined {
  const time = query.get('sinceTime');
  const seconds = intParam(query, 'sinceSeconds');
  if (time && seconds !== undefined) throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
  if (seconds !== undefined) {
    if (seconds < 1) throw badRequest('sinceSeconds: Invalid value: must be greater than 0');
    return Date.now() - seconds * 1000;
  }
  if (!time) return undefined;
  const ms = Date.parse(time);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/.test(time) || !Number.isFinite(ms)) {
    throw badRequest(`parsing time "${time}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  // The API server keeps whole seconds (metav1.Time).
  return Math.floor(ms / 1000) * 1000;
}

function followLog(
  res: ServerResponse,
  request: PodLogRequest,
  container: string,
  deps: PodLogDeps,
  format: (e: LogEntry) => string,
): void {
  const { namespace, pod } = request;
  const cleanups: (() => void)[] = [];
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  const stream: OpenStream = {
    type: 'follow',
    close: () => {
      if (!res.writableEnded) res.end();
      finish();
    },
  };
  cleanups.push(deps.track(stream));
  cleanups.push(
    deps.logs.follow(
      namespace,
      pod,
      container,
      (entry) => res.write(format(entry)),
      () => stream.close(),
    ),
  );
  cleanups.push(
    deps.store.subscribe((change) => {
      const { metadata } = change.object;
      if (change.resource === 'pods' && change.type === 'DELETED' && metadata.namespace === namespace && metadata.name === pod) {
        stream.close();
      }
    }),
  );
  res.on('close', finish);
}

/** The real server's ValidateContainer: defaults only when the pod has exactly one container. */
function chooseContainer(pod: UntypedJson, requested: string): string {
  const containers: string[] = (pod.spec?.containers ?? []).map((c: UntypedJson) => c.name);
  const all: string[] = [
    ...(pod.spec?.initContainers ?? []).map((c: UntypedJson) => c.name),
    ...containers,
    ...(pod.spec?.ephemeralContainers ?? []).map((c: UntypedJson) => c.name),
  ];
  const name = pod.metadata.name;
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  if (containers.length === 1) return containers[0]!;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
}

/** The kubelet has no log for a container that never started; it says why instead. */
function refuseIfWaitingToStart(pod: UntypedJson, container: string): void {
  const statuses: UntypedJson[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container);
  const waiting = status?.state?.waiting;
  if (!waiting || status.state.running || status.state.terminated || status.lastState?.terminated) return;
  const podName = pod.metadata.name;
  const why =
    waiting.reason === 'ErrImagePull'
      ? "image can't be pulled"
      : waiting.reason === 'ImagePullBackOff'
        ? 'trying and failing to pull image'
        : waiting.reason;
  if (why) throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${why}`);
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}
