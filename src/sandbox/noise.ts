// Production-shaped noise for the sandbox's namespace: many unrelated pods (about 1.7 KB of JSON each,
// with the labels, annotations, ownerReferences, managedFields, env, volumes and statuses a real one
// carries) and Events about them, plus an optional steady trickle of changes to both — what a probe
// meets in a busy namespace. None of it matches a job the backend issues: the `grpc-job-2W-9UUUU`
// pods belong to windows 20..29 and unique numbers ≥ 90000, which issued ids (and their decoys) never use.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { NODE_IP, containerId, kubeTime, randomSuffix } from './clusterObjects';
import type { KubeObject, ObjectStore } from './kube/store';

export interface SandboxNoise {
  /** Unrelated pods seeded into the namespace at start. Default 0. */
  unrelatedPods?: number;
  /** Unrelated Events (about those pods) seeded at start. Default 0. */
  unrelatedEvents?: number;
  /**
   * Unrelated changes per second while the sandbox runs (a pod's status, an event's count), spread
   * evenly; default 0 (off). Needs unrelatedPods > 0.
   */
  changesPerSecond?: number;
}

const NODES = ['node-1', 'node-2', 'node-4', 'node-5', 'node-6'];
const APPS = ['panda-worker', 'panda-ingest', 'panda-export', 'panda-indexer', 'panda-replay'];
const EVENT_KINDS: { reason: string; type: 'Normal' | 'Warning'; component: string; message: (pod: string, image: string) => string }[] = [
  { reason: 'Scheduled', type: 'Normal', component: 'default-scheduler', message: (pod) => `Successfully assigned panda/${pod} to node-2` },
  {
    reason: 'Pulled',
    type: 'Normal',
    component: 'kubelet',
    message: (_p, image) => `Container image "${image}" already present on machine`,
  },
  { reason: 'Created', type: 'Normal', component: 'kubelet', message: () => 'Created container main' },
  { reason: 'Started', type: 'Normal', component: 'kubelet', message: () => 'Started container main' },
  {
    reason: 'Unhealthy',
    type: 'Warning',
    component: 'kubelet',
    message: () => 'Readiness probe failed: HTTP probe failed with statuscode: 503',
  },
  {
    reason: 'BackOff',
    type: 'Warning',
    component: 'kubelet',
    message: (pod) => `Back-off restarting failed container main in pod ${pod}_panda`,
  },
];

/** The name of the i-th unrelated pod: mostly Deployment pods, every fifth a finished-job-like `grpc-job-2W-9UUUU-xxxxx`. */
function noisePodName(i: number): { name: string; owner: { kind: string; apiVersion: string; name: string }; app: string } {
  if (i % 5 === 4) {
    const jobName = `grpc-job-2${i % 10}-${90_000 + (i % 10_000)}`;
    return { name: `${jobName}-${randomSuffix()}`, owner: { kind: 'Job', apiVersion: 'batch/v1', name: jobName }, app: jobName };
  }
  const app = APPS[i % APPS.length]!;
  const hash = randomSuffix(10);
  return { name: `${app}-${hash}-${randomSuffix()}`, owner: { kind: 'ReplicaSet', apiVersion: 'apps/v1', name: `${app}-${hash}` }, app };
}

/** An unrelated, running pod shaped like a production one (≈1.7 KB as JSON). */
export function noisePod(namespace: string, i: number, now = Date.now()): KubeObject {
  const { name, owner, app } = noisePodName(i);
  const since = now - randomInt(3_600_000, 7 * 86_400_000);
  const at = kubeTime(since);
  const image = `registry.local/${app.startsWith('grpc-job') ? 'baby-analyzer' : app}:5.${i % 9}.${i % 7}`;
  const ownerUid = randomUUID();
  const ip = `10.244.${8 + ((i >> 8) % 200)}.${i % 250}`;
  const labels: Record<string, string> =
    owner.kind === 'Job'
      ? { app, 'job-name': owner.name, 'controller-uid': ownerUid, 'batch.kubernetes.io/job-name': owner.name }
      : { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': 'panda', 'pod-template-hash': owner.name.slice(-10) };
  const metadata = {
    name,
    namespace,
    uid: randomUUID(),
    creationTimestamp: at,
    generateName: name.slice(0, -5),
    labels,
    annotations: { 'prometheus.io/scrape': 'true' },
    ownerReferences: [{ ...owner, uid: ownerUid, controller: true }],
    managedFields: [
      {
        manager: 'kubelet',
        operation: 'Update',
        apiVersion: 'v1',
        time: at,
        fieldsType: 'FieldsV1',
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:podIP': {} } },
      },
    ],
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      containers: [
        {
          name: 'main',
          image,
          imagePullPolicy: 'IfNotPresent',
          env: [{ name: 'RABBITMQ_HOST', value: 'rabbitmq-panda.panda.svc' }],
          resources: { requests: { cpu: '250m', memory: '512Mi' } },
          volumeMounts: [{ name: 'config', mountPath: '/etc/focus', readOnly: true }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'focus-config' } }],
      restartPolicy: owner.kind === 'Job' ? 'Never' : 'Always',
      nodeName: NODES[i % NODES.length],
    },
    status: {
      phase: 'Running',
      conditions: ['Ready', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: at })),
      containerStatuses: [
        {
          name: 'main',
          image,
          imageID: `${image}@sha256:${randomBytes(8).toString('hex')}`,
          containerID: containerId(),
          ready: true,
          restartCount: i % 3,
          state: { running: { startedAt: at } },
        },
      ],
      hostIP: NODE_IP,
      podIP: ip,
      startTime: at,
    },
  };
}

