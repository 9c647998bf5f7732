// The backend's logs for a whole burst: its pods are found, watched and followed ONCE, and every job's
// run receives the lines and keeps what concerns it, as the single-run monitor (logs/backendLogMonitor.ts)
// keeps them: lines naming its job id (held until the configure answer names it), errors, warnings,
// tracebacks, from its own t0 on. Without this every job would look the backend's pods up, watch them
// and follow each one's log again: requests that grow with N for the same bytes.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Stamp } from '../clock';
import type { LogLineData, PodSnapshot } from '../model';
import type { Monitor, MonitorDeps, MonitorRun } from '../monitor';
import type { LogOptions } from '../options';
import { abortableDelay } from '../abortableDelay';
import { describeError } from '../errors';
import { watchBackendPods } from '../kube/backendPods';
import { KubeAccessError, newApiMeter, type ApiMeter } from '../kube/kubeHttp';
import { createLineReader, jobIdPattern, keepReason, type LineShape } from '../logs/logLines';
import { readPodLog, secondAtOrBefore, wallMsOf, wholeSeconds, type RawLogLine } from '../logs/podLogStream';
import { backendPodSelector } from '../logs/podSelector';

interface SharedLine {
  raw: RawLogLine;
  /** Epoch ms of the kubelet's timestamp, parsed once for every job (NaN without one). */
  wall: number;
  pod: string;
  container: string;
  shape: LineShape;
}

interface Listener {
  line(l: SharedLine): void;
  following(pods: string[]): void;
  unavailable(reason: string): void;
  notice(text: string): void;
}

/** How many kept lines a run may emit at most; the report keeps fewer (LogOptions.maxLines). */
const EMIT_FACTOR = 5;
const MAX_PENDING = 2_000;

/** The burst-wide reader: started by the first run, stopped by `close()`. */
class BackendLogHub {
  readonly meter: ApiMeter = newApiMeter();
  private readonly listeners = new Set<Listener>();
  private readonly stopper = new AbortController();
  private readonly streams = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly pods = new Set<string>();
  private readonly listed: Promise<void>;
  private markListed!: () => void;
  private watched: Promise<void> = Promise.resolve();
  private lastError: string | null = null;
  readonly selectorText: string;
  private readonly fromWall = Date.now();

  constructor(
    private readonly kc: KubeConfig,
    private readonly namespace: string,
    private readonly logs: LogOptions,
    private readonly requestTimeoutMs: number,
  ) {
    this.listed = new Promise((resolve) => (this.markListed = resolve));
    this.selectorText = backendPodSelector(logs.backend).text;
  }

  start(): void {
    const selector = backendPodSelector(this.logs.backend);
    this.watched = watchBackendPods({
      kc: this.kc,
      namespace: this.namespace,
      backend: this.logs.backend,
      signal: this.stopper.signal,
      meter: this.meter,
      requestTimeoutMs: this.requestTimeoutMs,
      onPod: (pod) => {
        if (this.stopper.signal.aborted || !selector.matches(pod)) return;
        this.onPod(pod);
      },
      onListed: () => this.markListed(),
      onError: (e) => this.failed(e),
      onNotice: (text) => this.listeners.forEach((l) => l.notice(text)),
    });
  }

  /** Settles once the backend's pods are known (or finding them failed). */
  whenListed(): Promise<void> {
    return this.listed;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.pods.size > 0) listener.following([...this.pods].sort());
    if (this.lastError) listener.unavailable(this.lastError);
    return () => this.listeners.delete(listener);
  }

  get followedPods(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    this.stopper.abort(new Error('burst finished'));
    await this.watched;
    await Promise.all([...this.streams.values()].map((s) => s.done));
  }

  private failed(e: unknown): void {
    const reason = `cannot read the backend's logs: ${e instanceof KubeAccessError ? e.message : describeError(e)}`;
    if (reason === this.lastError) return;
    this.lastError = reason;
    for (const l of this.listeners) l.unavailable(reason);
  }

  private onPod(pod: PodSnapshot): void {
    if (pod.deleted) {
      for (const [key, stream] of this.streams) if (key.startsWith(`${pod.name}\0`)) stream.controller.abort(new Error('pod deleted'));
      return;
    }
    if (pod.phase !== 'Running') return;
    for (const c of pod.containers) {
      if (c.name.startsWith('init:') || (this.logs.backend.container && c.name !== this.logs.backend.container)) continue;
      this.follow(pod.name, c.name);
    }
  }

  private follow(pod: string, container: string): void {
    const key = `${pod}\0${container}`;
    if (this.streams.has(key)) return;
    const controller = new AbortController();
    const signal = AbortSignal.any([this.stopper.signal, controller.signal]);
    const read = createLineReader();
    let lastTime: string | null = null;
    // A reconnect asks again from the last line's second: the lines of the last seconds, to skip repeats.
    const recent = new Map<string, number>();
    const onLine = (raw: RawLogLine) => {
      const ms = raw.time === null ? Number.NaN : Date.parse(raw.time);
      if (Number.isFinite(ms)) {
        const lineKey = `${raw.time}\0${raw.text}`;
        if (recent.has(lineKey)) return;
        recent.set(lineKey, ms);
        if (recent.size > 1_000) for (const [k, t] of recent) if (t < ms - 2_000) recent.delete(k);
      }
      lastTime = raw.time ?? lastTime;
      const shared: SharedLine = { raw, wall: raw.time === null ? Number.NaN : wallMsOf(raw.time), pod, container, shape: read(raw.text) };
      for (const l of this.listeners) l.line(shared);
    };
    this.pods.add(pod);
    for (const l of this.listeners) l.following([...this.pods].sort());
    const done = (async () => {
      let backoff = 500;
      while (!signal.aborted) {
        const since = lastTime !== null ? wholeSeconds(lastTime) : secondAtOrBefore(this.fromWall);
        try {
          await readPodLog(
            this.kc,
            this.namespace,
            pod,
            { container, follow: true, sinceTime: since },
            { onOpen: () => (backoff = 500), onLine },
            { signal, timeoutMs: this.requestTimeoutMs, meter: this.meter },
          );
        } catch (e) {
          if (signal.aborted) break;
          this.failed(e);
        }
        await abortableDelay(backoff, signal).catch(() => undefined);
        backoff = Math.min(backoff * 2, 5_000);
      }
    })();
    this.streams.set(key, { controller, done });
  }
}

