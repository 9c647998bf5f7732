// Scripted scenario profiles for the sandbox: plain data saying what the backend answers and what the
// cluster, broker and backend do afterwards, at what time. Times are ms after the configure request
// ARRIVED. They are tuned so every scenario plays out within a few seconds in the demo.
import type { CauseCode, ScenarioId } from '../probe/model';
import {
  BACKOFF_LIMIT_MESSAGE,
  EVICTED_MESSAGE,
  FAILED_MOUNT_MESSAGE,
  FAILED_SCHEDULING_MESSAGE,
  IMAGE_NOT_FOUND,
  IMAGE_UNAUTHORIZED,
  JOB_IMAGE,
  MISSING_SECRET_MESSAGE,
  READINESS_FAILED_MESSAGE,
  SCALE_UP_TRIGGERED,
} from './clusterObjects';
import { uncontendedTimeline } from './capacityPlan';

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
  // The failures beyond the common ones, one step each, in the words the real components use.
  'denyCreatePod',
  'suspendJob',
  'triggerScaleUp',
  'failMount',
  'imagePullUnauthorized',
  'oomKill',
  'evict',
  'failContainerConfig',
  'failReadiness',
  'exitContainer',
  'failJob',
  // The analyzer's stream ends: pod Succeeded, Job Complete (the capacity model frees its GPU then).
  'completeJob',
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
  /** The cause the diagnosis must name (DESIGN.md, "Cause codes"); null for healthy. */
  expectedCause: CauseCode | null;
  /** The decisive message the diagnosis must quote verbatim in its evidence; `{id}` stands for the job id. */
  expectedEvidence: string;
  /** One line for `--help` / demo output. */
  description: string;
  /** The thresholds the demo runs the probe with. */
  probe: { timeoutMs: number; slowThresholdMs: number };
  /** `forbidden`: the probe's kubeconfig carries a token the API server answers 403. */
  clusterAccess: 'ok' | 'forbidden';
  configure: ConfigureBehaviour;
  /** What happens after the configure answer, at ms after the configure request arrived. */
  steps: readonly ProfileStep[];
  /**
   * Its jobs are played by the sandbox's capacity model (capacity.ts: shared GPUs and windows, jitter,
   * load), not by `steps`, which then say what one job does alone on an idle sandbox.
   */
  capacity?: true;
}

/** The profile whose jobs meet the sandbox's capacity model: the one a burst runs. */
export const BURST_PROFILE = 'burst';

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

