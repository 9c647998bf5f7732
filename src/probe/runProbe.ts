// One probe run: start every monitor (and open the backend's connection), POST /configure at t0 once
// they are ready, poll metadata (backend/metadataPoller.ts) until ready or timeout, then stop everything
// and build the report. The run knows no source by name: it
// drives a list of monitors through one lifecycle (monitor.ts). Every wait honours the caller's AbortSignal.
import { resolve as resolvePath } from 'node:path';
import { BackendClient } from './backend/backendClient';
import { createMetadataPoller } from './backend/metadataPoller';
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
  // Suggested kubectl commands aim where the probe looked: its context, and the kubeconfig when one was named.
  const diagnoseContext = {
    timeoutMs: options.timeoutMs,
    slowThresholdMs: options.slowThresholdMs,
    namespace,
    context: kube?.found ? kube.context : null,
    kubeconfig: options.kube.kubeconfig ? resolvePath(options.kube.kubeconfig) : null,
  };
  const snapshot = () =>
    buildReport(timeline.observations, options.match, diagnoseContext, {
      logLines: options.logs.maxLines,
      queueNames: options.broker.queueNames,
    });
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
  // Listens from the start, so it knows what the sources said before t0 (e.g. that the cluster is watched).
  const poller = createMetadataPoller({
    backend,
    polling: options.backend.polling,
    match: options.match,
    timeoutMs: options.timeoutMs,
    clock,
    emit,
    observations: bus,
  });
  const runs: MonitorRun[] = [];
  let endReason: ProbeEndReason | null = null;

  const startedAt = now();
  try {
    emit({ kind: 'probe.started', at: startedAt, wallClock: new Date().toISOString() });
    for (const monitor of ctx.monitors) {
      const started = monitor.start(deps);
      if (started) runs.push(started);
    }
    // Meanwhile the backend's connection is opened (DNS, TCP, TLS; no request), so t0 is when the request
    // leaves and configureMs is the backend's time, not the connect's. A failure changes nothing: the
    // configure request then connects itself and reports what it meets.
    const warm = backend.warmUp(signal);
    // Every source ready first (the watches established), so the Job and pod are seen from their first moment.
    await untilAborted(Promise.all([...runs.map((r) => r.ready.catch(() => undefined)), warm]), signal);

    timeline.markT0();
    cost.markT0();
    for (const r of runs) r.onT0();
    emit({ kind: 'configure.sent', at: clock.t0!, url: backend.configureUrl });
    emit({ kind: 'probe.cost', at: clock.t0!, cost: cost.snapshot(runs, backend.requestsSent) });
    const configured = await backend.configure(signal);
    emit({ kind: 'configure.answered', at: now(), ...configured });
    if (configured.jobId === null) {
      endReason = 'configure_failed';
    } else {
      for (const r of runs) r.onJobId(configured.jobId);
      endReason = await poller.poll(configured.jobId, signal);
      await Promise.all(runs.map((r) => r.finalLook()));
    }
  } catch (e) {
    if (!signal.aborted) throw e;
    endReason = 'aborted';
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    poller.dispose();
    timeline.markT0();
    if (endReason) emit({ kind: 'probe.ended', at: now(), reason: endReason });
    // Some sources trail what they describe (log lines): let them deliver what had already happened.
    const trailMs = Math.max(0, ...runs.map((r) => r.trailMs ?? 0));
    if (trailMs > 0 && !signal.aborted) await abortableDelay(trailMs, signal).catch(() => undefined);
    stop.abort(new Error('probe finished'));
    await Promise.all([...runs.map((r) => r.done), backend.close()]);
    emit({ kind: 'probe.cost', at: now(), cost: cost.snapshot(runs, backend.requestsSent) });
  }
}
