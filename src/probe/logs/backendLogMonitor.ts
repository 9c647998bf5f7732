// Follows the backend's pods' logs and keeps what was logged from t0 on that matters to the job: lines
// naming the job id, lines at ERROR/WARN level, tracebacks. The job id arrives with the configure answer,
// but the backend logs about the job before it answers, so lines are held until the id is known.
// The backend's pods are found by their own selector (../kube/backendPods.ts); t0 waits until they are
// listed, never for a follow: a real API server answers a follow only with its first line, so every
// follow asks for what it may have missed (`sinceTime`, whole seconds) with the kubelet's timestamps,
// and drops the lines logged before t0.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ProbeClock, Stamp } from '../clock';
import type { LogLineData, PodSnapshot, StampedObservation } from '../model';
import type { Monitor, MonitorRun } from '../monitor';
import type { LogOptions } from '../options';
import { abortableDelay } from '../abortableDelay';
import { watchBackendPods } from '../kube/backendPods';
import { KubeAccessError, type ApiMeter } from '../kube/kubeHttp';
import { describeError } from '../errors';
import { createLineReader, jobIdPattern, keepReason, type LineShape } from './logLines';
import { lineStamp, loggedBeforeT0, readPodLog, secondAtOrBefore, wholeSeconds, type RawLogLine } from './podLogStream';
import { backendPodSelector } from './podSelector';

export interface BackendLogMonitorOptions {
  kc: KubeConfig;
  namespace: string;
  logs: LogOptions;
  clock: ProbeClock;
  emit: (o: StampedObservation) => void;
  signal: AbortSignal;
  requestTimeoutMs: number;
  /** Counts the pod lookups and the log requests. */
  apiMeter: ApiMeter;
}

/** The backend's logs as a source, when the cluster can be read and a selector picks the backend. */
export const backendLogMonitor: Monitor = {
  name: 'backend logs',
  start({ kube, logs, clock, emit, signal, requestTimeoutMs, apiMeter }) {
    const selectsSomething = !!(logs.backend.podNamePrefix || logs.backend.labelSelector?.trim());
    if (!kube?.found || !logs.backend.enabled || !selectsSomething) return null;
    return startBackendLogMonitor({ kc: kube.kc, namespace: kube.namespace, logs, clock, emit, signal, requestTimeoutMs, apiMeter });
  },
};

interface Pending {
  stamp: Stamp;
  raw: RawLogLine;
  pod: string;
  container: string;
  shape: LineShape;
}

/** How many kept lines a run may emit at most; the report keeps fewer (LogOptions.maxLines). */
const EMIT_FACTOR = 5;
const MAX_PENDING = 2_000;

