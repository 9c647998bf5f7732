// One probe run: watch the cluster, POST /configure at t0, poll metadata until ready or timeout,
// then stop everything and build the report. Every wait honours the caller's AbortSignal.
import { BackendClient } from './backend/backendClient';
import { isReadyStatus } from './backend/responseText';
import { abortableDelay } from './abortableDelay';
import { buildReport } from './buildReport';
import { createProbeClock, type ProbeClock } from './clock';
import { resolveKubeconfig, type ResolvedKubeconfig } from './kube/kubeconfig';
import { startClusterMonitor, type ClusterMonitor } from './kube/clusterMonitor';
import type { QueueMonitor } from './broker/managementQueueMonitor';
import { startQueueMonitors } from './broker/queueMonitors';
import { startBackendLogMonitor, type BackendLogMonitor } from './logs/backendLogMonitor';
import { startPodLogMonitor, type PodLogMonitor } from './logs/podLogMonitor';
import type { Observation, ProbeEndReason, Report } from './model';
import { DEFAULT_NAMESPACE, type ProbeOptions } from './options';
import { Timeline } from './timeline';

export interface ProbeRunHandle {
  readonly timeline: Timeline;
  /** Settles with the report once the run ended (consumer ready, timeout, configure failure or abort). */
  readonly report: Promise<Report>;
  /** The report of what the run has seen so far, for live views (the final one is `report`). */
  snapshot(): Report;
}

export interface StartProbeOptions {
  signal?: AbortSignal;
  /** Called for every observation as it happens (live views). */
  onObservation?: (o: Observation) => void;
  clock?: ProbeClock;
}

/**
 * Validates the options synchronously (throws ProbeError for an unreadable explicit kubeconfig or an
 * unknown context) and starts the run.
 */
export function startProbe(options: ProbeOptions, start: StartProbeOptions = {}): ProbeRunHandle {
  const kube: ResolvedKubeconfig | null = options.kube.enabled
    ? resolveKubeconfig({ kubeconfig: options.kube.kubeconfig, context: options.kube.context, namespace: options.kube.namespace })
    : null;
  const timeline = new Timeline();
  if (start.onObservation) timeline.subscribe(start.onObservation);
  const namespace = kube?.namespace ?? options.kube.namespace ?? DEFAULT_NAMESPACE;
  const snapshot = () =>
    buildReport(
      timeline.observations,
      options.match,
      { timeoutMs: options.timeoutMs, slowThresholdMs: options.slowThresholdMs, namespace },
      { logLines: options.logs.maxLines, queueNames: options.broker.queueNames },
    );
  const report = run(options, kube, timeline, start).then(snapshot);
  return { timeline, report, snapshot };
}