/** An unrelated Event about `pod`. */
export function noiseEvent(namespace: string, i: number, pod: KubeObject, now = Date.now()): KubeObject {
  const kind = EVENT_KINDS[i % EVENT_KINDS.length]!;
  const podName = pod.metadata.name;
  const image = (pod.spec as { containers: { image: string }[] }).containers[0]?.image ?? '';
  const at = kubeTime(now - randomInt(1_000, 3_600_000));
  const kubelet = kind.component === 'kubelet';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.${randomBytes(8).toString('hex')}`, namespace, creationTimestamp: at },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace,
      name: podName,
      uid: pod.metadata.uid,
      ...(kubelet ? { fieldPath: 'spec.containers{main}' } : {}),
    },
    reason: kind.reason,
    message: kind.message(podName, image),
    type: kind.type,
    count: 1 + (i % 4),
    firstTimestamp: at,
    lastTimestamp: at,
    eventTime: null,
    source: kubelet ? { component: kind.component, host: (pod.spec as { nodeName?: string }).nodeName } : { component: kind.component },
    reportingComponent: kind.component,
    reportingInstance: kubelet ? ((pod.spec as { nodeName?: string }).nodeName ?? '') : '',
  };
}

/** Seeds the noise into the store, and plays its trickle of changes until stop(). */
export class NamespaceNoise {
  private readonly pods: string[] = [];
  private readonly events: string[] = [];
  private timer?: NodeJS.Timeout;
  private tick = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly namespace: string,
    private readonly opts: SandboxNoise,
  ) {}

  seed(): void {
    const now = Date.now();
    const created: KubeObject[] = [];
    for (let i = 0; i < (this.opts.unrelatedPods ?? 0); i++) {
      const pod = this.store.create('pods', noisePod(this.namespace, i, now));
      created.push(pod);
      this.pods.push(pod.metadata.name);
    }
    const eventCount = created.length === 0 ? 0 : (this.opts.unrelatedEvents ?? 0);
    for (let i = 0; i < eventCount; i++) {
      const event = this.store.create('events', noiseEvent(this.namespace, i, created[i % created.length]!, now));
      this.events.push(event.metadata.name);
    }
  }

  /** Starts the trickle (when configured). */
  start(): void {
    const rate = this.opts.changesPerSecond ?? 0;
    if (rate <= 0 || this.pods.length === 0) return;
    // At most 100 timer ticks per second; each applies its share of the changes.
    const ticksPerSecond = Math.min(rate, 100);
    const perTick = rate / ticksPerSecond;
    let owed = 0;
    this.timer = setInterval(() => {
      owed += perTick;
      for (; owed >= 1; owed--) this.change();
    }, 1000 / ticksPerSecond);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One unrelated change: alternately a pod's readiness probe time and an event's count. */
  private change(): void {
    const n = this.tick++;
    const events = this.events;
    if (n % 2 === 1 && events.length > 0) {
      const name = events[(n >> 1) % events.length]!;
      this.store.update('events', this.namespace, name, (e) =>
        Object.assign(e, { count: (e.count as number) + 1, lastTimestamp: kubeTime() }),
      );
      return;
    }
    const name = this.pods[(n >> 1) % this.pods.length]!;
    this.store.update('pods', this.namespace, name, (pod) => {
      const status = pod.status as { conditions: { type: string; lastProbeTime: string | null }[] };
      const ready = status.conditions.find((c) => c.type === 'Ready');
      if (ready) ready.lastProbeTime = kubeTime();
    });
  }
}
