// Analysis → one scenario with its evidence and what to do next. Pure. Each rule names the concrete
// cause it saw (the event message, the waiting reason, the HTTP answer), never just the id.
import type { Analysis, AnalysedPod } from './analysis';
import { TIMING_KEYS, type CauseOf, type ClusterUnavailableCode, type Scenario, type ScenarioId, type Severity } from './model';
import { podFailure } from './podState';
import { foldAttempts } from './attempts';
import { TIMING_LABELS, count } from './phrasing';
import {
  backendErrorEvidence,
  backendErrorSuggestion,
  brokerEvidence,
  crashEvidence,
  crashedContainer,
  logProblems,
  podErrorEvidence,
  queueStage,
  queueSuggestions,
  s,
} from './diagnoseEvidence';

export interface DiagnoseContext {
  timeoutMs: number;
  slowThresholdMs: number;
  namespace: string;
}

const TITLES: Record<ScenarioId, string> = {
  healthy: 'Consumer ready',
  slow_consumer: 'Consumer ready, but slowly (backend side)',
  slow_pod_start: 'Consumer ready, but the pod was slow to start',
  consumer_never_ready: 'Pod ran, consumer never became ready',
  pod_never_created: 'No pod was created for the job',
  pod_pending: 'Pod never started (stuck Pending)',
  pod_failed: 'Pod failed',
  configure_failed: 'POST /configure failed',
  cluster_unavailable: 'Consumer not ready; the cluster could not be observed',
  stopped: 'Stopped before a verdict',
};

const SEVERITY: Record<ScenarioId, Severity> = {
  healthy: 'ok',
  slow_consumer: 'warning',
  slow_pod_start: 'warning',
  consumer_never_ready: 'error',
  pod_never_created: 'error',
  pod_pending: 'error',
  pod_failed: 'error',
  configure_failed: 'error',
  cluster_unavailable: 'inconclusive',
  stopped: 'inconclusive',
};

function scenario<Id extends ScenarioId>(
  id: Id,
  cause: CauseOf<Id> | null,
  summary: string,
  evidence: string[],
  suggestions: string[],
): Scenario {
  return {
    id,
    cause,
    severity: SEVERITY[id],
    title: TITLES[id],
    summary,
    evidence: evidence.filter(Boolean),
    suggestions: [...new Set(suggestions.filter(Boolean))],
  };
}

function metadataEvidence(a: Analysis): string {
  const attempts = a.metadataAttempts;
  if (attempts.length === 0) return 'GET /metadata was never attempted';
  const runs = foldAttempts(attempts);
  const last = runs[runs.length - 1]!;
  const outcome = last.status !== null ? `${last.status}${last.error ? ` "${last.error}"` : ''}` : (last.error ?? 'no answer');
  return `GET /metadata/${a.jobId} answered ${outcome} (${count(attempts.length, 'attempt')}, last at ${s(last.lastMs)})`;
}

/** `PodScheduled 2.800s → Initialized 4.200s → …`: when each condition first became True. */
function conditionLine(pod: AnalysedPod): string {
  const order = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'];
  const parts = order.flatMap((type) => {
    const t = pod.conditionTransitions.find((c) => c.type === type && c.status === 'True');
    return t ? [`${type} ${s(t.atMs)}`] : [];
  });
  return parts.length ? `pod conditions became True: ${parts.join(' → ')}` : '';
}

function eventsOf(a: Analysis, objectName: string, reasons?: string[]) {
  return a.events.filter((e) => e.object.endsWith(`/${objectName}`) && (!reasons || reasons.includes(e.reason)));
}

function lastEventLine(a: Analysis, objectName: string, reasons: string[]): string | null {
  const found = eventsOf(a, objectName, reasons);
  const last = found[found.length - 1];
  if (!last) return null;
  const repeats = found.filter((e) => e.reason === last.reason).length;
  return `${last.reason}: ${last.message}${repeats > 1 ? ` (seen ${repeats}×)` : ''}`;
}

function clusterUnavailableReason(a: Analysis): string | null {
  const last = a.cluster.last;
  if (last === null) return 'the cluster was not observed';
  return last.state === 'unavailable' ? last.reason : null;
}

function kubectl(ctx: DiagnoseContext, rest: string): string {
  return `kubectl -n ${ctx.namespace} ${rest}`;
}

