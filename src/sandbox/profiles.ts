// Scripted scenario profiles for the sandbox: plain data saying what the backend answers and what the
// cluster, broker and backend do afterwards, at what time. Times are ms after the configure request
// ARRIVED. They are tuned so every scenario plays out within a few seconds in the demo.
import type { ScenarioId } from '../probe/model';

/** Steps the simulated cluster applies (Job controller, scheduler, kubelet). */
export const CLUSTER_STEPS = [
  'createJob',
  'createCleanupJob',
  'finishCleanupJob',
  'failCreatePod',
  'createPod',
  'failScheduling',
  'schedule',
  'pullImage',
  'pulled',
  'startContainer',
  'becomeReady',
  'crash',
  'imagePullFails',
  'imagePullBackOff',
] as const;
export type ClusterStepKind = (typeof CLUSTER_STEPS)[number];

/** Steps of the broker and the backend. */
export const PIPELINE_STEPS = ['createQueue', 'attachConsumer', 'consumerReady'] as const;
export type PipelineStepKind = (typeof PIPELINE_STEPS)[number];

export interface ClusterStep {
  atMs: number;
  do: ClusterStepKind;
}
export interface PipelineStep {
  atMs: number;
  do: PipelineStepKind;
}
/** Log lines; `{id}` stands for the job id, `{pod}` for the job's pod name. */
export interface LogStep {
  atMs: number;
  do: 'log';
  source: 'container' | 'backend';
  lines: readonly string[];
}
export type ProfileStep = ClusterStep | PipelineStep | LogStep;

export type ConfigureBehaviour = {
  delayMs: number;
  /** What the backend logs while it answers (a refused configure has no job to script later). */
  backendLog?: readonly string[];
} & ({ outcome: 'job' } | { outcome: 'http_error'; status: number; body: string; contentType: string } | { outcome: 'no_job_id' });

export interface SandboxProfile {
  name: string;
  expectedScenario: ScenarioId;
  /** One line for `--help` / demo output. */
  description: string;
  /** The thresholds the demo runs the probe with. */
  probe: { timeoutMs: number; slowThresholdMs: number };
  /** `forbidden`: the probe's kubeconfig carries a token the API server answers 403. */
  clusterAccess: 'ok' | 'forbidden';
  configure: ConfigureBehaviour;
  /** What happens after the configure answer, at ms after the configure request arrived. */
  steps: readonly ProfileStep[];
}

export function isClusterStep(step: ProfileStep): step is ClusterStep {
  return (CLUSTER_STEPS as readonly string[]).includes(step.do);
}

export function isPipelineStep(step: ProfileStep): step is PipelineStep {
  return (PIPELINE_STEPS as readonly string[]).includes(step.do);
}

const at = (atMs: number, kind: ClusterStepKind | PipelineStepKind): ProfileStep => ({ atMs, do: kind }) as ProfileStep;
const containerLog = (atMs: number, ...lines: string[]): LogStep => ({ atMs, do: 'log', source: 'container', lines });
const backendLog = (atMs: number, ...lines: string[]): LogStep => ({ atMs, do: 'log', source: 'backend', lines });

const FAST_PROBE = { timeoutMs: 8_000, slowThresholdMs: 4_000 };
const FAILING_PROBE = { timeoutMs: 5_000, slowThresholdMs: 4_000 };
const CONFIGURE_OK: ConfigureBehaviour = { delayMs: 150, outcome: 'job' };

/** The backend creates both Jobs; the cleanup Job's pod (it also contains the id) runs and completes. */
function jobCreation(): ProfileStep[] {
  return [
    at(200, 'createJob'),
    backendLog(200, 'INFO focus.jobs: created Job grpc-job-{id} in namespace panda'),
    at(250, 'createCleanupJob'),
    at(700, 'finishCleanupJob'),
  ];
}

const STARTUP_LINES = [
  'INFO baby_analyzer: Baby Analyzer 2.3.1 starting for job {id}',
  'INFO baby_analyzer: loading GPU model on nvidia.com/gpu.shared',
  'INFO baby_analyzer: connecting to amqp://rabbitmq-panda.panda.svc:5672',
];

interface PodTimes {
  created: number;
  scheduled: number;
  pulling: number;
  pulled: number;
  running: number;
  ready?: number;
}

function podStart(t: PodTimes): ProfileStep[] {
  return [
    at(t.created, 'createPod'),
    at(t.scheduled, 'schedule'),
    at(t.pulling, 'pullImage'),
    at(t.pulled, 'pulled'),
    at(t.running, 'startContainer'),
    containerLog(t.running, ...STARTUP_LINES),
    ...(t.ready === undefined ? [] : [at(t.ready, 'becomeReady')]),
  ];
}

