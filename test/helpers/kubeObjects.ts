// Realistic Kubernetes objects for tests: Pods in the states that matter to the probe (unschedulable,
// creating, running, crash-looping, failing to pull, completed, failed), Jobs and Events, shaped like
// what a real cluster returns so code tested against them also works against one.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../src/sandbox/kube/store';

export type PodState = 'unschedulable' | 'creating' | 'running' | 'notReady' | 'crashLoop' | 'imagePullBackOff' | 'succeeded' | 'failed';

export interface PodOptions {
  name: string;
  /** Default `panda`. */
  namespace?: string;
  labels?: Record<string, string>;
  /** Container names; default `['main']`. */
  containers?: string[];
  image?: string;
  /** Default `running`. */
  state?: PodState;
  /** Default 0, except 3 for `crashLoop`. */
  restartCount?: number;
  nodeName?: string;
  podIP?: string;
  /** Default now. */
  createdAt?: Date;
  /** Makes it a Job's pod: owner reference and the labels the Job controller adds. */
  job?: { name: string; uid: string };
}

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

export function makePod(opts: PodOptions): KubeObject {
  const state = opts.state ?? 'running';
  const created = opts.createdAt ?? new Date();
  const names = opts.containers ?? ['main'];
  const image = opts.image ?? 'registry.example/baby-analyzer:1.4.2';
  const scheduled = state !== 'unschedulable';
  const nodeName = opts.nodeName ?? 'gpu-node-1';
  const podIP = opts.podIP ?? '10.244.1.17';
  const restartCount = opts.restartCount ?? (state === 'crashLoop' ? 3 : 0);
  const labels = { ...(opts.labels ?? {}) };
  if (opts.job) {
    Object.assign(labels, {
      'batch.kubernetes.io/controller-uid': opts.job.uid,
      'batch.kubernetes.io/job-name': opts.job.name,
      'controller-uid': opts.job.uid,
      'job-name': opts.job.name,
    });
  }
  const running = state === 'running' || state === 'notReady';
  const ready = state === 'running';
  // Later moments of the pod's life, never in the future (kubectl would print ages as <invalid>).
  const after = (ms: number) => iso(new Date(Math.min(created.getTime() + ms, Date.now())));
  const started = after(2000);
  const phase = {
    unschedulable: 'Pending',
    creating: 'Pending',
    imagePullBackOff: 'Pending',
    running: 'Running',
    notReady: 'Running',
    crashLoop: 'Running',
    succeeded: 'Succeeded',
    failed: 'Failed',
  }[state];

  const condition = (type: string, ok: boolean, extra: object = {}) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: iso(created),
    ...extra,
  });
  const conditions = scheduled
    ? [
        condition('Initialized', true),
        condition('Ready', ready, ready ? {} : { reason: 'ContainersNotReady' }),
        condition('ContainersReady', ready, ready ? {} : { reason: 'ContainersNotReady' }),
        condition('PodScheduled', true),
      ]
    : [
        condition('PodScheduled', false, {
          reason: 'Unschedulable',
          message:
            '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.shared. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        }),
      ];

  const containerState = (): object => {
    switch (state) {
      case 'creating':
        return { waiting: { reason: 'ContainerCreating' } };
      case 'imagePullBackOff':
        return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } };
      case 'crashLoop':
        return { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } };
      case 'succeeded':
        return { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: after(9000) } };
      case 'failed':
        return { terminated: { exitCode: 1, reason: 'Error', startedAt: started, finishedAt: after(9000) } };
      default:
        return { running: { startedAt: started } };
    }
  };
  const lastState =
    state === 'crashLoop' ? { terminated: { exitCode: 1, reason: 'Error', startedAt: started, finishedAt: after(5000) } } : {};

  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name,
      namespace: opts.namespace ?? 'panda',
      uid: randomUUID(),
      creationTimestamp: iso(created),
      labels,
      ...(opts.job
        ? {
            generateName: `${opts.job.name}-`,
            ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: opts.job.name, uid: opts.job.uid, controller: true }],
          }
        : {}),
    },
    spec: {
      containers: names.map((name) => ({
        name,
        image,
        resources: { limits: { 'nvidia.com/gpu.shared': '1' }, requests: { 'nvidia.com/gpu.shared': '1' } },
        imagePullPolicy: 'IfNotPresent',
      })),
      restartPolicy: opts.job ? 'Never' : 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      ...(scheduled ? { nodeName } : {}),
    },
    status: {
      phase,
      conditions,
      qosClass: 'BestEffort',
      ...(scheduled
        ? {
            hostIP: '192.168.10.21',
            startTime: iso(created),
            ...(state === 'creating' || state === 'imagePullBackOff' ? {} : { podIP, podIPs: [{ ip: podIP }] }),
            containerStatuses: names.map((name) => ({
              name,
              image,
              imageID: state === 'creating' || state === 'imagePullBackOff' ? '' : `${image}@sha256:${'0'.repeat(64)}`,
              ready: ready,
              started: running,
              restartCount,
              state: containerState(),
              lastState,
            })),
          }
        : {}),
    },
  };
}