function diagnoseReady(a: Analysis, ctx: DiagnoseContext, ready: number): Scenario {
  const t = a.timings;
  const evidence = [`GET /metadata/${a.jobId} answered ${a.metadataAttempts.find((m) => m.atMs === ready)?.status ?? 200} at ${s(ready)}`];
  if (t.podReadyMs !== null) evidence.push(`pod ${a.primary?.name} ready at ${s(t.podReadyMs)}`);
  const unobserved = clusterUnavailableReason(a);
  if (unobserved) evidence.push(`pods not observed: ${unobserved}`);
  if (a.namespaceMissing !== null)
    evidence.push(`pods not observed: the namespace ${ctx.namespace} does not exist (${a.namespaceMissing})`);
  evidence.push(...brokerEvidence(a));
  if (ready <= ctx.slowThresholdMs) {
    return scenario(
      'healthy',
      null,
      `The consumer for job ${a.jobId} was ready after ${s(ready)} (threshold ${s(ctx.slowThresholdMs)}).`,
      evidence,
      [],
    );
  }
  const podStart = t.podReadyMs ?? t.podRunningMs;
  if (podStart !== null && podStart > ready - podStart) {
    const scheduledLate = t.podScheduledMs !== null && t.podCreatedMs !== null ? t.podScheduledMs - t.podCreatedMs : null;
    const scheduling = a.primary ? lastEventLine(a, a.primary.name, ['FailedScheduling']) : null;
    return scenario(
      'slow_pod_start',
      null,
      `The consumer was ready after ${s(ready)}, over the ${s(ctx.slowThresholdMs)} threshold; the pod took ${s(podStart)} of it to start.`,
      [
        ...evidence,
        scheduledLate !== null ? `pod waited ${s(scheduledLate)} to be scheduled` : '',
        scheduling ?? '',
        a.primary ? conditionLine(a.primary) : '',
        t.podScheduledMs !== null && t.podRunningMs !== null
          ? `scheduled → running took ${s(t.podRunningMs - t.podScheduledMs)} (image pull, container start)`
          : '',
      ],
      [
        'Check GPU capacity: every job pod requests one nvidia.com/gpu.shared; scheduling waits when they are exhausted.',
        `Look at the pod's events: ${kubectl(ctx, `describe pod ${a.primary?.name ?? '<pod>'}`)}`,
        'If the image pull is slow, pre-pull the analyzer image on the GPU nodes.',
      ],
    );
  }
  const after = podStart !== null ? ready - podStart : null;
  return scenario(
    'slow_consumer',
    null,
    `The consumer was ready after ${s(ready)}, over the ${s(ctx.slowThresholdMs)} threshold${after !== null ? `; the pod was ready at ${s(podStart)}, so ${s(after)} went to the backend` : ''}.`,
    [...evidence, backendErrorEvidence(a)],
    [
      'The backend was slow to create the consumer: check its load and logs around this job id.',
      'Compare with other runs: a steady rise suggests the backend is saturated (30 concurrent jobs at most).',
      ...backendErrorSuggestion(a, (rest) => kubectl(ctx, rest)),
    ],
  );
}

function diagnosePodFailure(a: Analysis, ctx: DiagnoseContext, pod: AnalysedPod, failure: string): Scenario {
  const events = lastEventLine(a, pod.name, ['Failed', 'BackOff', 'OOMKilling', 'Evicted']);
  const pulling = /Image|ErrImage/.test(failure);
  const crash = crashedContainer(a);
  return scenario(
    'pod_failed',
    null,
    `Pod ${pod.name} failed: ${failure}. The consumer never became ready.`,
    [
      failure,
      events ?? '',
      crashEvidence(a),
      crash ? '' : podErrorEvidence(a),
      ...brokerEvidence(a),
      metadataEvidence(a),
      backendErrorEvidence(a),
      ...logProblems(a),
    ],
    pulling
      ? [
          'Check the image name and tag in the Job template and that the nodes can pull from the registry (credentials, imagePullSecrets).',
          `See the pull error: ${kubectl(ctx, `describe pod ${pod.name}`)}`,
        ]
      : [
          ...(crash
            ? [`The container ended with "${crash.line.trim()}" on every start: fix that first (its last lines are in the report).`]
            : []),
          `Read the crashed container's output: ${kubectl(ctx, `logs ${pod.name} --previous`)}`,
          'A crash at start usually means bad configuration from the backend (payload, stream settings) or an unreachable RabbitMQ.',
        ],
  );
}

