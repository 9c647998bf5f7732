// The timeline, read once: timings, the job's pods and their histories, events, attempts.
// Pure: the same observations always give the same analysis.
import type {
  ConfigureFailure,
  GpuHolder,
  BrokerAccess,
  ClusterAccess,
  JobSnapshot,
  MetadataAttempt,
  Observation,
  PodSnapshot,
  ProbeCost,
  ProbeEndReason,
  QueueSourceKind,
  ReportEvent,
  ReportLogs,
  ReportPod,
  QueueState,
  TimingKey,
  TimingWindows,
  Timings,
} from './model';
import { TIMING_KEYS } from './model';
import type { MatchRules } from './options';
import { expectedQueueName, jobNamesFor, matchPod } from './matching';
import { isScheduled, isRunning, podReason } from './podState';
import { isReadyStatus } from './backend/responseText';
import { analyseQueue } from './broker/queueReport';
import { analyseLogs } from './logs/logReport';
import { latest, roundMs, timingWindowsOf } from './timingWindows';

export interface AnalysedPod extends ReportPod {
  /** The last snapshot seen: containers, conditions, status reason. */
  latest: PodSnapshot;
  scheduledMs: number | null;
  runningMs: number | null;
  readyMs: number | null;
  /** Each change of a pod condition's status, at the local time it was first observed. */
  conditionTransitions: { type: string; status: string; atMs: number }[];
  /** For each stage, the last observation that saw it not yet reached (see timingWindows.ts); null: none. */
  stageAfterMs: Record<'created' | 'scheduled' | 'running' | 'ready', number | null>;
  /** When the probe last had a snapshot of the pod. */
  lastSeenMs: number;
}

/**
 * The names of the job's objects, resolved once from the match rules and the queue patterns: diagnosis
 * and renderers read them here and never rebuild them from the job id.
 */
export interface JobObjectNames {
  /** The Kubernetes Job the backend creates (`match.jobName`). */
  job: string;
  /** The Jobs shown beside it, e.g. the cleanup Job (`match.relatedJobNames`). */
  relatedJobs: string[];
  /** The queue seen on the broker, else the name the queue patterns predict; null when neither is known. */
  queue: string | null;
}

export interface Analysis {
  startedAt: string;
  jobId: string | null;
  /** Null until the configure answer names the job. */
  names: JobObjectNames | null;
  configure: {
    url: string | null;
    atMs: number | null;
    status: number | null;
    error: string | null;
    failure: ConfigureFailure | null;
    /** Set when the answer was longer than the probe reads. */
    bodyCut: { readBytes: number } | null;
  };
  /** The namespace was looked up and the API server said it does not exist (its message). */
  namespaceMissing: string | null;
  /** Who held the GPUs when the job's pod waited for one (looked up at the run's end); null when not looked up. */
  gpuHolders: { holders: GpuHolder[]; error: string | null } | null;
  timings: Timings;
  /** When each timing's event may have happened: after its last "not yet" observation, at or before the timing. */
  timingWindows: TimingWindows;
  pods: AnalysedPod[];
  primary: AnalysedPod | null;
  job: JobSnapshot | null;
  events: ReportEvent[];
  metadataAttempts: MetadataAttempt[];
  queue: QueueState | null;
  /** Which source first saw the queue, and the first consumer. */
  queueSeenVia: { created: QueueSourceKind | null; attached: QueueSourceKind | null; otherNames: string[] };
  /** The last word on cluster access, and whether it was ever watched during the run. */
  cluster: { last: ClusterAccess | null; everWatching: boolean };
  /** Null when no broker was given to watch; `watching` when any of its sources worked. */
  broker: BrokerAccess | null;
  /** The last word of each broker source that was used. */
  brokerSources: Partial<Record<QueueSourceKind, BrokerAccess>>;
  logs: ReportLogs;
  end: { reason: ProbeEndReason | null; atMs: number | null };
  /** What the probe itself cost, as last told (zeros before the first word). */
  probe: ProbeCost;
}

export interface AnalyseOptions {
  /** Log lines per source in the report (default 200). */
  logLines?: number;
  /** The broker's queue name patterns (`broker.queueNames`), to name the queue even when it never appeared. */
  queueNames?: readonly string[];
}

/** @deprecated the old name of AnalyseOptions. */
export type AnalyseLimits = AnalyseOptions;

export function byTime(observations: readonly Observation[]): Observation[] {
  return observations
    .map((o, i) => ({ o, i }))
    .sort((a, b) => a.o.atMs - b.o.atMs || a.i - b.i)
    .map(({ o }) => o);
}

/** Every contract timing, none observed yet. */
export function emptyTimings(): Timings {
  return Object.fromEntries(TIMING_KEYS.map((key) => [key, null])) as Timings;
}