const FAST_POD: PodTimes = { created: 300, scheduled: 450, pulling: 500, pulled: 900, running: 1100, ready: 1400 };

function queueDeclared(atMs: number): ProfileStep[] {
  return [at(atMs, 'createQueue'), containerLog(atMs, 'INFO baby_analyzer: declared queue grpc-job-{id}, streaming')];
}

function consumerComesUp(attachedMs: number, readyMs: number): ProfileStep[] {
  return [
    at(attachedMs, 'attachConsumer'),
    backendLog(attachedMs, 'INFO focus.consumers: consumer attached to grpc-job-{id}'),
    at(readyMs, 'consumerReady'),
    backendLog(readyMs, 'INFO focus.consumers: job {id} ready, metadata available'),
  ];
}

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/app/baby_analyzer/__main__.py", line 88, in <module>',
  '    main()',
  '  File "/app/baby_analyzer/__main__.py", line 61, in main',
  '    port = job_config["stream_port"]',
  "KeyError: 'stream_port'",
];

/** The backend's consumer cannot subscribe: the broker refuses it the queue. */
const CONSUMER_REFUSED = [
  'ERROR focus.consumers: cannot start the consumer for job {id}',
  'Traceback (most recent call last):',
  '  File "/app/focus/consumers.py", line 142, in attach',
  '    channel.basic_consume(queue=queue_name, on_message_callback=self.on_frame)',
  "pika.exceptions.ChannelClosedByBroker: (403, \"ACCESS_REFUSED - access to queue 'grpc-job-{id}' in vhost '/' refused for user 'focus'\")",
];

/** The consumer runs, but the backend cannot build the job's metadata from what the analyzer sent. */
const METADATA_FAILS = [
  'ERROR focus.metadata: building metadata for job {id} failed',
  'Traceback (most recent call last):',
  '  File "/app/focus/metadata.py", line 57, in on_first_frame',
  '    self.store[job_id] = Metadata(stream_port=header["stream_port"], **header)',
  "KeyError: 'stream_port'",
];

/** Pod and queue come up; the backend never attaches a consumer. */
function consumerNeverComes(): ProfileStep[] {
  return [
    ...jobCreation(),
    ...podStart(FAST_POD),
    ...queueDeclared(1600),
    backendLog(1800, ...CONSUMER_REFUSED),
    containerLog(2600, 'INFO baby_analyzer: no consumer on grpc-job-{id} yet, still waiting'),
    backendLog(3000, 'WARNING focus.consumers: consumer for job {id} not attached, retrying'),
  ];
}

function crashLoop(firstStartMs: number, restarts: number, periodMs: number): ProfileStep[] {
  const steps: ProfileStep[] = [];
  for (let i = 0; i < restarts; i++) {
    const crashMs = firstStartMs + periodMs * (2 * i + 1);
    steps.push(containerLog(crashMs, ...TRACEBACK), at(crashMs, 'crash'));
    if (i < restarts - 1) {
      steps.push(at(crashMs + periodMs, 'startContainer'), containerLog(crashMs + periodMs, ...STARTUP_LINES));
    }
  }
  return steps;
}