export function startBackendLogMonitor(opts: BackendLogMonitorOptions): MonitorRun {
  const { signal, logs, clock } = opts;
  const now = () => clock.now();
  const selector = backendPodSelector(logs.backend);
  const streams = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const pods = new Set<string>();
  let jobPattern: RegExp | null = null;
  let jobIdKnown = false;
  const pending: Pending[] = [];
  let emitted = 0;
  let omitted = 0;
  let lastError = '';
  let announced = '';

  function emitLine(p: Pending) {
    const mentionsJob = jobPattern?.test(p.raw.text) ?? false;
    const reason = keepReason(p.shape, mentionsJob);
    if (!reason) return;
    if (emitted >= logs.maxLines * EMIT_FACTOR) {
      omitted += 1;
      return;
    }
    emitted += 1;
    const line: LogLineData = {
      time: p.raw.time,
      pod: p.pod,
      container: p.container,
      instance: null,
      level: p.shape.level,
      reason,
      mentionsJob,
      text: p.raw.text,
    };
    opts.emit({ kind: 'log.line', at: p.stamp, source: 'backend', line });
  }

  /** The pods whose logs are asked for (a quiet one answers nothing: it is followed all the same). */
  function announce() {
    const list = [...pods].sort();
    const key = list.join(',');
    if (key === announced) return;
    announced = key;
    opts.emit({ kind: 'log.access', at: now(), source: 'backend', access: { state: 'following', target: selector.text, pods: list } });
  }

  function failed(e: unknown) {
    const reason = `cannot read the backend's logs: ${e instanceof KubeAccessError ? e.message : describeError(e)}`;
    if (reason === lastError) return;
    lastError = reason;
    opts.emit({ kind: 'log.access', at: now(), source: 'backend', access: { state: 'unavailable', target: selector.text, reason } });
  }

  function follow(pod: string, container: string) {
    const key = `${pod}\0${container}`;
    if (streams.has(key)) return;
    const controller = new AbortController();
    const streamSignal = AbortSignal.any([signal, controller.signal]);
    const read = createLineReader();
    // A reconnect asks from the last line's second (the API's precision): skip what was read already.
    const recent = new RecentLines();
    let lastTime: string | null = null;
    const onLine = (raw: RawLogLine) => {
      if (!recent.isNew(raw)) return;
      lastTime = raw.time ?? lastTime;
      const shape = read(raw.text);
      // Asked from a whole second (or connected before t0): what was logged before t0 is not the run's.
      if (loggedBeforeT0(clock, raw.time)) return;
      const p: Pending = { stamp: lineStamp(clock, raw.time), raw, pod, container, shape };
      if (jobIdKnown) emitLine(p);
      else if (pending.length < MAX_PENDING) pending.push(p);
      else omitted += 1;
    };
    pods.add(pod);
    announce();
    const done = (async () => {
      let backoff = 500;
      while (!streamSignal.aborted) {
        // From the last line read, else from t0 (or from now, before t0): never miss a line of the run.
        const since = lastTime !== null ? wholeSeconds(lastTime) : secondAtOrBefore(clock.t0Wall ?? Date.now());
        try {
          await readPodLog(
            opts.kc,
            opts.namespace,
            pod,
            { container, follow: true, sinceTime: since },
            { onOpen: () => (backoff = 500), onLine },
            { signal: streamSignal, timeoutMs: opts.requestTimeoutMs, meter: opts.apiMeter },
          );
        } catch (e) {
          if (streamSignal.aborted) break;
          failed(e);
        }
        await abortableDelay(backoff, streamSignal).catch(() => undefined);
        backoff = Math.min(backoff * 2, 5_000);
      }
    })();
    streams.set(key, { controller, done });
  }

  function stopFollowing(pod: string) {
    for (const [key, stream] of streams) {
      if (key.startsWith(`${pod}\0`)) stream.controller.abort(new Error('pod deleted'));
    }
  }

  function onPod(pod: PodSnapshot) {
    if (signal.aborted || !selector.matches(pod)) return;
    if (pod.deleted) return stopFollowing(pod.name);
    if (pod.phase !== 'Running') return;
    const containers = pod.containers.filter((c) => !c.name.startsWith('init:')).map((c) => c.name);
    for (const container of containers) {
      if (logs.backend.container && container !== logs.backend.container) continue;
      follow(pod.name, container);
    }
  }

  let listed!: () => void;
  const podsListed = new Promise<void>((resolve) => (listed = resolve));
  const podsWatched = watchBackendPods({
    kc: opts.kc,
    namespace: opts.namespace,
    backend: logs.backend,
    signal,
    meter: opts.apiMeter,
    requestTimeoutMs: opts.requestTimeoutMs,
    onPod,
    onListed: () => listed(),
    onError: failed,
    onNotice: (text) => opts.emit({ kind: 'cluster.notice', at: now(), text }),
  });

  const finished = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

  const done = finished.then(async () => {
    await podsWatched;
    await Promise.all([...streams.values()].map((s) => s.done));
    // The configure answer never came: what was held back can only be kept for its level.
    if (!jobIdKnown) for (const p of pending.splice(0)) emitLine(p);
    if (omitted > 0) {
      opts.emit({ kind: 'log.access', at: now(), source: 'backend', access: { state: 'stopped', target: selector.text, omitted } });
    }
  });

  return {
    // The pods are known before t0 (so their follows start as soon as possible); a follow itself never gates t0.
    ready: Promise.race([podsListed, finished]),
    onT0() {
      // A selector that picks nothing is worth one line: otherwise the report could not tell it from "no errors".
      if (streams.size === 0 && !signal.aborted) {
        const reason = `no running pod in namespace ${opts.namespace} matches ${selector.text}`;
        lastError = reason;
        opts.emit({ kind: 'log.access', at: now(), source: 'backend', access: { state: 'unavailable', target: selector.text, reason } });
      }
    },
    onJobId(jobId) {
      jobPattern = jobIdPattern(jobId);
      jobIdKnown = true;
      for (const p of pending.splice(0)) emitLine(p);
    },
    finalLook: () => Promise.resolve(),
    done,
    trailMs: logs.graceMs,
  };
}

/** The lines of the last few seconds, to drop the ones a reconnect sends again. */
class RecentLines {
  private readonly seen = new Map<string, number>();
  private newest = -Infinity;

  isNew(raw: RawLogLine): boolean {
    const ms = raw.time === null ? Number.NaN : Date.parse(raw.time);
    if (!Number.isFinite(ms)) return true;
    const key = `${raw.time}\0${raw.text}`;
    if (this.seen.has(key) || ms < this.newest - 2_000) return false;
    this.seen.set(key, ms);
    this.newest = Math.max(this.newest, ms);
    if (this.seen.size > 1_000) {
      for (const [k, t] of this.seen) if (t < this.newest - 2_000) this.seen.delete(k);
    }
    return true;
  }
}