function diagnoseNotReady(a: Analysis, ctx: DiagnoseContext): Scenario {
  const ended = a.end.reason === 'aborted' ? `stopped at ${s(a.end.atMs)}` : `within the ${s(ctx.timeoutMs)} timeout`;
  const unobserved = clusterUnavailableReason(a);
  const pod = a.primary;
  const failure = pod ? podFailure(pod.latest) : null;
  if (pod && failure) return diagnosePodFailure(a, ctx, pod, failure);
  if (pod && pod.runningMs === null) {
    const scheduling = lastEventLine(a, pod.name, ['FailedScheduling']);
    const other = lastEventLine(a, pod.name, ['FailedMount', 'FailedAttachVolume', 'FailedCreatePodSandBox', 'Failed']);
    return scenario(
      'pod_pending',
      null,
      `Pod ${pod.name} appeared at ${s(pod.firstSeenMs)} but never started ${ended}${pod.reason ? ` (${pod.reason})` : ''}.`,
      [
        scheduling ?? (pod.node ? `scheduled on ${pod.node}, containers never started` : 'the pod was never scheduled'),
        other ?? '',
        metadataEvidence(a),
        backendErrorEvidence(a),
      ],
      scheduling && /gpu/i.test(scheduling)
        ? [
            'GPUs are exhausted: wait for running jobs to finish or free them (at most 30 concurrent jobs).',
            `See what holds the GPUs: ${kubectl(ctx, 'get pods -o wide')}`,
          ]
        : [`See why it is not scheduled or started: ${kubectl(ctx, `describe pod ${pod.name}`)}`],
    );
  }
  if (pod) {
    return scenario(
      'consumer_never_ready',
      null,
      `Pod ${pod.name} ran${pod.readyMs !== null ? ` and was ready at ${s(pod.readyMs)}` : ' (never Ready)'}, but the consumer never became ready ${ended}.`,
      [
        `pod ${pod.name}: Running at ${s(pod.runningMs)}, Ready at ${s(pod.readyMs)}, ${count(pod.restartCount, 'restart')}`,
        ...(a.broker === null && a.queue
          ? [`queue ${a.queue.name} seen at ${s(a.queue.firstSeenMs)} with ${count(a.queue.consumers, 'consumer', 'consumers', 'unknown')}`]
          : brokerEvidence(a)),
        metadataEvidence(a),
        backendErrorEvidence(a),
        queueStage(a) === 'no_queue' ? podErrorEvidence(a) : '',
        ...logProblems(a),
        unobserved ? `cluster observation stopped: ${unobserved}` : '',
      ],
      [
        ...queueSuggestions(a, (rest) => kubectl(ctx, rest), pod.name),
        ...backendErrorSuggestion(a, (rest) => kubectl(ctx, rest)),
        `Search the backend logs for the job id ${a.jobId}: the consumer is created there.`,
        ...(queueStage(a) === 'not_watched'
          ? [
              `Check that ${a.names?.queue ? `the queue ${a.names.queue}` : `the queue of job ${a.jobId}`} exists and has a consumer (RabbitMQ management UI, or rabbitmqctl list_queues name consumers).`,
            ]
          : []),
        `Check the analyzer's output: ${kubectl(ctx, `logs ${pod.name}`)}`,
      ],
    );
  }
  if (unobserved) {
    return scenario(
      'cluster_unavailable',
      clusterCause(a.cluster.last),
      `The consumer for job ${a.jobId} was not ready ${ended}, and Kubernetes could not be observed, so the pods are unknown.`,
      [`Kubernetes: ${unobserved}`, ...brokerEvidence(a), metadataEvidence(a)],
      [
        'Give the probe read access: a Role with get/list/watch on pods, pods/log, events and batch jobs in the namespace (see README).',
        'Check the kubeconfig, context and namespace (--kubeconfig, --context, --namespace).',
      ],
    );
  }
  if (a.namespaceMissing !== null) {
    return scenario(
      'pod_never_created',
      'namespace_not_found',
      `No pod of job ${a.jobId} appeared ${ended}: the namespace ${ctx.namespace} does not exist in this cluster.`,
      [`GET /api/v1/namespaces/${ctx.namespace} → 404 ${a.namespaceMissing}`, metadataEvidence(a), backendErrorEvidence(a)],
      [
        'Point the probe at the namespace the backend creates its Jobs in (--namespace, or the "namespace" setting in VS Code).',
        'List the namespaces this context can see: kubectl get namespaces',
      ],
    );
  }
  // Named by the match rules (`match.jobName`), so a custom Job name keeps its FailedCreate evidence.
  const jobName = a.names!.job;
  const failedCreate = lastEventLine(a, jobName, ['FailedCreate']);
  return scenario(
    'pod_never_created',
    a.job || failedCreate ? null : 'job_not_created',
    `No pod of job ${a.jobId} appeared ${ended}${a.job ? `, although the Job ${a.job.name} exists` : ''}.`,
    [
      a.job
        ? `Job ${a.job.name} seen at ${s(a.timings.jobCreatedMs)} (active ${a.job.active}, failed ${a.job.failed})`
        : `no Job ${jobName} appeared either`,
      failedCreate ?? '',
      metadataEvidence(a),
      backendErrorEvidence(a),
    ],
    failedCreate
      ? [
          `The Job controller could not create the pod: ${kubectl(ctx, `describe job ${jobName}`)}`,
          'Check ResourceQuota and LimitRange in the namespace.',
        ]
      : a.job
        ? [`${kubectl(ctx, `describe job ${jobName}`)} shows why the controller did not create a pod.`]
        : [
            'The backend did not create the Job: check its logs and its permissions to create Jobs.',
            'Check the namespace (--namespace) is the one the backend uses.',
          ],
  );
}

