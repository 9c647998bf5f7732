// The data every part of the probe agrees on: observations in, one report out.
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
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export type Severity = 'ok' | 'warning' | 'error' | 'inconclusive';

export interface Scenario {
  id: ScenarioId;
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
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'ERROR'
  | 'DISABLED';

export interface MetadataAttempt {
  atMs: number;
  status: number | null;
  error: string | null;
}

/** Whether the broker's management API answers (credentials are never part of `reason`). */
export type BrokerAccess = { state: 'watching'; source: string } | { state: 'unavailable'; reason: string };

export interface QueueState {
  name: string;
  firstSeenMs: number;
  messages: number | null;
  consumers: number | null;
  source: string;
}

/** One timestamped fact. Everything the probe learns arrives as one of these. */
export type Observation =
  | { kind: 'probe.started'; atMs: number; wallClock: string; jobIdHint?: string }
  | { kind: 'configure.sent'; atMs: number; url: string }
  | { kind: 'configure.answered'; atMs: number; status: number | null; jobId: string | null; error: string | null }
  | { kind: 'metadata.attempt'; atMs: number; status: number | null; error: string | null }
  | { kind: 'cluster.access'; atMs: number; access: ClusterAccess }
  | { kind: 'pod.changed'; atMs: number; pod: PodSnapshot }
  | { kind: 'job.changed'; atMs: number; job: JobSnapshot }
  | { kind: 'event.seen'; atMs: number; event: KubeEvent }
  | { kind: 'queue.changed'; atMs: number; queue: QueueState }
  | { kind: 'broker.access'; atMs: number; access: BrokerAccess }
  | { kind: 'probe.ended'; atMs: number; reason: ProbeEndReason };

export type ProbeEndReason = 'consumer_ready' | 'timeout' | 'aborted' | 'configure_failed';

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
  pods: ReportPod[];
  metadataAttempts: MetadataAttempt[];
  queue: QueueState | null;
  events: ReportEvent[];
  logs: Record<string, unknown>;
}
