// Polls `GET /metadata/{id}` until it answers ready or the run's timeout. Two parts:
//
// - a pure schedule (`nextAttemptAtMs`): given how near the job is (from the other sources) and the
//   requests already spent, when the next attempt may begin;
// - the poller, which learns how near the job is from the run's observation stream only (the job's pod
//   Ready, its queue and consumers, the backend's log lines about it), and sends the attempts.
//
// Adaptive polling spends the same budget as even polling, where it matters: few requests while nothing
// downstream of the backend is ready (the consumer cannot be), more once the pod is Ready, and the
// savings spread over the moments after a consumer attaches, when metadata is about to answer. A token
// bucket over the run keeps it exact: the k-th attempt (k = 0, 1, …) never begins before k budget
// intervals after t0, so over any prefix of the run there are never more attempts than even polling at
// the budget would have made (1 + t / interval). `fixed` polling is the old even interval.
import type { ProbeClock, Stamp } from '../clock';
import { matchPod } from '../matching';
import type { ProbeEndReason, StampedObservation } from '../model';
import type { ObservationStream } from '../monitor';
import type { AdaptivePolling, MatchRules, MetadataPolling } from '../options';
import { isReadyStatus } from './responseText';

/**
 * How near the job's consumer is, as the other sources tell it (each level implies the ones before):
 * - `blind`: nothing can tell (the cluster is not watched): poll evenly at the budget;
 * - `far`: the cluster is watched and the job's pod is not Ready: the consumer cannot be ready yet;
 * - `warm`: the job's pod is Ready, or its queue exists;
 * - `near`: a consumer is attached to the job's queue, or the backend logged about the job after its pod
 *   became Ready (it is setting up the consumer). When neither the broker nor the backend's logs are
 *   watched, nothing could ever say so: then `warm` is as near as it gets, and counts as `near`.
 */
export type Nearness = 'blind' | 'far' | 'warm' | 'near';

const RANK: Record<Nearness, number> = { blind: 0, far: 1, warm: 2, near: 3 };

/** The adaptive pace, in budget intervals (1 = the budget's even interval, 100 ms at 10/s). */
export const ADAPTIVE_PACE = {
  /** Between attempts while `far`. */
  far: 20,
  /** Between attempts while `warm`: below the budget, so something is saved for `near`. */
  warm: 2,
  /** Once `near`, the savings are spread evenly over this long (then the budget's own pace remains). */
  nearHorizon: 7,
  /** Never faster than this. */
  fastest: 0.2,
  /** At most this many intervals' worth of requests are saved up (the largest burst above the budget). */
  savings: 30,
} as const;

/** What the schedule knows, in ms since t0 (when `POST /configure` was sent). */
export interface PollHistory {
  /** When each attempt so far began, ascending. */
  attempts: readonly number[];
  /** Each change of nearness, ascending; before the first one (or with none) the job is `blind`. */
  nearness: readonly { atMs: number; level: Nearness }[];
}

/** The budget interval in ms: adaptive polling's `maxPerSecond` as an even interval. */
export function budgetIntervalMs(polling: AdaptivePolling): number {
  return 1000 / polling.maxPerSecond;
}

/**
 * The run's token bucket: one token at t0, one more per budget interval up to the savings cap; each
 * attempt takes one. So the k-th attempt (k = 0, 1, …) never begins before k intervals after t0: never
 * ahead of even polling at the budget, whatever it saved. Returns the tokens right after the last of
 * `attempts` and when that was.
 */
function bucketAfter(attempts: readonly number[], intervalMs: number): { tokens: number; atMs: number } {
  let tokens = 1;
  let at = 0;
  for (const a of attempts) {
    tokens = Math.min(ADAPTIVE_PACE.savings, tokens + (a - at) / intervalMs) - 1;
    at = a;
  }
  return { tokens, atMs: at };
}

function tokensAt(attempts: readonly number[], intervalMs: number, atMs: number): number {
  const { tokens, atMs: last } = bucketAfter(
    attempts.filter((a) => a <= atMs),
    intervalMs,
  );
  return Math.min(ADAPTIVE_PACE.savings, tokens + (atMs - last) / intervalMs);
}

/**
 * When the next attempt may begin, in ms since t0 (0, i.e. at once, when none has). Fixed: the previous
 * attempt plus the interval. Adaptive: the previous attempt plus the pace of the current nearness; news
 * since the previous attempt restarts the pace from the news, except that `near` is worth a look at
 * once; and never before the bucket allows. The caller begins it then, or at once when that is past
 * (and asks again when the nearness changes). Pure.
 */