/** One job's view of the shared reader: the single-run monitor's filtering, on the shared lines. */
function subscribeRun(hub: BackendLogHub, deps: MonitorDeps): MonitorRun {
  const { clock, logs, signal } = deps;
  const target = hub.selectorText;
  const costAtStart = { ...hub.meter };
  let costAtEnd: ApiMeter | null = null;
  let jobPattern: RegExp | null = null;
  const pending: { stamp: Stamp; line: SharedLine }[] = [];
  let emitted = 0;
  let omitted = 0;
  let announced = '';
  let lastError = '';
  let following = 0;

  const emitLine = (stamp: Stamp, l: SharedLine, reason = keepReason(l.shape, jobPattern?.test(l.raw.text) ?? false)) => {
    if (!reason) return;
    const mentionsJob = reason === 'job-id' || (jobPattern?.test(l.raw.text) ?? false);
    if (emitted >= logs.maxLines * EMIT_FACTOR) {
      omitted += 1;
      return;
    }
    emitted += 1;
    const line: LogLineData = {
      time: l.raw.time,
      pod: l.pod,
      container: l.container,
      instance: null,
      level: l.shape.level,
      reason,
      mentionsJob,
      text: l.raw.text,
    };
    deps.emit({ kind: 'log.line', at: stamp, source: 'backend', line });
  };

  const unsubscribe = hub.subscribe({
    line(l) {
      // Every job hears every line: the cheap tests first, as logs/podLogStream.ts's lineStamp and loggedBeforeT0 decide.
      if (signal.aborted || clock.t0Wall === null || l.wall < clock.t0Wall) return;
      const reason = jobPattern ? keepReason(l.shape, jobPattern.test(l.raw.text)) : null;
      if (jobPattern && !reason) return;
      const arrival = clock.now();
      const written = Number.isFinite(l.wall) ? clock.stampOfWall(l.wall) : arrival;
      const stamp = written < arrival ? written : arrival;
      if (jobPattern) emitLine(stamp, l, reason);
      else if (pending.length < MAX_PENDING) pending.push({ stamp, line: l });
      else omitted += 1;
    },
    following(pods) {
      following = pods.length;
      const key = pods.join(',');
      if (key === announced) return;
      announced = key;
      deps.emit({ kind: 'log.access', at: deps.now(), source: 'backend', access: { state: 'following', target, pods } });
    },
    unavailable(reason) {
      if (reason === lastError) return;
      lastError = reason;
      deps.emit({ kind: 'log.access', at: deps.now(), source: 'backend', access: { state: 'unavailable', target, reason } });
    },
    notice: (text) => deps.emit({ kind: 'cluster.notice', at: deps.now(), text }),
  });

  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const done = aborted.then(() => {
    unsubscribe();
    costAtEnd = { ...hub.meter };
    // The configure answer never came: what was held back can only be kept for its level.
    if (!jobPattern) for (const p of pending.splice(0)) emitLine(p.stamp, p.line);
    if (omitted > 0) deps.emit({ kind: 'log.access', at: deps.now(), source: 'backend', access: { state: 'stopped', target, omitted } });
  });

  return {
    ready: Promise.race([hub.whenListed(), aborted]),
    onT0() {
      if (following === 0 && !signal.aborted && !lastError) {
        const reason = `no running pod in namespace ${deps.namespace} matches ${target}`;
        lastError = reason;
        deps.emit({ kind: 'log.access', at: deps.now(), source: 'backend', access: { state: 'unavailable', target, reason } });
      }
    },
    onJobId(jobId) {
      jobPattern = jobIdPattern(jobId);
      for (const p of pending.splice(0)) emitLine(p.stamp, p.line);
    },
    finalLook: () => Promise.resolve(),
    done,
    trailMs: logs.graceMs,
    sharedApiCost: () => {
      const end = costAtEnd ?? hub.meter;
      return {
        requests: end.requests - costAtStart.requests,
        bytes: end.bytes - costAtStart.bytes,
        firstAt: costAtStart.requests === 0 ? end.firstAt : null,
      };
    },
  };
}

/** A monitor that serves every run of a burst from one reader of the backend's logs; `close()` stops the reader. */
export function createSharedBackendLogs(): { monitor: Monitor; close(): Promise<void> } {
  let hub: BackendLogHub | null = null;
  const monitor: Monitor = {
    name: 'backend logs (shared by the burst)',
    start(deps) {
      const { kube, logs } = deps;
      const selectsSomething = !!(logs.backend.podNamePrefix || logs.backend.labelSelector?.trim());
      if (!kube?.found || !logs.backend.enabled || !selectsSomething) return null;
      if (!hub) {
        hub = new BackendLogHub(kube.kc, kube.namespace, logs, deps.requestTimeoutMs);
        hub.start();
      }
      return subscribeRun(hub, deps);
    },
  };
  return { monitor, close: () => hub?.close() ?? Promise.resolve() };
}
