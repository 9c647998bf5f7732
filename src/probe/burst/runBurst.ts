// A burst: N probe runs, at most C in flight, released evenly over the ramp, each probed to its end
// exactly as `run` probes one job (runProbe.ts). What the jobs watch together is watched once: the
// cluster observer is shared by every run of the process (kube/clusterObserver.ts) and held for the
// whole burst, so jobs that come and go do not open new watches; the monitors that would cost the
// cluster or the broker a request per job are swapped for burst-wide ones (sharedMonitors.ts).
import { setMaxListeners } from 'node:events';
import { abortableDelay, untilAborted } from '../abortableDelay';
import { createProbeClock } from '../clock';
import { ClusterObserver } from '../kube/clusterObserver';
import { resolveKubeconfig } from '../kube/kubeconfig';
import type { Monitor } from '../monitor';
import type { Observation, Report } from '../model';
import type { ProbeOptions } from '../options';
import { startProbe } from '../runProbe';
import { createJobStateTracker, type JobState } from './jobStates';
import type { BurstRun } from './model';
import { createBurstMonitors } from './sharedMonitors';

export interface BurstPlan {
  jobs: number;
  /** At most this many jobs in flight (default: all of them). */
  concurrency?: number;
  /** The sends are spread evenly over this many ms: job i (1-based) is released at (i − 1) × ramp / (N − 1). */
  rampMs?: number;
  signal?: AbortSignal;
  /** Every state change of a job (sent, answered, pod, queue, consumer, finished), as it happens. */
  onJobEvent?: (event: BurstJobEvent) => void;
  /** Replaces the burst's monitors (tests). */
  monitors?: readonly Monitor[];
}

export interface BurstJobEvent {
  /** 1-based send order. */
  index: number;
  jobId: string | null;
  /** ms since the burst's t0. */
  atMs: number;
  state: JobState;
  /** With `state.kind === 'finished'`: the job's report. */
  run?: BurstRun;
}

export interface BurstOutcome {
  startedAt: string;
  /** performance.now() at the burst's t0 (sentAtMs counts from it): to compare with other clocks of the process. */
  t0: number;
  jobs: number;
  concurrency: number;
  rampMs: number;
  /** The jobs that were started, in send order (all N unless the burst was stopped early). */
  runs: BurstRun[];
}

/** When job `index` (1-based) may be sent, in ms since the burst's t0. */
export function releaseAtMs(index: number, jobs: number, rampMs: number): number {
  return jobs <= 1 ? 0 : ((index - 1) * rampMs) / (jobs - 1);
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Runs the burst; settles once every started job has ended. Rejects with ProbeError before any job is
 * sent for options a run could not start with (an unreadable explicit kubeconfig, …).
 */
export async function runBurst(options: ProbeOptions, plan: BurstPlan): Promise<BurstOutcome> {
  const jobs = plan.jobs;
  const concurrency = Math.min(plan.concurrency ?? jobs, jobs);
  const rampMs = plan.rampMs ?? 0;
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`a burst needs at least one job, got ${jobs}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`);

  // The same check every run makes, once, before anything is sent.
  const kube = options.kube.enabled
    ? resolveKubeconfig({ kubeconfig: options.kube.kubeconfig, context: options.kube.context, namespace: options.kube.namespace })
    : null;
  const stop = new AbortController();
  const outer = plan.signal;
  const onOuterAbort = () => stop.abort(outer?.reason);
  if (outer?.aborted) stop.abort(outer.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = stop.signal;
  // Every job's run listens to it (and passes it on): N listeners are expected, not a leak.
  setMaxListeners(0, signal);

  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const release = kube?.found ? ClusterObserver.hold(kube, kube.namespace) : null;
  const shared = plan.monitors ? null : createBurstMonitors();
  const monitors = plan.monitors ?? shared!.monitors;
  const runs: BurstRun[] = [];
  const inFlight = new Set<Promise<void>>();

  const startJob = (index: number): Promise<void> => {
    const startedMs = performance.now();
    let sentAt: number | null = null;
    const say = (state: JobState, jobId: string | null, run?: BurstRun) => {
      const atMs = round((sentAt ?? startedMs) - t0 + state.atMs);
      plan.onJobEvent?.({ index, jobId, atMs, state, ...(run ? { run } : {}) });
    };
    const track = createJobStateTracker(options.match, (state, jobId) => say(state, jobId));
    const onObservation = (o: Observation) => {
      if (o.kind === 'configure.sent') sentAt = performance.now() - o.atMs;
      track(o);
    };
    const handle = startProbe(options, { signal, onObservation, clock: createProbeClock(), monitors });
    return handle.report.then((report: Report) => {
      const run: BurstRun = { ...report, index, sentAtMs: round((sentAt ?? startedMs) - t0) };
      runs.push(run);
      const s = report.scenario;
      say(
        { kind: 'finished', atMs: performance.now() - (sentAt ?? startedMs), text: `${s.id}${s.cause ? `/${s.cause}` : ''}: ${s.title}` },
        report.jobId,
        run,
      );
    });
  };

  let failure: unknown = null;
  try {
    for (let index = 1; index <= jobs && !signal.aborted; index++) {
      const wait = releaseAtMs(index, jobs, rampMs) - (performance.now() - t0);
      if (wait > 0) await abortableDelay(wait, signal);
      while (inFlight.size >= concurrency) await untilAborted(Promise.race(inFlight), signal);
      const job = startJob(index).catch((e: unknown) => {
        failure ??= e;
        stop.abort(e);
      });
      const tracked = job.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
  } catch (e) {
    // An abort while waiting to send: the started jobs finish as `stopped`. Anything else is a failure to start.
    if (!signal.aborted) {
      failure ??= e;
      stop.abort(e);
    }
  } finally {
    await Promise.all(inFlight);
    outer?.removeEventListener('abort', onOuterAbort);
    await shared?.close();
    await release?.();
  }
  if (failure !== null) throw failure;
  runs.sort((a, b) => a.index - b.index);
  return { startedAt, t0, jobs, concurrency, rampMs, runs };
}