export function nextAttemptAtMs(polling: MetadataPolling, history: PollHistory): number {
  const { attempts } = history;
  if (attempts.length === 0) return 0;
  const last = attempts[attempts.length - 1]!;
  if (polling.mode === 'fixed') return last + polling.intervalMs;

  const b = budgetIntervalMs(polling);
  const { tokens } = bucketAfter(attempts, b);
  const budgetAllows = tokens >= 1 ? last : last + (1 - tokens) * b;
  const current = history.nearness[history.nearness.length - 1] ?? { atMs: 0, level: 'blind' };
  const pace = paceMs(current.level, current.atMs, attempts, b);
  let wanted = last + pace;
  if (current.atMs > last) {
    wanted = current.level === 'near' ? Math.max(current.atMs, last + ADAPTIVE_PACE.fastest * b) : current.atMs + pace;
  }
  return Math.max(wanted, budgetAllows);
}

function paceMs(level: Nearness, sinceMs: number, attempts: readonly number[], b: number): number {
  switch (level) {
    case 'blind':
      return b;
    case 'far':
      return ADAPTIVE_PACE.far * b;
    case 'warm':
      return ADAPTIVE_PACE.warm * b;
    case 'near': {
      // What was saved when the job became near, spread with the budget's own over the horizon.
      const saved = Math.max(0, tokensAt(attempts, b, sinceMs) - 1);
      const horizon = ADAPTIVE_PACE.nearHorizon * b;
      const pace = horizon / (saved + horizon / b);
      return Math.min(b, Math.max(ADAPTIVE_PACE.fastest * b, pace));
    }
  }
}

/** An HTTP access-log line (`"GET /metadata/19-5 HTTP/1.1" 404`): the probe's own polls echoed, not news about the job. */
const ACCESS_LOG = /"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+ HTTP\/[\d.]+"/;

/** What the other sources said so far that tells how near the job is. */
export interface NearnessSignals {
  clusterWatched: boolean;
  /** The broker (either way of watching it) is watched: it can tell when a consumer attaches. */
  brokerWatched: boolean;
  /** The backend's logs are followed: they can tell when the backend works on the job's consumer. */
  backendLogsFollowed: boolean;
  /** When the job's primary pod was first seen Ready. */
  podReadyAt: Stamp | null;
  queueSeen: boolean;
  consumerAttached: boolean;
  /** The backend logged a line naming the job (not an access-log line) at or after the pod became Ready. */
  backendSpokeAfterReady: boolean;
}

export function nearnessOf(s: NearnessSignals): Nearness {
  if (s.consumerAttached || s.backendSpokeAfterReady) return 'near';
  if (s.podReadyAt !== null || s.queueSeen) return s.brokerWatched || s.backendLogsFollowed ? 'warm' : 'near';
  return s.clusterWatched ? 'far' : 'blind';
}

type Relevant = Extract<
  StampedObservation,
  { kind: 'cluster.access' | 'broker.access' | 'log.access' | 'pod.changed' | 'queue.changed' | 'log.line' }
>;
const RELEVANT_KINDS = ['cluster.access', 'broker.access', 'log.access', 'pod.changed', 'queue.changed', 'log.line'] as const;

/** The signals after one more observation (pods are the job's only once its id is known). Pure. */
export function withObservation(s: NearnessSignals, o: Relevant, jobId: string, match: MatchRules): NearnessSignals {
  switch (o.kind) {
    case 'cluster.access':
      return { ...s, clusterWatched: o.access.state === 'watching' };
    case 'broker.access':
      return { ...s, brokerWatched: o.access.state === 'watching' };
    case 'log.access':
      return o.source === 'backend' ? { ...s, backendLogsFollowed: o.access.state === 'following' } : s;
    case 'pod.changed': {
      if (s.podReadyAt !== null || !o.pod.ready || o.pod.deleted) return s;
      return matchPod(o.pod, jobId, match)?.role === 'primary' ? { ...s, podReadyAt: o.at } : s;
    }
    case 'queue.changed':
      return { ...s, queueSeen: true, consumerAttached: s.consumerAttached || (o.queue.consumers ?? 0) > 0 };
    case 'log.line': {
      const { line } = o;
      const spoke = o.source === 'backend' && line.mentionsJob && !ACCESS_LOG.test(line.text);
      return spoke && s.podReadyAt !== null && o.at >= s.podReadyAt ? { ...s, backendSpokeAfterReady: true } : s;
    }
  }
}