/** The pod gets a node and its image pull fails (`fails`: how), then backs off and fails again. */
function imagePullFailing(fails: 'imagePullFails' | 'imagePullUnauthorized'): ProfileStep[] {
  return [
    ...jobCreation(),
    at(300, 'createPod'),
    at(450, 'schedule'),
    at(500, 'pullImage'),
    at(900, fails),
    at(1300, 'imagePullBackOff'),
    at(2800, 'imagePullBackOff'),
    at(4300, 'imagePullBackOff'),
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

const CONSUMER_REFUSED_LINE = CONSUMER_REFUSED[0]!;
const METADATA_FAILS_LINE = METADATA_FAILS[0]!;
const AMQP_REFUSED =
  'ERROR baby_analyzer: cannot connect to amqp://rabbitmq-panda.panda.svc:5672: [Errno 111] Connection refused, retrying in 1 s';
const POOL_BUSY = 'WARNING focus.consumers: consumer pool busy (30/30), job {id} waits for a free worker';
const CANNOT_CREATE_JOB =
  'ERROR focus.jobs: job {id}: creating Job grpc-job-{id} failed: jobs.batch is forbidden: User "system:serviceaccount:panda:focus-server" ' +
  'cannot create resource "jobs" in API group "batch" in the namespace "panda"';

/** The pod is created and waits for a node the scheduler cannot find (GPUs exhausted). */
function waitsForGpu(): ProfileStep[] {
  return [at(300, 'createPod'), at(350, 'failScheduling'), at(2350, 'failScheduling'), at(4350, 'failScheduling')];
}

export const PROFILES: readonly SandboxProfile[] = [
  {
    name: 'healthy',
    expectedScenario: 'healthy',
    expectedCause: null,
    expectedEvidence: 'GET /metadata/{id} answered 200',
    description: 'everything works: pod ready at 1.4 s, consumer ready at 2.3 s',
    probe: FAST_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), ...podStart(FAST_POD), ...queueDeclared(1600), ...consumerComesUp(1700, 2300)],
  },
  {
    name: 'slow_consumer',
    expectedScenario: 'slow_consumer',
    expectedCause: 'slow_consumer_attach',
    expectedEvidence: POOL_BUSY,
    description: 'the pod starts fast, the backend attaches its consumer only after 5 s',
    probe: FAST_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), ...podStart(FAST_POD), ...queueDeclared(1600), backendLog(2500, POOL_BUSY), ...consumerComesUp(5000, 5400)],
  },
  {
    name: 'slow_pod_start',
    expectedScenario: 'slow_pod_start',
    expectedCause: 'slow_scheduling',
    expectedEvidence: FAILED_SCHEDULING_MESSAGE,
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
    name: 'slow_image_pull',
    expectedScenario: 'slow_pod_start',
    expectedCause: 'slow_image_pull',
    expectedEvidence: `Successfully pulled image "${JOB_IMAGE}" in 3.`,
    description: 'the pod gets a node at once, but pulling its image takes 3.3 s; consumer ready at 4.7 s',
    probe: FAST_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart({ created: 300, scheduled: 450, pulling: 500, pulled: 3800, running: 4000, ready: 4200 }),
      ...queueDeclared(4300),
      ...consumerComesUp(4400, 4700),
    ],
  },
  {
    name: 'consumer_never_ready',
    expectedScenario: 'consumer_never_ready',
    expectedCause: 'consumer_not_attached',
    expectedEvidence: CONSUMER_REFUSED_LINE,
    description: 'the pod is ready and its queue exists, but the backend never attaches a consumer',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: consumerNeverComes(),
  },
  {
    name: 'metadata_never_ready',
    expectedScenario: 'consumer_never_ready',
    expectedCause: 'metadata_failing',
    expectedEvidence: METADATA_FAILS_LINE,
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
    expectedCause: 'queue_not_created',
    expectedEvidence: AMQP_REFUSED,
    description: 'the pod is ready but the analyzer cannot reach RabbitMQ, so its queue never appears',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart(FAST_POD),
      ...[1600, 2600, 3600].map((t) => containerLog(t, AMQP_REFUSED)),
      backendLog(3000, 'WARNING focus.consumers: no queue grpc-job-{id} to consume from yet, retrying'),
    ],
  },
  {
    name: 'pod_never_created',
    expectedScenario: 'pod_never_created',
    expectedCause: 'quota_exceeded',
    expectedEvidence:
      'is forbidden: exceeded quota: gpu-quota, requested: nvidia.com/gpu.shared=1, used: nvidia.com/gpu.shared=30, limited: nvidia.com/gpu.shared=30',
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
    name: 'pod_never_created_admission',
    expectedScenario: 'pod_never_created',
    expectedCause: 'admission_denied',
    expectedEvidence: 'Error creating: admission webhook "validate.kyverno.svc-fail" denied the request',
    description: 'a policy webhook (Kyverno) refuses the Job\'s pod: it lacks a "team" label',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), at(260, 'denyCreatePod'), at(1260, 'denyCreatePod'), at(3260, 'denyCreatePod')],
  },
  {
    name: 'pod_never_created_suspended',
    expectedScenario: 'pod_never_created',
    expectedCause: 'job_suspended',
    expectedEvidence: 'Suspended: Job suspended',
    description: 'the Job is created suspended (as a queueing controller would hold it), so no pod comes',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), at(210, 'suspendJob')],
  },
  {
    name: 'pod_never_created_no_job',
    expectedScenario: 'pod_never_created',
    expectedCause: 'job_not_created',
    expectedEvidence: CANNOT_CREATE_JOB,
    description: 'the backend may not create Jobs (RBAC): no Job, no pod',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [backendLog(200, CANNOT_CREATE_JOB)],
  },
  {
    name: 'pod_pending',
    expectedScenario: 'pod_pending',
    expectedCause: 'unschedulable_gpu',
    expectedEvidence: FAILED_SCHEDULING_MESSAGE,
    description: 'the pod stays Pending: 0/3 nodes have a free nvidia.com/gpu.shared (FailedScheduling)',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), ...waitsForGpu(), backendLog(3000, 'WARNING focus.jobs: job {id}: pod {pod} still Pending after 3 s')],
  },
  {
    name: 'pod_pending_scale_up',
    expectedScenario: 'pod_pending',
    expectedCause: 'waiting_for_scale_up',
    expectedEvidence: SCALE_UP_TRIGGERED,
    description: 'no GPU is free, and the cluster autoscaler is adding a GPU node (TriggeredScaleUp) that has not joined yet',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), ...waitsForGpu(), at(1350, 'triggerScaleUp')],
  },
  {
    name: 'pod_pending_volume_mount',
    expectedScenario: 'pod_pending',
    expectedCause: 'container_creating_stuck',
    expectedEvidence: FAILED_MOUNT_MESSAGE,
    description: 'the pod gets a node, but its model-cache volume cannot be mounted (the ConfigMap is missing): ContainerCreating',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), at(300, 'createPod'), at(450, 'schedule'), ...[600, 2600, 4600].map((t) => at(t, 'failMount'))],
  },
  {
    name: 'pod_failed',
    expectedScenario: 'pod_failed',
    expectedCause: 'crash_loop',
    expectedEvidence: "KeyError: 'stream_port'",
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
    expectedCause: 'image_not_found',
    expectedEvidence: `Failed to pull image "${JOB_IMAGE}": ${IMAGE_NOT_FOUND}`,
    description: 'the image registry.local/baby-analyzer:2.3.1 is not found: ErrImagePull, then ImagePullBackOff',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: imagePullFailing('imagePullFails'),
  },
  {
    name: 'pod_failed_image_auth',
    expectedScenario: 'pod_failed',
    expectedCause: 'image_pull_unauthorized',
    expectedEvidence: `Failed to pull image "${JOB_IMAGE}": ${IMAGE_UNAUTHORIZED}`,
    description: 'the registry refuses the node (401 Unauthorized: no imagePullSecret), then ImagePullBackOff',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: imagePullFailing('imagePullUnauthorized'),
  },
  {
    name: 'pod_failed_oom',
    expectedScenario: 'pod_failed',
    expectedCause: 'oom_killed',
    expectedEvidence: 'container baby-analyzer terminated with exit code 137 (OOMKilled)',
    description: 'the analyzer goes over its 4Gi memory limit and is OOMKilled (exit 137), twice',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart({ ...FAST_POD, ready: undefined }),
      containerLog(1500, 'INFO baby_analyzer: allocating 4096 FFT buffers of 1024 bins on 50 channels'),
      at(1900, 'oomKill'),
      at(2700, 'startContainer'),
      containerLog(2700, ...STARTUP_LINES),
      at(3500, 'oomKill'),
    ],
  },
  {
    name: 'pod_failed_evicted',
    expectedScenario: 'pod_failed',
    expectedCause: 'evicted',
    expectedEvidence: EVICTED_MESSAGE,
    description: 'the node runs short of memory and the kubelet evicts the running pod',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), ...podStart(FAST_POD), at(2500, 'evict')],
  },
  {
    name: 'pod_failed_missing_secret',
    expectedScenario: 'pod_failed',
    expectedCause: 'create_container_config_error',
    expectedEvidence: MISSING_SECRET_MESSAGE,
    description: 'the container refers to the Secret rabbitmq-credentials, which does not exist: CreateContainerConfigError',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      at(300, 'createPod'),
      at(450, 'schedule'),
      at(500, 'pullImage'),
      at(900, 'pulled'),
      ...[950, 2000, 4000].map((t) => at(t, 'failContainerConfig')),
    ],
  },
  {
    name: 'pod_failed_readiness',
    expectedScenario: 'pod_failed',
    expectedCause: 'readiness_probe_failing',
    expectedEvidence: READINESS_FAILED_MESSAGE,
    description: 'the analyzer runs, but its readiness probe answers 503: Running, never Ready',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [...jobCreation(), ...podStart({ ...FAST_POD, ready: undefined }), ...[2100, 3100, 4100].map((t) => at(t, 'failReadiness'))],
  },
  {
    name: 'pod_failed_job_backoff',
    expectedScenario: 'pod_failed',
    expectedCause: 'container_error',
    expectedEvidence: BACKOFF_LIMIT_MESSAGE,
    description: 'the analyzer exits 1 at start, and the Job (backoffLimit 0) fails: BackoffLimitExceeded',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    steps: [
      ...jobCreation(),
      ...podStart({ ...FAST_POD, ready: undefined }),
      containerLog(1400, 'ERROR baby_analyzer: GPU device 0 is not available (CUDA_ERROR_NO_DEVICE), exiting'),
      at(1500, 'exitContainer'),
      at(1550, 'failJob'),
    ],
  },
  {
    name: 'configure_failed',
    expectedScenario: 'configure_failed',
    expectedCause: 'http_error',
    expectedEvidence: 'All 30 job windows are busy',
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
    expectedCause: 'no_job_id',
    expectedEvidence: 'response has no "job_id"',
    description: 'POST /configure answers 200 but without a job_id',
    probe: FAILING_PROBE,
    clusterAccess: 'ok',
    configure: { delayMs: 150, outcome: 'no_job_id' },
    steps: [],
  },
  {
    name: BURST_PROFILE,
    expectedScenario: 'healthy',
    expectedCause: null,
    expectedEvidence: 'GET /metadata/{id} answered 200',
    description: "for bursts: jobs share the sandbox's GPUs (6 unless set) and 30 windows, with jitter; one job alone is healthy",
    // Long enough for 30 jobs in flight to get their consumers; a job still waiting for a GPU is censored here.
    probe: { timeoutMs: 15_000, slowThresholdMs: 5_000 },
    clusterAccess: 'ok',
    configure: CONFIGURE_OK,
    capacity: true,
    steps: uncontendedTimeline(),
  },
  // Last on purpose: the demo's list of scenarios ends with it (test/cli/cliDemo.test.ts).
  {
    name: 'cluster_unavailable',
    expectedScenario: 'cluster_unavailable',
    expectedCause: 'forbidden',
    expectedEvidence: '403',
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
