// Follows the job's primary pod's containers from the moment each instance starts, and keeps its startup
// lines, errors, tracebacks and lines naming the job. When an instance ends its last lines are kept; after
// a restart the previous instance is read again with `previous=true` (what `kubectl logs --previous`
// shows), which also covers lines the live stream missed. The job's pods come from the run's stream
// (`pod.changed`, which carries only the job's pods once its id is known).
import type { KubeConfig } from '@kubernetes/client-node';
import type { ProbeClock, Stamp } from '../clock';
import type { ContainerStateSummary, LogLineData, LogTail, PodSnapshot, StampedObservation } from '../model';
import type { Monitor, MonitorRun, ObservationStream } from '../monitor';
import type { LogOptions, MatchRules } from '../options';
import { abortableDelay } from '../abortableDelay';
import { describeError } from '../errors';
import { KubeAccessError, type ApiMeter } from '../kube/kubeHttp';
import { matchPod } from '../matching';
import { createLineReader, jobIdPattern, keepReason } from './logLines';
import { lineStamp, readPodLog, wholeSeconds, type RawLogLine } from './podLogStream';

export interface PodLogMonitorOptions {
  kc: KubeConfig;
  namespace: string;
  logs: LogOptions;
  match: MatchRules;
  clock: ProbeClock;
  emit: (o: StampedObservation) => void;
  signal: AbortSignal;
  /** Where the job's pods are announced (`pod.changed`). */
  observations: ObservationStream;
  requestTimeoutMs: number;
  /** Counts the log requests. */
  apiMeter?: ApiMeter;
}

/**
 * The job pod's logs as a source, when the cluster can be read. Its final look reads the last lines of
 * a container that has stopped and were not kept yet.
 */
export const podLogMonitor: Monitor = {
  name: 'job pod logs',
  start({ kube, logs, options, clock, emit, signal, observations, requestTimeoutMs, apiMeter }) {
    if (!kube?.found || !logs.pod.enabled) return null;
    return startPodLogMonitor({
      kc: kube.kc,
      namespace: kube.namespace,
      logs,
      match: options.match,
      clock,
      emit,
      signal,
      observations,
      requestTimeoutMs,
      apiMeter,
    });
  },
};

type TailLine = LogLineData & { at: Stamp };

interface Instance {
  number: number;
  read: (text: string) => ReturnType<ReturnType<typeof createLineReader>>;
  /** Lines of this instance so far (for startup lines). */
  count: number;
  /** The last `tailLines` lines. */
  ring: TailLine[];
  streamEnded: boolean;
}

interface Track {
  container: string;
  latest: ContainerStateSummary;
  current: Instance | null;
  followed: Set<number>;
  /** `instance:via` of tails already emitted. */
  tails: Set<string>;
  previousRead: Set<number>;
}

const EMIT_FACTOR = 5;

