// `GET /api/v1/namespaces/{ns}/pods/{name}/log`: the container is chosen and validated the way the real
// apiserver does it (one container → that one; several → the caller must say which), the kubelet's
// refusals are reproduced (`previous terminated container … not found`, `… is waiting to start: …`), and
// `follow=true` streams new lines until the container restarts, the pod is deleted or the client leaves.
import type { ServerResponse } from 'node:http';
import { boolParam, intParam } from './apiRequest';
import { badRequest, objectNotFound } from './apiStatus';
import type { OpenStream } from './openStreams';
import type { PodLogStore } from './podLogs';
import type { ObjectStore } from './store';

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
}

// Stored objects are plain JSON; the fields read here are all optional and read defensively.
type UntypedJson = any;

export function servePodLog(res: ServerResponse, request: PodLogRequest, deps: PodLogDeps): void {
  const { namespace, pod: podName, query } = request;
  const pod: UntypedJson = deps.store.get('pods', namespace, podName);
  if (!pod) throw objectNotFound('pods', '', podName);

  const container = chooseContainer(pod, query.get('container') ?? '');
  const previous = boolParam(query, 'previous');
  const follow = boolParam(query, 'follow');
  const tailLines = intParam(query, 'tailLines');
  if (previous) {
    if (!deps.logs.hasPrevious(namespace, podName, container)) {
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    }
  } else {
    refuseIfWaitingToStart(pod, container);
  }

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  const lines = deps.logs.read(namespace, podName, container, { previous, tailLines });
  // A previous instance has exited: there is nothing more to follow.
  if (!follow || previous) {
    res.end(lines.map((l) => `${l}\n`).join(''));
    return;
  }
  res.flushHeaders();
  if (lines.length) res.write(lines.map((l) => `${l}\n`).join(''));
  followLog(res, request, container, deps);
}

function followLog(res: ServerResponse, request: PodLogRequest, container: string, deps: PodLogDeps): void {
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
      (line) => res.write(`${line}\n`),
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
  const statuses: UntypedJson[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
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