/** Runs the probe into `timeline`; settles once every monitor has stopped. */
async function run(options: ProbeOptions, kube: ResolvedKubeconfig | null, timeline: Timeline, start: StartProbeOptions): Promise<void> {
  const clock = start.clock ?? createProbeClock();
  const stop = new AbortController();
  const outer = start.signal;
  const onOuterAbort = () => stop.abort(outer?.reason);
  if (outer?.aborted) stop.abort(outer.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = stop.signal;

  // Observations carry clock stamps until they enter the timeline, where they become ms since t0.
  // Those made before t0 wait for it, so the timeline never mixes two time bases.
  const beforeT0: Observation[] = [];
  let podLogs: PodLogMonitor | null = null;
  const emit = (o: Observation) => {
    if (o.kind === 'pod.changed') podLogs?.onPod(o.pod);
    if (clock.t0 === null) beforeT0.push(o);
    else timeline.append(toSinceT0(o, clock));
  };
  const markT0 = () => {
    clock.markT0();
    for (const o of beforeT0.splice(0)) emit(o);
  };
  const now = () => clock.stamp();

  const backend = new BackendClient(options.backend);
  let monitor: ClusterMonitor | null = null;
  const requestTimeoutMs = options.backend.requestTimeoutMs;
  const queues: QueueMonitor | null = startQueueMonitors(options.broker, { now, emit, signal, requestTimeoutMs });
  const logOptions = options.logs;
  let backendLogs: BackendLogMonitor | null = null;
  let endReason: ProbeEndReason | null = null;

  try {
    emit({ kind: 'probe.started', atMs: now(), wallClock: new Date().toISOString() });
    if (kube?.found) {
      const logDeps = { kc: kube.kc, namespace: kube.namespace, logs: logOptions, now, emit, signal, requestTimeoutMs };
      const selectsSomething = !!(logOptions.backend.podNamePrefix || logOptions.backend.labelSelector?.trim());
      if (logOptions.backend.enabled && selectsSomething) backendLogs = startBackendLogMonitor(logDeps);
      if (logOptions.pod.enabled) podLogs = startPodLogMonitor({ ...logDeps, match: options.match });
      monitor = startClusterMonitor({
        kc: kube.kc,
        server: kube.server,
        context: kube.context,
        namespace: kube.namespace,
        match: options.match,
        now,
        emit,
        signal,
        syncTimeoutMs: options.kube.syncTimeoutMs,
        onAnyPod: backendLogs ? (pod) => backendLogs!.onPod(pod) : undefined,
      });
      // Watches first, so the Job and pod are seen from their first moment; the backend's logs too.
      await monitor.ready;
      if (backendLogs) await Promise.race([backendLogs.following(), abortableDelay(options.kube.syncTimeoutMs, signal)]);
    } else {
      const reason = kube ? kube.reason : 'Kubernetes observation is turned off';
      emit({ kind: 'cluster.access', atMs: now(), access: { state: 'unavailable', reason, code: kube ? 'NO_KUBECONFIG' : 'DISABLED' } });
    }
    signal.throwIfAborted();

    markT0();
    backendLogs?.markT0();
    emit({ kind: 'configure.sent', atMs: clock.t0!, url: backend.configureUrl });
    const configured = await backend.configure(signal);
    emit({ kind: 'configure.answered', atMs: now(), ...configured });
    if (configured.jobId === null) {
      endReason = 'configure_failed';
    } else {
      podLogs?.setJobId(configured.jobId);
      backendLogs?.setJobId(configured.jobId);
      monitor?.setJobId(configured.jobId);
      queues?.setJobId(configured.jobId);
      endReason = await pollMetadata(backend, configured.jobId, options, clock, emit, signal);
      await Promise.all([queues?.finalCheck(), podLogs?.finalCheck()]);
    }
  } catch (e) {
    if (!signal.aborted) throw e;
    endReason = 'aborted';
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    if (clock.t0 === null) markT0();
    if (endReason) emit({ kind: 'probe.ended', atMs: now(), reason: endReason });
    // Log lines trail what they describe by a moment: let the streams deliver what was already written.
    if ((backendLogs || podLogs) && !signal.aborted) await abortableDelay(logOptions.graceMs, signal).catch(() => undefined);
    stop.abort(new Error('probe finished'));
    await Promise.all([monitor?.done, queues?.done, backendLogs?.done, podLogs?.done, backend.close()]);
  }
}

/** The observation with its stamps turned into ms since t0 (a tail's lines carry their own). */
function toSinceT0(o: Observation, clock: ProbeClock): Observation {
  const atMs = clock.sinceT0(o.atMs);
  if (o.kind === 'log.tail') {
    return { ...o, atMs, tail: { ...o.tail, lines: o.tail.lines.map((l) => ({ ...l, atMs: clock.sinceT0(l.atMs) })) } };
  }
  return { ...o, atMs };
}

async function pollMetadata(
  backend: BackendClient,
  jobId: string,
  options: ProbeOptions,
  clock: ProbeClock,
  emit: (o: Observation) => void,
  signal: AbortSignal,
): Promise<ProbeEndReason> {
  const interval = options.backend.pollIntervalMs;
  const elapsed = () => clock.sinceT0(clock.stamp());
  while (elapsed() < options.timeoutMs) {
    const began = elapsed();
    // Bound the attempt by the time left, so the run ends at the timeout even if the backend hangs.
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Math.ceil(options.timeoutMs - began)))]);
    let attempt: { status: number | null; error: string | null };
    try {
      attempt = await backend.metadata(jobId, attemptSignal);
    } catch (e) {
      if (signal.aborted) throw e;
      attempt = { status: null, error: `no answer before the ${options.timeoutMs / 1000} s timeout` };
    }
    emit({ kind: 'metadata.attempt', atMs: clock.stamp(), ...attempt });
    if (isReadyStatus(attempt.status)) return 'consumer_ready';
    const wait = Math.min(interval - (elapsed() - began), options.timeoutMs - elapsed());
    if (wait > 0) await abortableDelay(wait, signal);
  }
  return 'timeout';
}