export const PROFILES: readonly SandboxProfile[] = [
  {
    name: 'healthy',
    expectedScenario: 'healthy',
    description: 'everything works: pod ready at 1.4 s, consumer ready at 2.3 s',
    probe: FAST_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), ...podStart(FAST_POD), ...queueDeclared(1600), ...consumerComesUp(1700, 2300)],
  },
  {
    name: 'slow_consumer',
    expectedScenario: 'slow_consumer',
    description: 'the pod starts fast, the backend attaches its consumer only after 5 s',
    probe: FAST_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart(FAST_POD),
      ...queueDeclared(1600),
      backendLog(2500, 'WARNING focus.consumers: consumer pool busy (30/30), job {id} waits for a free worker'),
      ...consumerComesUp(5000, 5400),
    ],
  },
  {
    name: 'slow_pod_start',
    expectedScenario: 'slow_pod_start',
    description: 'the pod waits 2.5 s for a GPU and 1 s for its image; consumer ready at 4.9 s',
    probe: FAST_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      at(350, 'failScheduling'),
      at(2350, 'failScheduling'),
      ...podStart({ created: 300, scheduled: 2800, pulling: 2900, pulled: 4000, running: 4200, ready: 4400 }),
      ...queueDeclared(4500),
      ...consumerComesUp(4600, 4900),
    ],
  },
  {
    name: 'consumer_never_ready',
    expectedScenario: 'consumer_never_ready',
    description: 'the pod is ready and its queue exists, but the backend never attaches a consumer',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: consumerNeverComes(),
  },
  {
    name: 'metadata_never_ready',
    expectedScenario: 'consumer_never_ready',
    description: "a consumer attaches to the queue at 2 s, but the backend fails building metadata (KeyError: 'stream_port')",
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart(FAST_POD),
      ...queueDeclared(1600),
      at(2000, 'attachConsumer'),
      backendLog(2000, 'INFO focus.consumers: consumer attached to grpc-job-{id}'),
      backendLog(2100, ...METADATA_FAILS),
    ],
  },
  {
    name: 'queue_never_created',
    expectedScenario: 'consumer_never_ready',
    description: 'the pod is ready but the analyzer cannot reach RabbitMQ, so its queue never appears',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart(FAST_POD),
      ...[1600, 2600, 3600].map((t) =>
        containerLog(
          t,
          'ERROR baby_analyzer: cannot connect to amqp://rabbitmq-panda.panda.svc:5672: [Errno 111] Connection refused, retrying in 1 s',
        ),
      ),
      backendLog(3000, 'WARNING focus.consumers: no queue grpc-job-{id} to consume from yet, retrying'),
    ],
  },
  {
    name: 'pod_never_created',
    expectedScenario: 'pod_never_created',
    description: 'the Job exists but the gpu-quota ResourceQuota refuses its pod (FailedCreate)',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      at(260, 'failCreatePod'),
      at(1260, 'failCreatePod'),
      backendLog(1300, 'ERROR focus.jobs: job {id}: Job grpc-job-{id} has no pod after 1 s (exceeded quota: gpu-quota)'),
      at(3260, 'failCreatePod'),
    ],
  },
  {
    name: 'pod_pending',
    expectedScenario: 'pod_pending',
    description: 'the pod stays Pending: 0/3 nodes have a free nvidia.com/gpu.shared (FailedScheduling)',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      at(300, 'createPod'),
      at(350, 'failScheduling'),
      at(2350, 'failScheduling'),
      backendLog(3000, 'WARNING focus.jobs: job {id}: pod {pod} still Pending after 3 s'),
      at(4350, 'failScheduling'),
    ],
  },
  {
    name: 'pod_failed',
    expectedScenario: 'pod_failed',
    description: "the container crashes (KeyError: 'stream_port') and ends in CrashLoopBackOff",
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart({ ...FAST_POD, ready: undefined }),
      ...crashLoop(1100, 3, 400),
      backendLog(2000, 'WARNING focus.jobs: job {id}: pod {pod} restarted, waiting for its queue'),
    ],
  },
  {
    name: 'pod_failed_image_pull',
    expectedScenario: 'pod_failed',
    description: 'the image registry.local/baby-analyzer:2.3.1 is not found: ErrImagePull, then ImagePullBackOff',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      at(300, 'createPod'),
      at(450, 'schedule'),
      at(500, 'pullImage'),
      at(900, 'imagePullFails'),
      at(1300, 'imagePullBackOff'),
      at(2800, 'imagePullBackOff'),
      at(4300, 'imagePullBackOff'),
    ],
  },
  {
    name: 'configure_failed',
    expectedScenario: 'configure_failed',
    description: 'POST /configure answers 503: all 30 job windows are busy',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: {
      delayMs: 150,
      backendLog: ['ERROR focus.api: POST /configure refused: all 30 job windows are busy'],
      outcome: 'http_error',
      status: 503,
      body: JSON.stringify({ detail: 'All 30 job windows are busy' }),
      contentType: 'application/json',
    },
    steps: [],
  },
  {
    name: 'configure_failed_no_job_id',
    expectedScenario: 'configure_failed',
    description: 'POST /configure answers 200 but without a job_id',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: { delayMs: 150, outcome: 'no_job_id' },
    steps: [],
  },
  {
    name: 'cluster_unavailable',
    expectedScenario: 'cluster_unavailable',
    description: 'the kubeconfig token is refused (403) and the consumer never becomes ready',
    probe: FAILING_PROBE,
    clusterAccess: 'forbidden',
    configure: CONFIGURE_OK,
    steps: consumerNeverComes(),
  },
];

export function profileByName(name: string): SandboxProfile | undefined {
  return PROFILES.find((p) => p.name === name);
}

/** The step times in the order they run: by time, ties in the order written. */
export function orderedSteps(profile: SandboxProfile): ProfileStep[] {
  return [...profile.steps].sort((a, b) => a.atMs - b.atMs);
}