function trackPod(
  pods: Map<string, AnalysedPod>,
  obs: { atMs: number; pod: PodSnapshot; previousDeliveryBeforeMs?: number },
  jobId: string,
  rules: MatchRules,
) {
  const { pod, atMs } = obs;
  const match = matchPod(pod, jobId, rules);
  const existing = pods.get(pod.uid);
  if (!match && !existing) return;
  // What this snapshot shows first was not there yet at the watch's previous delivery, nor in the pod's previous snapshot.
  const delivered = obs.previousDeliveryBeforeMs === undefined ? null : roundMs(atMs - obs.previousDeliveryBeforeMs);
  const notYet = latest(delivered, existing?.lastSeenMs);
  const reason = podReason(pod);
  const entry: AnalysedPod = existing ?? {
    name: pod.name,
    namespace: pod.namespace,
    role: match!.role,
    matchedBy: match!.matchedBy,
    phase: pod.phase,
    ready: pod.ready,
    restartCount: pod.restartCount,
    node: pod.node,
    labels: pod.labels,
    reason,
    firstSeenMs: atMs,
    history: [],
    latest: pod,
    scheduledMs: null,
    runningMs: null,
    readyMs: null,
    conditionTransitions: [],
    stageAfterMs: { created: notYet, scheduled: null, running: null, ready: null },
    lastSeenMs: atMs,
  };
  if (match) {
    entry.role = match.role;
    entry.matchedBy = [...new Set([...entry.matchedBy, ...match.matchedBy])];
  }
  const last = entry.history[entry.history.length - 1];
  const phase = pod.deleted ? (last?.phase ?? pod.phase) : pod.phase;
  if (!last || last.phase !== phase || last.ready !== pod.ready || last.reason !== reason) {
    entry.history.push({ atMs, phase, ready: pod.ready, reason });
  }
  Object.assign(entry, {
    phase,
    ready: pod.ready,
    restartCount: pod.deleted ? entry.restartCount : pod.restartCount,
    node: pod.node ?? entry.node,
    labels: pod.deleted ? entry.labels : pod.labels,
    reason,
    latest: pod,
  });
  if (!pod.deleted) {
    for (const c of pod.conditions) {
      const previous = entry.conditionTransitions.filter((t) => t.type === c.type).pop();
      if (previous?.status !== c.status) entry.conditionTransitions.push({ type: c.type, status: c.status, atMs });
    }
    if (entry.scheduledMs === null && isScheduled(pod)) {
      entry.scheduledMs = atMs;
      entry.stageAfterMs.scheduled = notYet;
    }
    if (entry.runningMs === null && isRunning(pod)) {
      entry.runningMs = atMs;
      entry.stageAfterMs.running = notYet;
    }
    if (entry.readyMs === null && pod.ready) {
      entry.readyMs = atMs;
      entry.stageAfterMs.ready = notYet;
    }
  }
  entry.lastSeenMs = atMs;
  pods.set(pod.uid, entry);
}

