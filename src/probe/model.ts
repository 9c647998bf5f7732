// The data every part of the probe agrees on: observations in, one report out.
import type { Stamp } from './clock';
// Times are milliseconds since t0 (the instant `POST /configure` was sent), from a monotonic clock.

export const SCENARIO_IDS = [
  'healthy',
  'slow_consumer',
  'slow_pod_start',
  'consumer_never_ready',
  'pod_never_created',
  'pod_pending',
  'pod_failed',
  'configure_failed',
  'cluster_unavailable',
  'stopped',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** `scenario.cause` per scenario (DESIGN.md, "Cause codes"): a stable code to count and filter failures by. */
export const CAUSE_CODES = {
  healthy: [],
  pod_pending: [
    'unschedulable_gpu',
    'unschedulable_cpu',
    'unschedulable_memory',
    'unschedulable_taint',
    'unschedulable_affinity',
    'unschedulable_volume',
    'unschedulable_other',
    'waiting_for_scale_up',
    'scale_up_impossible',
    'container_creating_stuck',
  ],
  pod_failed: [
    'image_not_found',
    'image_pull_unauthorized',
    'image_pull_failed',
    'crash_loop',
    'oom_killed',
    'evicted',
    'create_container_config_error',
    'readiness_probe_failing',
    'init_container_failed',
    'container_error',
  ],
  pod_never_created: ['quota_exceeded', 'admission_denied', 'job_suspended', 'job_not_created', 'namespace_not_found'],
  consumer_never_ready: ['queue_not_created', 'consumer_not_attached', 'metadata_failing', 'backend_error', 'unknown'],
  slow_pod_start: ['slow_scheduling', 'slow_image_pull', 'slow_container_start'],
  slow_consumer: ['slow_queue', 'slow_consumer_attach', 'slow_metadata'],
  configure_failed: ['http_error', 'no_job_id', 'not_json', 'unreachable', 'tls_error', 'timeout'],
  cluster_unavailable: ['unauthorized', 'forbidden', 'unreachable', 'tls_error', 'no_kubeconfig', 'auth_plugin_failed'],
  stopped: ['stopped_by_user'],
} as const satisfies Record<ScenarioId, readonly string[]>;

export type CauseOf<Id extends ScenarioId> = (typeof CAUSE_CODES)[Id][number];
export type CauseCode = CauseOf<ScenarioId>;
/** Why POST /configure gave no job id. */
export type ConfigureFailure = CauseOf<'configure_failed'>;

export type Severity = 'ok' | 'warning' | 'error' | 'inconclusive';

export interface Scenario {
  id: ScenarioId;
  /** One of `CAUSE_CODES[id]`; null for `healthy`, and where nothing observed names a cause (e.g. a pod never scheduled with no word from the scheduler). */
  cause: CauseCode | null;
  severity: Severity;
  title: string;
  summary: string;
  evidence: string[];
  suggestions: string[];
}

export const TIMING_KEYS = [
  'configureMs',
  'jobCreatedMs',
  'podCreatedMs',
  'podScheduledMs',
  'podRunningMs',
  'podReadyMs',
  'queueCreatedMs',
  'consumerAttachedMs',
  'consumerReadyMs',
] as const;
export type TimingKey = (typeof TIMING_KEYS)[number];
export type Timings = Record<TimingKey, number | null>;

/**
 * How sure a timing is: the event happened after `afterMs` (the last observation that saw it not yet
 * happened; null when nothing bounds it) and at or before `atOrBeforeMs` (the reported timing).
 */
export interface TimingWindow {
  afterMs: number | null;
  atOrBeforeMs: number;
}

/** One window per timing that is not null (DESIGN.md, "Additive changes"). */
export type TimingWindows = Partial<Record<TimingKey, TimingWindow>>;

export type PodRole = 'primary' | 'related';

/** How a pod was tied to the job, e.g. `label:job-name=grpc-job-19-5` or `name:grpc-job-{id}-{suffix}`. */
export type MatchReason = string;

export interface PodConditionState {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ContainerStateSummary {
  name: string;
  ready: boolean;
  restartCount: number;
  /** Current state: `waiting`, `running` or `terminated`, with its reason. */
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason: string | null;
  message: string | null;
  exitCode: number | null;
  lastTerminated: { reason: string | null; exitCode: number | null; message: string | null } | null;
}

/** What the probe keeps of one pod object as it arrived on the watch. */
export interface PodSnapshot {
  uid: string;
  name: string;
  namespace: string;
  phase: string;
  ready: boolean;
  restartCount: number;
  node: string | null;
  labels: Record<string, string>;
  conditions: PodConditionState[];
  containers: ContainerStateSummary[];
  /** `status.reason` / `status.message` of the pod itself (e.g. `Evicted`). */
  statusReason?: string | null;
  statusMessage?: string | null;
  deleted: boolean;
}

export interface JobSnapshot {
  uid: string;
  name: string;
  namespace: string;
  active: number;
  succeeded: number;
  failed: number;
  conditions: { type: string; status: string; reason?: string; message?: string }[];
}

export interface KubeEvent {
  /** Identifies the Event object; a repeated event keeps its uid and raises `count`. */
  uid?: string;
  type: string; // Normal | Warning
  reason: string;
  /** `Kind/name` of the involved object. */
  object: string;
  message: string;
  count: number;
}

/** Why Kubernetes could not be observed (or that it could). */
export type ClusterAccess =
  | { state: 'watching'; server: string; namespace: string; context: string | null }
  | { state: 'unavailable'; reason: string; code: ClusterUnavailableCode };

export type ClusterUnavailableCode =
  | 'NO_KUBECONFIG'
  | 'KUBECONFIG_UNREADABLE'
  | 'UNREACHABLE'
  | 'TLS_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'AUTH_PLUGIN_FAILED'
  | 'ERROR'
  | 'DISABLED';

/** A running pod that holds GPUs (see kube/gpuHolders.ts). */
export interface GpuHolder {
  name: string;
  namespace: string;
  gpus: number;
  /** The GPU resource it requests, e.g. `nvidia.com/gpu.shared`. */
  resource: string;
  /** Since its start; null when the pod has no start time. */
  runningForMs: number | null;
  /** A Job of this backend (its `job-name` label fits the Job name pattern). */
  backendJob: boolean;
}

export interface MetadataAttempt {
  atMs: number;
  status: number | null;
  error: string | null;
}

/**
 * Which monitor a queue figure came from: a passive AMQP declare (real time), RabbitMQ's event exchange
 * (pushed as it happens; `rabbitmq_event_exchange`) or the management API (lagging statistics).
 */
export type QueueSourceKind = 'amqp' | 'events' | 'management';

/**
 * Whether one way of watching the broker works (credentials are never part of `reason`). `via` names
 * the monitor; observations without it come from the management API.
 */
export type BrokerAccess = ({ state: 'watching'; source: string } | { state: 'unavailable'; reason: string }) & { via?: QueueSourceKind };

/** The contract's queue keys (DESIGN.md). */
export interface QueueState {
  name: string;
  firstSeenMs: number;
  messages: number | null;
  consumers: number | null;
  /** Where the figures came from and how coarse they are, in words. */
  source: string;
}

/** One consumer of the queue as the management API describes it (its figures lag like the others). */
export interface QueueConsumer {
  tag: string;
  channel: string | null;
  connection: string | null;
  /** `host:port` of the consuming client. */
  peer: string | null;
  user: string | null;
  ackRequired: boolean | null;
  prefetch: number | null;
  active: boolean | null;
}

/** What one monitor saw of the queue at one moment. */
export interface QueueObservation extends QueueState {
  /** Absent in older recordings: the management API. */
  via?: QueueSourceKind;
  /** Only the management API's single-queue endpoint lists consumers; null/absent = not read. */
  consumerDetails?: QueueConsumer[] | null;
  /**
   * How long before this observation the same source began its previous successful check of the queue
   * (sources emit only changes, so that check saw what the source's previous observation said, or no
   * queue at all when this is its first). Absent when the source had not checked before. For pushed
   * events (`via: 'events'`), the last moment the broker's own stamp of the event shows the change had
   * not happened yet (see broker/brokerEvents.ts).
   */
  previousCheckBeforeMs?: number;
  /** How stale this source's consumer and message figures may be (the management API's statistics interval); absent: real time. */
  statsLagMs?: number;
}

/** A change of the queue's figures as one source saw it. */
export interface QueueSample {
  atMs: number;
  source: QueueSourceKind;
  messages: number | null;
  consumers: number | null;
}

/**
 * What the queue monitors recorded beyond the contract's `queue` keys: the consumers the management
 * API listed and every change each source saw. It lives in the open `logs` object (as `logs.queue`) so
 * `queue` keeps exactly the five keys schema 1 promises.
 */
export interface QueueLog {
  consumers: QueueConsumer[];
  history: QueueSample[];
}

export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

/**
 * Why a log line was kept: it names the job id; it is at ERROR/WARN level; it belongs to a traceback;
 * it is among the first lines of a container instance (startup); it is among the last lines of a
 * container instance that ended.
 */
export type LogReason = 'job-id' | 'error' | 'traceback' | 'startup' | 'last-lines';

/** A log line as a monitor kept it (times are added by the timeline). */
export interface LogLineData {
  /** The kubelet's timestamp (RFC 3339), a label; null when the server sent none. */
  time: string | null;
  pod: string;
  container: string;
  /** For the job's pod: the container's restart count while this instance ran (0 = first run). */
  instance: number | null;
  level: LogLevel | null;
  reason: LogReason;
  mentionsJob: boolean;
  text: string;
}

export interface LogLine extends LogLineData {
  /** ms since t0 when the line was logged (from the kubelet timestamp; arrival time when there is none). */
  atMs: number;
  /** How many more lines of the same shape (digits aside) directly followed and were folded into this one. */
  repeats: number;
}

/** The last lines of one container instance that ended (crashed or exited). */
export interface EndedContainerLog {
  pod: string;
  container: string;
  instance: number;
  /** When the probe learned the instance had ended. */
  endedMs: number;
  /** `previous`: read with `previous=true` after the restart; `follow`: the end of the live stream; `log`: read after it stopped. */
  via: 'previous' | 'follow' | 'log';
  lines: LogLine[];
}

export interface BackendLogs {
  /** Which pods count as the backend, e.g. `name^=panda-panda-focus-server`. */
  selector: string;
  /** The pods whose logs were followed. */
  pods: string[];
  lines: LogLine[];
  /** Kept lines left out of `lines` beyond the cap. */
  omitted: number;
  /** Why the logs could not be (fully) read, or null. */
  error: string | null;
}

export interface PodLogs {
  pod: string;
  containers: string[];
  /** Startup lines, errors, warnings, tracebacks and lines naming the job, of every instance. */
  lines: LogLine[];
  /** The last lines of each instance that ended, oldest first (at most the last 3). */
  previous: EndedContainerLog[];
  omitted: number;
  error: string | null;
}

/** The report's `logs` object; both keys are always present in the JSON (null = not watched / no pod). */
export interface ReportLogs {
  backend?: BackendLogs | null;
  pod?: PodLogs | null;
  queue?: QueueLog | null;
}

/** What one observation says, apart from when: everything the probe learns arrives as one of these. */
export type Fact =
  | { kind: 'probe.started'; wallClock: string; jobIdHint?: string }
  | { kind: 'configure.sent'; url: string }
  | {
      kind: 'configure.answered';
      status: number | null;
      jobId: string | null;
      error: string | null;
      /** Why there is no job id (absent in older recordings and when there is one). */
      failure?: ConfigureFailure | null;
      /** The body was longer than the probe reads: only its first bytes were looked at. */
      bodyCut?: { readBytes: number };
    }
  | {
      kind: 'metadata.attempt';
      status: number | null;
      error: string | null;
      /** From sending the request to its answer (absent in older recordings): the backend decided at or after `atMs − tookMs`. */
      tookMs?: number;
    }
  | { kind: 'cluster.access'; access: ClusterAccess }
  /** Something about how the cluster is watched that the user should know, said once (e.g. a fallback to full lists). */
  | { kind: 'cluster.notice'; text: string }
  /**
   * Who holds the GPUs: looked up once, at the end of a run whose pod waited for a GPU (the only list
   * of unrelated pods a probe makes). `error` when the list could not be read.
   */
  | { kind: 'gpu.holders'; holders: GpuHolder[]; error: string | null }
  /** Something about the run itself the user should know, said once (e.g. a flood of events was cut). */
  | { kind: 'probe.notice'; text: string }
  /** The namespace itself was looked up: `exists` false when the API server answered 404 (lists there answer empty). */
  | { kind: 'cluster.namespace'; namespace: string; exists: boolean; detail: string }
  | { kind: 'pod.changed'; pod: PodSnapshot; previousDeliveryBeforeMs?: number }
  | { kind: 'job.changed'; job: JobSnapshot; previousDeliveryBeforeMs?: number }
  | { kind: 'event.seen'; event: KubeEvent }
  | { kind: 'queue.changed'; queue: QueueObservation }
  | { kind: 'broker.access'; access: BrokerAccess }
  | { kind: 'log.line'; source: LogSource; line: LogLineData }
  | { kind: 'log.tail'; source: LogSource; tail: LogTail }
  | { kind: 'log.access'; source: LogSource; access: LogAccess }
  | { kind: 'probe.ended'; reason: ProbeEndReason }
  /** What the probe itself has cost so far (told when POST /configure leaves and when the run ends; the last one counts). */
  | { kind: 'probe.cost'; cost: ProbeCost };

/*
 * `previousDeliveryBeforeMs` of `pod.changed` / `job.changed`: how long before this change the same
 * watch last delivered anything (another object's change, a bookmark, a list). A watch delivers in
 * resourceVersion order, so the namespace as of that delivery did not hold this change yet. Absent when
 * the watch had delivered nothing before (the first list) and in older recordings.
 */

/** One fact in the timeline, at ms since t0. */
export type Observation = Fact & { atMs: number };

/** A fact as a monitor emits it, stamped with the probe's clock (`at`); the timeline turns `at` into `atMs`. */
export type StampedObservation = Fact & { at: Stamp };

export type StampedKind = StampedObservation['kind'];

/** The report's `probe`: what the probe itself cost the cluster and the backend, and how long it took to start. */
export interface ProbeCost {
  /** Kubernetes API requests of the run (its share of shared watches counted in full). */
  apiRequests: number;
  /** Kubernetes API response body bytes received, streams included. */
  apiBytes: number;
  /** HTTP requests to the backend (configure and metadata). */
  backendRequests: number;
  /** From the run's first Kubernetes API request (its start when it makes none) to sending POST /configure. */
  startDelayMs: number;
}

export type ProbeEndReason = 'consumer_ready' | 'timeout' | 'aborted' | 'configure_failed';

export type LogSource = 'backend' | 'pod';

/**
 * The last lines of an ended container instance. The tail is observed at one instant; each line says
 * how long before that instant it was logged (`beforeMs` ≥ 0), so the observation has one time.
 */
export interface LogTail {
  pod: string;
  container: string;
  instance: number;
  via: EndedContainerLog['via'];
  lines: (LogLineData & { beforeMs: number })[];
}

/** A log monitor's state: what it follows, or why it cannot; `omitted` counts lines it stopped keeping. */
export type LogAccess =
  | { state: 'following'; target: string; pods: string[] }
  | { state: 'unavailable'; target: string; reason: string }
  | { state: 'stopped'; target: string; omitted: number };

export type ObservationKind = Observation['kind'];

export interface PodHistoryEntry {
  atMs: number;
  phase: string;
  ready: boolean;
  reason: string | null;
}

export interface ReportPod {
  name: string;
  namespace: string;
  role: PodRole;
  matchedBy: MatchReason[];
  phase: string;
  ready: boolean;
  restartCount: number;
  node: string | null;
  labels: Record<string, string>;
  reason: string | null;
  firstSeenMs: number;
  history: PodHistoryEntry[];
}

export interface ReportEvent {
  atMs: number;
  type: string;
  reason: string;
  object: string;
  message: string;
}

/** The JSON report, `schemaVersion: 1` (see DESIGN.md). */
export interface Report {
  schemaVersion: 1;
  jobId: string | null;
  startedAt: string;
  scenario: Scenario;
  timings: Timings;
  /** One window per non-null timing: when its event may have happened (DESIGN.md, "Additive changes"). */
  timingWindows: TimingWindows;
  pods: ReportPod[];
  metadataAttempts: MetadataAttempt[];
  queue: QueueState | null;
  events: ReportEvent[];
  logs: ReportLogs;
  /** What the probe itself cost (DESIGN.md, "Additive changes"). */
  probe: ProbeCost;
}