export function diagnose(a: Analysis, ctx: DiagnoseContext): Scenario {
  // A run stopped by the user before a verdict proves nothing about what would have happened next. A
  // consumer already ready, or a configure already refused, is a verdict the stop cannot take back.
  const verdictReached = a.timings.consumerReadyMs !== null || (a.jobId === null && a.configure.atMs !== null);
  const scenario = a.end.reason === 'aborted' && !verdictReached ? diagnoseStopped(a) : diagnoseRun(a, ctx);
  const cut = a.configure.bodyCut;
  if (!cut) return scenario;
  const note = `POST /configure answered with a body longer than the probe reads: only its first ${cut.readBytes} bytes were looked at`;
  return { ...scenario, evidence: [...scenario.evidence, note] };
}

/** What was seen before the stop and what was not yet: no cause, no blame. */
function diagnoseStopped(a: Analysis): Scenario {
  const seen = TIMING_KEYS.filter((k) => a.timings[k] !== null);
  const notYet = TIMING_KEYS.filter((k) => a.timings[k] === null);
  const pod = a.primary;
  return scenario(
    'stopped',
    'stopped_by_user',
    `The probe was stopped at ${s(a.end.atMs)}, before ${a.jobId === null ? 'POST /configure answered' : `the consumer for job ${a.jobId} was ready`}. ` +
      `Nothing is concluded: ${seen.length ? `seen so far: ${seen.map((k) => TIMING_LABELS[k]).join(', ')}` : 'nothing was seen yet'}.`,
    [
      ...seen.map((k) => `${TIMING_LABELS[k]} at ${s(a.timings[k])}`),
      pod ? `pod ${pod.name}: ${pod.phase}${pod.ready ? ', ready' : ''}${pod.reason ? ` (${pod.reason})` : ''} when stopped` : '',
      notYet.length ? `not seen before the stop: ${notYet.map((k) => TIMING_LABELS[k]).join(', ')}` : '',
    ],
    ['Run the probe again and let it finish: the timeout ends it on its own.'],
  );
}

function clusterCause(access: Analysis['cluster']['last']): CauseOf<'cluster_unavailable'> | null {
  if (access === null) return 'no_kubeconfig';
  if (access.state !== 'unavailable') return null;
  const causes: Record<ClusterUnavailableCode, CauseOf<'cluster_unavailable'> | null> = {
    NO_KUBECONFIG: 'no_kubeconfig',
    KUBECONFIG_UNREADABLE: 'no_kubeconfig',
    UNREACHABLE: 'unreachable',
    TLS_ERROR: 'tls_error',
    UNAUTHORIZED: 'unauthorized',
    FORBIDDEN: 'forbidden',
    AUTH_PLUGIN_FAILED: 'auth_plugin_failed',
    ERROR: 'unreachable',
    DISABLED: null,
  };
  return causes[access.code];
}

function diagnoseRun(a: Analysis, ctx: DiagnoseContext): Scenario {
  if (a.jobId === null) {
    const error = a.configure.error ?? 'no answer';
    return scenario(
      'configure_failed',
      a.configure.failure,
      `POST /configure did not return a job id: ${error}.`,
      [`POST ${a.configure.url ?? '/configure'} → ${error}`, backendErrorEvidence(a)],
      [...configureSuggestions(a.configure.status, error), ...backendErrorSuggestion(a, (rest) => kubectl(ctx, rest))],
    );
  }
  const ready = a.timings.consumerReadyMs;
  if (ready !== null) return diagnoseReady(a, ctx, ready);
  return diagnoseNotReady(a, ctx);
}

function configureSuggestions(status: number | null, error: string): string[] {
  if (status === null) return ['Check the backend URL and that the backend is up and reachable from here.'];
  if (status === 401 || status === 403) return ['Set a valid backend token (CONSUMER_PROBE_TOKEN, or "Set Backend Token" in VS Code).'];
  if (status >= 500) return ['The backend failed: check its logs and whether all job windows (30) are in use.'];
  if (/no "/.test(error)) return ['The answer has no job id: check the job id field setting (default job_id).'];
  if (/not JSON/.test(error)) return ['The URL may point at something other than the backend API (a proxy or login page?).'];
  return ['Check the request body (--body) against what the backend expects.'];
}
