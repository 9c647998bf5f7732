// One probe run: start every monitor, POST /configure at t0 once they are ready, poll metadata until
// ready or timeout, then stop everything and build the report. The run knows no source by name: it
// drives a list of monitors through one lifecycle (monitor.ts). Every wait honours the caller's AbortSignal.
import { BackendClient } from './backend/backendClient';
import { isReadyStatus } from './backend/responseText';
import { abortableDelay, untilAborted } from './abortableDelay';
import { buildReport } from './buildReport';
import { createProbeClock, type ProbeClock } from './clock';
import { resolveKubeconfig, type ResolvedKubeconfig } from './kube/kubeconfig';
import type { Observation, ProbeEndReason, Report, StampedObservation } from './model';
import { ObservationBus, type Monitor, type MonitorDeps, type MonitorRun } from './monitor';
import { DEFAULT_NAMESPACE, type ProbeOptions } from './options';
import { RunCost } from './runCost';
import { DEFAULT_MONITORS } from './sources';
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
  /** The sources to watch; default every built-in one (cluster, logs, broker). */
  monitors?: readonly Monitor[];
}

/**
 * Validates the options synchronously (throws ProbeError for an unreadable explicit kubeconfig or an
 * unknown context) and starts the run.
 */
export function startProbe(options: ProbeOptions, start: StartProbeOptions = {}): ProbeRunHandle {
  const kube: ResolvedKubeconfig | null = options.kube.enabled
    ? resolveKubeconfig({ kubeconfig: options.kube.kubeconfig, context: options.kube.context, namespace: options.kube.namespace })
    : null;
  const clock = start.clock ?? createProbeClock();
  const timeline = new Timeline(clock);
  if (start.onObservation) timeline.subscribe(start.onObservation);
  const namespace = kube?.namespace ?? options.kube.namespace ?? DEFAULT_NAMESPACE;
  const snapshot = () =>
    buildReport(
      timeline.observations,
      options.match,
      { timeoutMs: options.timeoutMs, slowThresholdMs: options.slowThresholdMs, namespace },
      { logLines: options.logs.maxLines, queueNames: options.broker.queueNames },
    );
  const report = run(options, { kube, namespace, clock, timeline, monitors: start.monitors ?? DEFAULT_MONITORS, outer: start.signal }).then(
    snapshot,
  );
  return { timeline, report, snapshot };
}

interface RunContext {
  kube: ResolvedKubeconfig | null;
  namespace: string;
  clock: ProbeClock;
  timeline: Timeline;
  monitors: readonly Monitor[];
  outer: AbortSignal | undefined;
}

/** Runs the probe into the timeline; settles once every monitor has stopped. */
async function run(options: ProbeOptions, ctx: RunContext): Promise<void> {
  const { clock, timeline, outer } = ctx;
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(outer?.reason);
  if (outer?.aborted) stop.abort(outer.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = stop.signal;

  const bus = new ObservationBus();
  const cost = new RunCost();
  const emit = (o: StampedObservation) => {
    // Each configure answer and metadata attempt is one request to the backend.
    if (o.kind === 'configure.answered' || o.kind === 'metadata.attempt') cost.backendRequests += 1;
    timeline.record(o);
    bus.publish(o);
  };
  const now = () => clock.now();
  const deps: MonitorDeps = {
    now,
    clock,
    emit,
    signal,
    observations: bus,
    kube: ctx.kube,
    namespace: ctx.namespace,
    options,
    logs: options.logs,
    requestTimeoutMs: options.backend.requestTimeoutMs,
    apiMeter: cost.api,
  };

  const backend = new BackendClient(options.backend);
  const runs: MonitorRun[] = [];
  let endReason: ProbeEndReason | null = null;

  try {
    emit({ kind: 'probe.started', at: now(), wallClock: new Date().toISOString() });
    for (const monitor of ctx.monitors) {
      const started = monitor.start(deps);
      if (started) runs.push(started);
    }
    // Every source ready first (the watches established), so the Job and pod are seen from their first moment.
    await untilAborted(Promise.all(runs.map((r) => r.ready.catch(() => undefined))), signal);

    timeline.markT0();
    cost.markT0();
    for (const r of runs) r.onT0();
    emit({ kind: 'configure.sent', at: clock.t0!, url: backend.configureUrl });
    emit({ kind: 'probe.cost', at: clock.t0!, cost: cost.snapshot(runs) });
    const configured = await backend.configure(signal);
    emit({ kind: 'configure.answered', at: now(), ...configured });
    if (configured.jobId === null) {
      endReason = 'configure_failed';
    } else {
      for (const r of runs) r.onJobId(configured.jobId);
      endReason = await pollMetadata(backend, configured.jobId, options, clock, emit, signal);
      await Promise.all(runs.map((r) => r.finalLook()));
    }
  } catch (e) {
    if (!signal.aborted) throw e;
    endReason = 'aborted';
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    timeline.markT0();
    if (endReason) emit({ kind: 'probe.ended', at: now(), reason: endReason });
    // Some sources trail what they describe (log lines): let them deliver what had already happened.
    const trailMs = Math.max(0, ...runs.map((r) => r.trailMs ?? 0));
    if (trailMs > 0 && !signal.aborted) await abortableDelay(trailMs, signal).catch(() => undefined);
    stop.abort(new Error('probe finished'));
    await Promise.all([...runs.map((r) => r.done), backend.close()]);
    emit({ kind: 'probe.cost', at: now(), cost: cost.snapshot(runs) });
  }
}

async function pollMetadata(
  backend: BackendClient,
  jobId: string,
  options: ProbeOptions,
  clock: ProbeClock,
  emit: (o: StampedObservation) => void,
  signal: AbortSignal,
): Promise<ProbeEndReason> {
  const interval = options.backend.pollIntervalMs;
  const elapsed = () => clock.sinceT0(clock.now());
  while (elapsed() < options.timeoutMs) {
    const began = elapsed();
    // Bound the attempt by the time left, so the run ends at the timeout even if the backend hangs.
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Math.ceil(options.timeoutMs - began)))]);
    let attempt: { status: number | null; error: string | null };
    const sentAt = clock.now();
    try {
      attempt = await backend.metadata(jobId, attemptSignal);
    } catch (e) {
      if (signal.aborted) throw e;
      attempt = { status: null, error: `no answer before the ${options.timeoutMs / 1000} s timeout` };
    }
    const answeredAt = clock.now();
    // How long it took, so the analysis knows the backend's answer was decided after the request left.
    const tookMs = Math.round((answeredAt - sentAt) * 1000) / 1000;
    emit({ kind: 'metadata.attempt', at: answeredAt, ...attempt, tookMs });
    if (isReadyStatus(attempt.status)) return 'consumer_ready';
    const wait = Math.min(interval - (elapsed() - began), options.timeoutMs - elapsed());
    if (wait > 0) await abortableDelay(wait, signal);
  }
  return 'timeout';
}