export const NO_SIGNALS: NearnessSignals = {
  clusterWatched: false,
  brokerWatched: false,
  backendLogsFollowed: false,
  podReadyAt: null,
  queueSeen: false,
  consumerAttached: false,
  backendSpokeAfterReady: false,
};

export interface MetadataPollerOptions {
  backend: { metadata(jobId: string, signal: AbortSignal): Promise<{ status: number | null; error: string | null }> };
  polling: MetadataPolling;
  match: MatchRules;
  /** The run's timeout, in ms since t0. */
  timeoutMs: number;
  clock: ProbeClock;
  emit: (o: StampedObservation) => void;
  observations: ObservationStream;
}

export interface MetadataPoller {
  /** Polls until ready (`consumer_ready`) or the timeout (`timeout`); rejects only when the signal aborts. */
  poll(jobId: string, signal: AbortSignal): Promise<ProbeEndReason>;
  /** Stops listening to the stream. */
  dispose(): void;
  /** Each change of nearness the poller acted on, in ms since t0 (before t0: negative). */
  readonly nearness: readonly { atMs: number; level: Nearness }[];
}

/**
 * Starts listening at once (create it before the monitors start, so it sees what they say before t0);
 * the job's own signals count once `poll` names the job.
 */
export function createMetadataPoller(opts: MetadataPollerOptions): MetadataPoller {
  const { clock, polling } = opts;
  const seen: Relevant[] = [];
  let jobId: string | null = null;
  let signals = NO_SIGNALS;
  let level: Nearness = 'blind';
  // Stamped, so changes seen before t0 get their time since t0 once it is marked.
  const changes: { at: Stamp; level: Nearness }[] = [];
  const nearness = () => changes.map((c) => ({ atMs: clock.sinceT0(c.at), level: c.level }));
  let wake: (() => void) | null = null;

  const take = (o: Relevant) => {
    if (jobId === null) return void seen.push(o);
    signals = withObservation(signals, o, jobId, opts.match);
    const next = nearnessOf(signals);
    // Monotone: what the sources said stays said (a pod that later fails still was Ready).
    if (RANK[next] <= RANK[level]) return;
    level = next;
    changes.push({ at: clock.now(), level });
    wake?.();
  };
  const unsubscribe = opts.observations.on(RELEVANT_KINDS, take);

  /** Waits `ms`, or less when the nearness changes; rejects when the signal aborts; leaves no timer. */
  const waitOrWake = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        wake = null;
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      const timer = setTimeout(() => (done(), resolve()), ms);
      wake = () => (done(), resolve());
      signal.addEventListener('abort', onAbort, { once: true });
    });

  async function poll(id: string, signal: AbortSignal): Promise<ProbeEndReason> {
    jobId = id;
    for (const o of seen.splice(0)) take(o);
    const elapsed = () => clock.sinceT0(clock.now());
    const attempts: number[] = [];
    const history = (): PollHistory => ({ attempts, nearness: nearness() });
    while (elapsed() < opts.timeoutMs) {
      const began = elapsed();
      attempts.push(began);
      // Bound the attempt by the time left, so the run ends at the timeout even if the backend hangs.
      const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Math.ceil(opts.timeoutMs - began)))]);
      let attempt: { status: number | null; error: string | null };
      const sentAt = clock.now();
      try {
        attempt = await opts.backend.metadata(id, attemptSignal);
      } catch (e) {
        if (signal.aborted) throw e;
        attempt = { status: null, error: `no answer before the ${opts.timeoutMs / 1000} s timeout` };
      }
      const answeredAt = clock.now();
      // How long it took, so the analysis knows the backend's answer was decided after the request left.
      const tookMs = Math.round((answeredAt - sentAt) * 1000) / 1000;
      opts.emit({ kind: 'metadata.attempt', at: answeredAt, ...attempt, tookMs });
      if (isReadyStatus(attempt.status)) return 'consumer_ready';
      // Wait for the schedule; a change of nearness meanwhile may bring the next attempt forward, and a
      // timer that fires a little early (Node's timers may) is waited out, so no attempt begins too soon.
      for (;;) {
        const next = nextAttemptAtMs(polling, history());
        const wait = Math.min(next - elapsed(), opts.timeoutMs - elapsed());
        if (wait <= 0) break;
        await waitOrWake(wait, signal);
      }
    }
    return 'timeout';
  }

  return {
    poll,
    dispose: unsubscribe,
    get nearness() {
      return nearness();
    },
  };
}
