// Follows the backend's pods' logs from t0 and keeps what matters to the job: lines naming the job id,
// lines at ERROR/WARN level, tracebacks. The job id arrives with the configure answer, but the backend
// logs about the job before it answers, so lines are held until the id is known and sorted then.
import type { KubeConfig } from '@kubernetes/client-node';
import type { LogLineData, Observation, PodSnapshot } from '../model';
import type { LogOptions } from '../options';
import { abortableDelay } from '../abortableDelay';
import { KubeAccessError } from '../kube/kubeHttp';
import { describeError } from '../errors';
import { createLineReader, jobIdPattern, keepReason, type LineShape } from './logLines';
import { createTimeStamper, readPodLog, wholeSeconds, type RawLogLine } from './podLogStream';
import { backendPodSelector } from './podSelector';

export interface BackendLogMonitorOptions {
  kc: KubeConfig;
  namespace: string;
  logs: LogOptions;
  now: () => number;
  emit: (o: Observation) => void;
  signal: AbortSignal;
  requestTimeoutMs: number;
}

export interface BackendLogMonitor {
  /** Every pod the cluster monitor sees (backend pods are picked out here). */
  onPod(pod: PodSnapshot): void;
  setJobId(jobId: string): void;
  /** Settles once every backend pod known so far is being followed (or failed), so nothing after t0 is missed. */
  following(): Promise<void>;
  /** The probe's t0 happened: pods found from now on are read from their t0 on. */
  markT0(): void;
  readonly done: Promise<void>;
}

interface Pending {
  stamp: number;
  raw: RawLogLine;
  pod: string;
  container: string;
  shape: LineShape;
}

/** How many kept lines a run may emit at most; the report keeps fewer (LogOptions.maxLines). */
const EMIT_FACTOR = 5;
const MAX_PENDING = 2_000;

export function startBackendLogMonitor(opts: BackendLogMonitorOptions): BackendLogMonitor {
  const { signal, logs } = opts;
  const selector = backendPodSelector(logs.backend);
  const stampOf = createTimeStamper(opts.now);
  const streams = new Map<string, { controller: AbortController; opened: Promise<void>; done: Promise<void> }>();
  const pods = new Set<string>();
  let jobPattern: RegExp | null = null;
  let jobIdKnown = false;
  const pending: Pending[] = [];
  let emitted = 0;
  let omitted = 0;
  let t0Wall: string | null = null;
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
    opts.emit({ kind: 'log.line', atMs: p.stamp, source: 'backend', line });
  }

  function announce() {
    const list = [...pods].sort();
    const key = list.join(',');
    if (key === announced) return;
    announced = key;
    opts.emit({ kind: 'log.access', atMs: opts.now(), source: 'backend', access: { state: 'following', target: selector.text, pods: list } });
  }

  function failed(e: unknown) {
    const reason = `cannot read the backend's logs: ${e instanceof KubeAccessError ? e.message : describeError(e)}`;
    if (reason === lastError) return;
    lastError = reason;
    opts.emit({ kind: 'log.access', atMs: opts.now(), source: 'backend', access: { state: 'unavailable', target: selector.text, reason } });
  }

  function follow(pod: string, container: string) {
    const key = `${pod}\0${container}`;
    if (streams.has(key)) return;
    const controller = new AbortController();
    const streamSignal = AbortSignal.any([signal, controller.signal]);
    let markOpened!: () => void;
    const opened = new Promise<void>((resolve) => (markOpened = resolve));
    const read = createLineReader();
    // A reconnect asks from the last line's second (the API's precision): skip what was read already.
    const recent = new RecentLines();
    let lastTime: string | null = null;
    const onLine = (raw: RawLogLine) => {
      if (!recent.isNew(raw)) return;
      lastTime = raw.time ?? lastTime;
      const p: Pending = { stamp: stampOf(raw.time), raw, pod, container, shape: read(raw.text) };
      if (jobIdKnown) emitLine(p);
      else if (pending.length < MAX_PENDING) pending.push(p);
      else omitted += 1;
    };
    const done = (async () => {
      let first = true;
      let backoff = 500;
      while (!streamSignal.aborted) {
        // Pods known before t0: only what they log from now on. Later pods or reconnects: from t0 / the last line.
        const since = lastTime ?? (first && t0Wall === null ? null : t0Wall);
        try {
          await readPodLog(
            opts.kc,
            opts.namespace,
            pod,
            { container, follow: true, ...(since === null ? { tailLines: 0 } : { sinceTime: wholeSeconds(since) }) },
            {
              onOpen: () => {
                backoff = 500;
                pods.add(pod);
                markOpened();
                announce();
              },
              onLine,
            },
            { signal: streamSignal, timeoutMs: opts.requestTimeoutMs },
          );
        } catch (e) {
          if (streamSignal.aborted) break;
          failed(e);
        }
        first = false;
        markOpened();
        await abortableDelay(backoff, streamSignal).catch(() => undefined);
        backoff = Math.min(backoff * 2, 5_000);
      }
      markOpened();
    })();
    streams.set(key, { controller, opened, done });
  }

  function stopFollowing(pod: string) {
    for (const [key, stream] of streams) {
      if (key.startsWith(`${pod}\0`)) stream.controller.abort(new Error('pod deleted'));
    }
  }

  const finished = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

  const done = finished.then(async () => {
    await Promise.all([...streams.values()].map((s) => s.done));
    // The configure answer never came: what was held back can only be kept for its level.
    if (!jobIdKnown) for (const p of pending.splice(0)) emitLine(p);
    if (omitted > 0) {
      opts.emit({ kind: 'log.access', atMs: opts.now(), source: 'backend', access: { state: 'stopped', target: selector.text, omitted } });
    }
  });

  return {
    onPod(pod) {
      if (signal.aborted || !selector.matches(pod)) return;
      if (pod.deleted) return stopFollowing(pod.name);
      if (pod.phase !== 'Running') return;
      const containers = pod.containers.filter((c) => !c.name.startsWith('init:')).map((c) => c.name);
      for (const container of containers) {
        if (logs.backend.container && container !== logs.backend.container) continue;
        follow(pod.name, container);
      }
    },
    setJobId(jobId) {
      jobPattern = jobIdPattern(jobId);
      jobIdKnown = true;
      for (const p of pending.splice(0)) emitLine(p);
    },
    following: () => Promise.all([...streams.values()].map((s) => s.opened)).then(() => undefined),
    markT0() {
      t0Wall = new Date().toISOString();
      // A selector that picks nothing is worth one line: otherwise the report could not tell it from "no errors".
      if (streams.size === 0 && !signal.aborted) {
        const reason = `no running pod in namespace ${opts.namespace} matches ${selector.text}`;
        lastError = reason;
        opts.emit({ kind: 'log.access', atMs: opts.now(), source: 'backend', access: { state: 'unavailable', target: selector.text, reason } });
      }
    },
    done,
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