export interface JobOptions {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** Pod template labels (the Job controller adds job-name/controller-uid). */
  podLabels?: Record<string, string>;
  uid?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  createdAt?: Date;
}

export function makeJob(opts: JobOptions): KubeObject {
  const uid = opts.uid ?? randomUUID();
  const created = opts.createdAt ?? new Date();
  const succeeded = opts.succeeded ?? 0;
  const failed = opts.failed ?? 0;
  const finished = succeeded > 0 || failed > 0;
  const conditionType = succeeded > 0 ? 'Complete' : 'Failed';
  const selectorLabels = { 'batch.kubernetes.io/controller-uid': uid };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: opts.name,
      namespace: opts.namespace ?? 'panda',
      uid,
      creationTimestamp: iso(created),
      labels: opts.labels ?? {},
    },
    spec: {
      backoffLimit: 0,
      completions: 1,
      parallelism: 1,
      ttlSecondsAfterFinished: 120,
      selector: { matchLabels: selectorLabels },
      template: {
        metadata: { labels: { ...(opts.podLabels ?? {}), ...selectorLabels, 'job-name': opts.name } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'registry.example/baby-analyzer:1.4.2' }],
        },
      },
    },
    status: {
      startTime: iso(created),
      ...(opts.active ? { active: opts.active } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ...(finished
        ? {
            ...(succeeded > 0 ? { completionTime: iso(new Date(Math.min(created.getTime() + 10_000, Date.now()))) } : {}),
            conditions: [{ type: conditionType, status: 'True', lastProbeTime: iso(created), lastTransitionTime: iso(created) }],
          }
        : {}),
    },
  };
}

export interface InvolvedObject {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
}

export interface EventOptions {
  /** Default `<object name>.<random hex>`, as the real event recorder names them. */
  name?: string;
  namespace?: string;
  /** The object itself (its uid is what `kubectl describe` selects events by) or a reference to it. */
  involvedObject: InvolvedObject | KubeObject;
  reason: string;
  message: string;
  /** Default `Normal`. */
  type?: 'Normal' | 'Warning';
  /** Default `default-scheduler`. */
  component?: string;
  count?: number;
  at?: Date;
}

export function makeEvent(opts: EventOptions): KubeObject {
  const about = opts.involvedObject;
  const involved: InvolvedObject =
    'metadata' in about
      ? {
          kind: about.kind,
          name: about.metadata.name,
          namespace: about.metadata.namespace,
          uid: about.metadata.uid,
          apiVersion: about.apiVersion,
        }
      : about;
  const namespace = opts.namespace ?? involved.namespace ?? 'panda';
  const at = iso(opts.at ?? new Date());
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: opts.name ?? `${involved.name}.${randomUUID().replace(/-/g, '').slice(0, 16)}`,
      namespace,
      creationTimestamp: at,
    },
    involvedObject: { apiVersion: 'v1', namespace, ...involved },
    reason: opts.reason,
    message: opts.message,
    type: opts.type ?? 'Normal',
    source: { component: opts.component ?? 'default-scheduler' },
    firstTimestamp: at,
    lastTimestamp: at,
    count: opts.count ?? 1,
    reportingComponent: opts.component ?? 'default-scheduler',
    reportingInstance: '',
  };
}
