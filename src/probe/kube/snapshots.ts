// Raw Kubernetes JSON → the few fields the probe reasons about. Tolerant of missing fields:
// a pod seen right after creation has almost no status.
import type { ContainerStateSummary, JobSnapshot, KubeEvent, PodSnapshot } from '../model';
import type { RawObject } from './listWatch';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function containerSummary(raw: Json): ContainerStateSummary {
  const state = obj(raw.state);
  const last = obj(obj(raw.lastState).terminated);
  const kind = state.waiting ? 'waiting' : state.running ? 'running' : state.terminated ? 'terminated' : 'unknown';
  const detail = kind === 'unknown' ? {} : obj(state[kind]);
  return {
    name: str(raw.name) ?? '',
    ready: raw.ready === true,
    restartCount: num(raw.restartCount) ?? 0,
    state: kind,
    reason: str(detail.reason),
    message: str(detail.message),
    exitCode: num(detail.exitCode),
    lastTerminated: Object.keys(last).length
      ? { reason: str(last.reason), exitCode: num(last.exitCode), message: str(last.message) }
      : null,
  };
}

export function podSnapshot(raw: RawObject, deleted = false): PodSnapshot {
  const meta = obj(raw.metadata);
  const spec = obj(raw.spec);
  const status = obj(raw.status);
  const conditions = arr(status.conditions).map((c) => ({
    type: str(c.type) ?? '',
    status: str(c.status) ?? 'Unknown',
    ...(str(c.reason) ? { reason: str(c.reason)! } : {}),
    ...(str(c.message) ? { message: str(c.message)! } : {}),
  }));
  const containers = [
    ...arr(status.initContainerStatuses).map((c) => ({ ...containerSummary(c), name: `init:${str(c.name) ?? ''}` })),
    ...arr(status.containerStatuses).map(containerSummary),
  ];
  const regular = containers.filter((c) => !c.name.startsWith('init:'));
  return {
    uid: str(meta.uid) ?? `${str(meta.namespace)}/${str(meta.name)}`,
    name: str(meta.name) ?? '',
    namespace: str(meta.namespace) ?? '',
    phase: str(status.phase) ?? 'Pending',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    restartCount: regular.reduce((n, c) => n + c.restartCount, 0),
    node: str(spec.nodeName),
    labels: Object.fromEntries(Object.entries(obj(meta.labels)).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    conditions,
    containers,
    statusReason: str(status.reason),
    statusMessage: str(status.message),
    deleted,
  };
}

export function jobSnapshot(raw: RawObject): JobSnapshot {
  const meta = obj(raw.metadata);
  const status = obj(raw.status);
  return {
    uid: str(meta.uid) ?? '',
    name: str(meta.name) ?? '',
    namespace: str(meta.namespace) ?? '',
    active: num(status.active) ?? 0,
    succeeded: num(status.succeeded) ?? 0,
    failed: num(status.failed) ?? 0,
    conditions: arr(status.conditions).map((c) => ({
      type: str(c.type) ?? '',
      status: str(c.status) ?? 'Unknown',
      ...(str(c.reason) ? { reason: str(c.reason)! } : {}),
      ...(str(c.message) ? { message: str(c.message)! } : {}),
    })),
  };
}

export function kubeEvent(raw: RawObject): KubeEvent & { involvedName: string; involvedKind: string } {
  const meta = obj(raw.metadata);
  const involved = obj(raw.involvedObject ?? raw.regarding);
  const kind = str(involved.kind) ?? '';
  const name = str(involved.name) ?? '';
  return {
    uid: str(meta.uid) ?? undefined,
    type: str(raw.type) ?? 'Normal',
    reason: str(raw.reason) ?? '',
    object: `${kind}/${name}`,
    message: str(raw.message) ?? str(raw.note) ?? '',
    count: num(raw.count) ?? num(obj(raw.series).count) ?? 1,
    involvedName: name,
    involvedKind: kind,
  };
}