export function startPodLogMonitor(opts: PodLogMonitorOptions): MonitorRun {
  const { signal, logs, clock } = opts;
  const now = () => clock.now();
  let jobId: string | null = null;
  let jobPattern: RegExp | null = null;
  let primary: { uid: string; name: string } | null = null;
  const tracks = new Map<string, Track>();
  const work = new Set<Promise<void>>();
  const podStopped = new AbortController();
  const ioSignal = AbortSignal.any([signal, podStopped.signal]);
  let emitted = 0;
  let omitted = 0;
  let announced = false;
  let lastError = '';

  const target = () => `pod/${primary?.name ?? '?'}`;
  const track = (p: Promise<void>) => {
    work.add(p);
    void p.finally(() => work.delete(p));
  };

  function failed(what: string, e: unknown) {
    const reason = `cannot read ${what}: ${e instanceof KubeAccessError ? e.message : describeError(e)}`;
    if (reason === lastError) return;
    lastError = reason;
    opts.emit({ kind: 'log.access', at: now(), source: 'pod', access: { state: 'unavailable', target: target(), reason } });
  }

  function lineOf(
    raw: RawLogLine,
    container: string,
    instance: number,
    shape: { level: LogLineData['level'] },
    reason: LogLineData['reason'],
  ): TailLine {
    return {
      at: lineStamp(clock, raw.time),
      time: raw.time,
      pod: primary!.name,
      container,
      instance,
      level: shape.level,
      reason,
      mentionsJob: jobPattern?.test(raw.text) ?? false,
      text: raw.text,
    };
  }

  function emitTail(t: Track, instance: number, via: LogTail['via'], lines: TailLine[]) {
    const key = `${instance}:${via}`;
    if (t.tails.has(key) || lines.length === 0) return;
    t.tails.add(key);
    const at = now();
    opts.emit({
      kind: 'log.tail',
      at,
      source: 'pod',
      tail: {
        pod: primary!.name,
        container: t.container,
        instance,
        via,
        lines: lines.map(({ at: lineAt, ...l }) => ({ ...l, beforeMs: at - lineAt, reason: 'last-lines' })),
      },
    });
  }

  /** Whether the instance the stream followed has ended, by the pod's latest status. */
  const instanceEnded = (t: Track, n: number) => t.latest.state !== 'running' || t.latest.restartCount > n;

  function maybeTailFromFollow(t: Track, inst: Instance, force = false) {
    if (!(inst.streamEnded || force) || !instanceEnded(t, inst.number)) return;
    if (t.tails.has(`${inst.number}:previous`)) return;
    emitTail(t, inst.number, 'follow', inst.ring);
  }

  function follow(t: Track, number: number) {
    t.followed.add(number);
    const inst: Instance = { number, read: createLineReader(), count: 0, ring: [], streamEnded: false };
    t.current = inst;
    let lastTime: string | null = null;
    const seen = new Set<string>();
    const onLine = (raw: RawLogLine) => {
      const key = `${raw.time}\0${raw.text}`;
      if (raw.time !== null && seen.has(key)) return;
      if (raw.time !== null) seen.add(key);
      lastTime = raw.time ?? lastTime;
      inst.count += 1;
      const shape = inst.read(raw.text);
      const mentionsJob = jobPattern?.test(raw.text) ?? false;
      const reason = keepReason(shape, mentionsJob) ?? (inst.count <= logs.startupLines ? 'startup' : null);
      const line = lineOf(raw, t.container, number, shape, reason ?? 'last-lines');
      inst.ring.push(line);
      if (inst.ring.length > logs.tailLines) inst.ring.shift();
      if (!reason) return;
      if (emitted >= logs.maxLines * EMIT_FACTOR) {
        omitted += 1;
        return;
      }
      emitted += 1;
      const { at, ...data } = line;
      opts.emit({ kind: 'log.line', at, source: 'pod', line: { ...data, reason } });
    };
    track(
      (async () => {
        let backoff = 250;
        while (!ioSignal.aborted) {
          try {
            await readPodLog(
              opts.kc,
              opts.namespace,
              primary!.name,
              { container: t.container, follow: true, ...(lastTime ? { sinceTime: wholeSeconds(lastTime) } : {}) },
              {
                onOpen: () => {
                  if (!announced) {
                    announced = true;
                    opts.emit({
                      kind: 'log.access',
                      at: now(),
                      source: 'pod',
                      access: { state: 'following', target: target(), pods: [primary!.name] },
                    });
                  }
                },
                onLine,
              },
              { signal: ioSignal, timeoutMs: opts.requestTimeoutMs, meter: opts.apiMeter },
            );
          } catch (e) {
            if (ioSignal.aborted) break;
            failed(`the logs of ${primary!.name}/${t.container}`, e);
          }
          inst.streamEnded = true;
          maybeTailFromFollow(t, inst);
          // The stream ends when the container stops; if it still runs (a server timeout), resume.
          if (instanceEnded(t, number) || t.current !== inst) break;
          await abortableDelay(backoff, ioSignal).catch(() => undefined);
          backoff = Math.min(backoff * 2, 2_000);
          if (instanceEnded(t, number) || t.current !== inst) break;
          inst.streamEnded = false;
        }
      })(),
    );
  }

  /** The log of instance `number`, read after it ended: with previous=true, or the current log while it is stopped. */
  function readEnded(t: Track, number: number, via: 'previous' | 'log'): Promise<void> {
    const reading = (async () => {
      const lines: TailLine[] = [];
      const read = createLineReader();
      try {
        await readPodLog(
          opts.kc,
          opts.namespace,
          primary!.name,
          { container: t.container, previous: via === 'previous', tailLines: logs.tailLines },
          { onLine: (raw) => lines.push(lineOf(raw, t.container, number, read(raw.text), 'last-lines')) },
          { signal: ioSignal, timeoutMs: opts.requestTimeoutMs, meter: opts.apiMeter },
        );
      } catch (e) {
        if (!ioSignal.aborted) failed(`the ${via === 'previous' ? 'previous ' : ''}log of ${primary!.name}/${t.container}`, e);
        return;
      }
      emitTail(t, number, via, lines);
    })();
    track(reading);
    return reading;
  }

  function onContainer(c: ContainerStateSummary) {
    if (c.name.startsWith('init:')) return;
    if (logs.pod.container && c.name !== logs.pod.container) return;
    let t = tracks.get(c.name);
    if (!t) {
      t = { container: c.name, latest: c, current: null, followed: new Set(), tails: new Set(), previousRead: new Set() };
      tracks.set(c.name, t);
    }
    t.latest = c;
    if (c.state === 'running') {
      const n = c.restartCount;
      if (!t.followed.has(n)) follow(t, n);
      // A restarted container: the instance before it ended; read its log as the kubelet kept it.
      if (n > 0 && !t.previousRead.has(n - 1)) {
        t.previousRead.add(n - 1);
        void readEnded(t, n - 1, 'previous'); // tracked by the monitor's done; never rejects
      }
    }
    if (t.current) maybeTailFromFollow(t, t.current);
  }

  /** The job's pods seen before its id reached this monitor (the cluster monitor may announce them first). */
  const early: PodSnapshot[] = [];

  function onPod(pod: PodSnapshot) {
    if (signal.aborted) return;
    if (jobId === null) {
      early.push(pod);
      return;
    }
    if (primary === null) {
      if (pod.deleted || matchPod(pod, jobId, opts.match)?.role !== 'primary') return;
      primary = { uid: pod.uid, name: pod.name };
    }
    if (pod.uid !== primary.uid) return;
    if (pod.deleted) {
      podStopped.abort(new Error('pod deleted'));
      return;
    }
    for (const c of pod.containers) onContainer(c);
  }

  const unsubscribe = opts.observations.on('pod.changed', (o) => onPod(o.pod));

  return {
    ready: Promise.resolve(),
    onT0: () => undefined,
    onJobId(id) {
      jobId = id;
      jobPattern = jobIdPattern(id);
      for (const pod of early.splice(0)) onPod(pod);
    },
    async finalLook() {
      if (signal.aborted || primary === null) return;
      const reads: Promise<void>[] = [];
      for (const t of tracks.values()) {
        const stopped = t.latest.state !== 'running' && (t.latest.state === 'terminated' || t.latest.lastTerminated !== null);
        if (!stopped) continue;
        if (t.current && !t.tails.has(`${t.current.number}:previous`)) {
          // The status says it stopped; the stream may not have said so yet.
          maybeTailFromFollow(t, t.current, true);
        } else if (!t.current) {
          // Never seen running (it crashed between two status updates): its log, read now, is the crashed one's.
          const n = t.latest.state === 'terminated' ? t.latest.restartCount : Math.max(0, t.latest.restartCount - 1);
          reads.push(readEnded(t, n, 'log'));
        }
      }
      await Promise.all(reads);
    },
    done: new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    }).then(async () => {
      unsubscribe();
      while (work.size > 0) await Promise.all([...work]);
      if (omitted > 0) {
        opts.emit({ kind: 'log.access', at: now(), source: 'pod', access: { state: 'stopped', target: target(), omitted } });
      }
    }),
    trailMs: logs.graceMs,
  };
}