export function analyse(observations: readonly Observation[], rules: MatchRules, limits: AnalyseOptions = {}): Analysis {
  const ordered = byTime(observations);
  const answered = ordered.find((o) => o.kind === 'configure.answered');
  const jobId = answered?.kind === 'configure.answered' ? answered.jobId : null;
  const sent = ordered.find((o) => o.kind === 'configure.sent');
  const started = ordered.find((o) => o.kind === 'probe.started');
  const timings = emptyTimings();
  const pods = new Map<string, AnalysedPod>();
  const events: ReportEvent[] = [];
  const metadataAttempts: MetadataAttempt[] = [];
  let job: JobSnapshot | null = null;
  let lastAccess: ClusterAccess | null = null;
  let everWatching = false;
  let namespaceMissing: string | null = null;
  let gpuHolders: Analysis['gpuHolders'] = null;
  const brokerSources: Partial<Record<QueueSourceKind, BrokerAccess>> = {};
  let end: Analysis['end'] = { reason: null, atMs: null };
  const jobNames = jobId ? jobNamesFor(jobId, rules) : null;
  // The last observation of each stage that saw it not yet happened (see timingWindows.ts).
  const lowerBounds: Partial<Record<TimingKey, number | null>> = {};

  for (const o of ordered) {
    switch (o.kind) {
      case 'configure.answered':
        if (o.status !== null) timings.configureMs = o.atMs;
        break;
      case 'metadata.attempt':
        metadataAttempts.push({ atMs: o.atMs, status: o.status, error: o.error });
        if (timings.consumerReadyMs === null && isReadyStatus(o.status)) timings.consumerReadyMs = o.atMs;
        // An answer that was not ready was decided after its request left; no answer says nothing.
        else if (timings.consumerReadyMs === null && o.status !== null) lowerBounds.consumerReadyMs = roundMs(o.atMs - (o.tookMs ?? 0));
        break;
      case 'gpu.holders':
        gpuHolders = { holders: o.holders, error: o.error };
        break;
      case 'cluster.namespace':
        namespaceMissing = o.exists ? null : o.detail;
        break;
      case 'cluster.access':
        lastAccess = o.access;
        if (o.access.state === 'watching') everWatching = true;
        break;
      case 'pod.changed':
        if (jobId) trackPod(pods, o, jobId, rules);
        break;
      case 'job.changed':
        if (jobNames && o.job.name === jobNames.primary) {
          job = o.job;
          if (timings.jobCreatedMs === null) {
            timings.jobCreatedMs = o.atMs;
            lowerBounds.jobCreatedMs = o.previousDeliveryBeforeMs === undefined ? null : roundMs(o.atMs - o.previousDeliveryBeforeMs);
          }
        }
        break;
      case 'event.seen':
        events.push({ atMs: o.atMs, type: o.event.type, reason: o.event.reason, object: o.event.object, message: o.event.message });
        break;
      case 'broker.access':
        brokerSources[o.access.via ?? 'management'] = o.access;
        break;
      case 'probe.ended':
        end = { reason: o.reason, atMs: o.atMs };
        break;
      default:
        break;
    }
  }

  // firstSeenMs is the time of the first observation, whatever the monitor put there.
  const q = analyseQueue(ordered);
  timings.queueCreatedMs = q.queueCreatedMs;
  timings.consumerAttachedMs = q.consumerAttachedMs;
  lowerBounds.queueCreatedMs = q.queueCreatedAfterMs;
  lowerBounds.consumerAttachedMs = q.consumerAttachedAfterMs;
  const sources = Object.values(brokerSources);
  const broker = sources.find((b) => b.state === 'watching') ?? sources[sources.length - 1] ?? null;

  const all = [...pods.values()];
  const primaries = all.filter((p) => p.role === 'primary').sort((a, b) => a.firstSeenMs - b.firstSeenMs);
  const related = all.filter((p) => p.role === 'related').sort((a, b) => a.firstSeenMs - b.firstSeenMs);
  const primary = primaries[0] ?? null;
  if (primary) {
    timings.podCreatedMs = primary.firstSeenMs;
    timings.podScheduledMs = primary.scheduledMs;
    timings.podRunningMs = primary.runningMs;
    timings.podReadyMs = primary.readyMs;
    lowerBounds.podCreatedMs = primary.stageAfterMs.created;
    lowerBounds.podScheduledMs = primary.stageAfterMs.scheduled;
    lowerBounds.podRunningMs = primary.stageAfterMs.running;
    lowerBounds.podReadyMs = primary.stageAfterMs.ready;
  }
  const ordering = (p: AnalysedPod): ReportPod['role'] => (p === primary ? 'primary' : 'related');
  const reportPods = [...primaries, ...related].map((p) => ({ ...p, role: ordering(p) }));

  const names: JobObjectNames | null = jobNames && {
    job: jobNames.primary,
    relatedJobs: jobNames.related,
    queue: q.queue?.name ?? expectedQueueName(jobId!, limits.queueNames ?? []),
  };

  return {
    startedAt: started?.kind === 'probe.started' ? started.wallClock : new Date(0).toISOString(),
    jobId,
    names,
    configure: {
      url: sent?.kind === 'configure.sent' ? sent.url : null,
      atMs: answered?.atMs ?? null,
      status: answered?.kind === 'configure.answered' ? answered.status : null,
      error: answered?.kind === 'configure.answered' ? answered.error : null,
      failure: answered?.kind === 'configure.answered' ? (answered.failure ?? null) : null,
      bodyCut: answered?.kind === 'configure.answered' ? (answered.bodyCut ?? null) : null,
    },
    namespaceMissing,
    gpuHolders,
    timings,
    // The request left at t0 (configure.sent): nothing the backend does for the job happens before.
    timingWindows: timingWindowsOf(timings, lowerBounds, sent?.atMs ?? null),
    pods: reportPods,
    primary: reportPods[0] && primary ? reportPods[0] : null,
    job,
    events,
    metadataAttempts,
    queue: q.queue,
    queueSeenVia: { created: q.createdVia, attached: q.attachedVia, otherNames: q.otherNames },
    cluster: { last: lastAccess, everWatching },
    broker,
    brokerSources,
    logs: { ...analyseLogs(ordered, limits.logLines), queue: q.queueLog },
    end,
    probe: lastProbeCost(observations),
  };
}

function lastProbeCost(observations: readonly Observation[]): ProbeCost {
  for (let i = observations.length - 1; i >= 0; i--) {
    const o = observations[i]!;
    if (o.kind === 'probe.cost') return { ...o.cost };
  }
  return { apiRequests: 0, apiBytes: 0, backendRequests: 0, startDelayMs: 0 };
}
