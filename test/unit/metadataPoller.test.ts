// The metadata poller: its pure schedule (slow while far, fast once near, never above the budget over
// any prefix, even when an interval is given), how it reads nearness from the other sources'
// observations, and the poller itself against a fake backend (ends at ready or at the timeout, reacts to
// a signal at once, leaves no timer behind).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADAPTIVE_PACE,
  NO_SIGNALS,
  createMetadataPoller,
  nearnessOf,
  nextAttemptAtMs,
  withObservation,
  type Nearness,
  type PollHistory,
} from '../../src/probe/backend/metadataPoller';
import { createProbeClock, type Stamp } from '../../src/probe/clock';
import type { PodSnapshot, StampedObservation } from '../../src/probe/model';
import { ObservationBus } from '../../src/probe/monitor';
import { DEFAULT_MATCH_RULES, type MetadataPolling } from '../../src/probe/options';

const ADAPTIVE: MetadataPolling = { mode: 'adaptive', maxPerSecond: 10 };
const B = 100; // the budget interval at 10/s

/** Drives the schedule through a run: attempts begin when it says (or `latency` after the previous began, if later). */
function simulate(
  polling: MetadataPolling,
  signals: { atMs: number; level: Nearness }[],
  untilMs: number,
  latency: (k: number) => number = () => 2,
): number[] {
  const attempts: number[] = [];
  let now = 0;
  for (;;) {
    const history = (at: number): PollHistory => ({ attempts, nearness: signals.filter((s) => s.atMs <= at) });
    let next = nextAttemptAtMs(polling, history(now));
    // A signal before the planned attempt makes the poller ask again at that moment.
    for (const s of signals) {
      if (s.atMs > now && s.atMs < next) {
        next = Math.max(s.atMs, nextAttemptAtMs(polling, history(s.atMs)));
        break;
      }
    }
    const at = Math.max(now, next);
    if (at >= untilMs) return attempts;
    attempts.push(at);
    now = at + latency(attempts.length);
  }
}

const between = (attempts: number[], from: number, to: number) => attempts.filter((a) => a >= from && a < to);
const gaps = (attempts: number[]) => attempts.slice(1).map((a, i) => a - attempts[i]!);

/** A healthy-like run, in ms since the first attempt: the pod Ready at 1250, a consumer at 1550. */
const HEALTHY = [
  { atMs: 0, level: 'far' as const },
  { atMs: 1250, level: 'warm' as const },
  { atMs: 1550, level: 'near' as const },
];

describe('the schedule', () => {
  test('the first attempt is at once; a fixed interval is even whatever the other sources say', () => {
    assert.equal(nextAttemptAtMs(ADAPTIVE, { attempts: [], nearness: [] }), 0);
    const fixed: MetadataPolling = { mode: 'fixed', intervalMs: 250 };
    const attempts = simulate(fixed, HEALTHY, 3000);
    assert.deepEqual(gaps(attempts), Array(attempts.length - 1).fill(250));
  });

  test('slow while far, slower than the budget while warm, fast once near', () => {
    const attempts = simulate(ADAPTIVE, HEALTHY, 2600);
    const far = between(attempts, 0, 1250);
    assert.deepEqual(far, [0], `far: once every ${ADAPTIVE_PACE.far * B} ms`);
    const warm = between(attempts, 1250, 1550);
    assert.equal(warm[0], 1250 + ADAPTIVE_PACE.warm * B, 'the pod Ready restarts the pace from it');
    assert.ok(gaps(warm).every((g) => g >= ADAPTIVE_PACE.warm * B));
    const near = between(attempts, 1550, 2250);
    assert.equal(near[0], 1550, 'a consumer attached brings the next attempt forward');
    const nearGaps = gaps(near);
    assert.ok(Math.max(...nearGaps) <= 40, `near: every ≤ 40 ms while the savings last, got ${nearGaps.join(', ')}`);
    assert.ok(Math.min(...nearGaps) >= ADAPTIVE_PACE.fastest * B);
    // The savings spent, the budget's own pace remains.
    const after = between(attempts, 2300, 3300);
    assert.ok(after.length <= 11, `after the horizon, at most the budget: ${after.join(', ')}`);
  });

  test('blind (the cluster not watched) is even at the budget; near with nothing saved is no faster', () => {
    const blind = simulate(ADAPTIVE, [], 1000);
    assert.deepEqual(gaps(blind), Array(blind.length - 1).fill(B));
    const nearAtOnce = simulate(ADAPTIVE, [{ atMs: 0, level: 'near' }], 1000);
    assert.ok(
      gaps(nearAtOnce).every((g) => Math.abs(g - B) < 1e-9),
      gaps(nearAtOnce).join(', '),
    );
  });

  test('over any prefix of the run the average rate stays within the budget, whatever the signals and latencies', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const levels: Nearness[] = ['blind', 'far', 'warm', 'near'];
    for (let run = 0; run < 300; run++) {
      const maxPerSecond = [10, 4, 25][run % 3]!;
      const polling: MetadataPolling = { mode: 'adaptive', maxPerSecond };
      const b = 1000 / maxPerSecond;
      const signals: { atMs: number; level: Nearness }[] = [];
      let at = 0;
      for (let i = 0; i < 4; i++) {
        at += random() * 5000;
        signals.push({ atMs: at, level: levels[Math.floor(random() * levels.length)]! });
      }
      const attempts = simulate(polling, signals, 30_000, () => random() * 30);
      // The k-th attempt after the first begins no earlier than k budget intervals after it: n attempts
      // within [0, t] never exceed 1 + t / b, so the average over any prefix is at most the budget's.
      attempts.forEach((a, k) => assert.ok(a >= k * b - 1e-6, `run ${run}: attempt ${k} at ${a} ms, before ${k * b} ms`));
      // And no faster than the fastest pace.
      gaps(attempts).forEach((g) => assert.ok(g >= ADAPTIVE_PACE.fastest * b - 1e-6));
    }
  });

  test('the budget holds under a long wait: savings are capped, so a late near never bursts for long', () => {
    const attempts = simulate(
      ADAPTIVE,
      [
        { atMs: 0, level: 'far' },
        { atMs: 20_000, level: 'near' },
      ],
      25_000,
    );
    const burst = between(attempts, 20_000, 25_000);
    const fast = gaps(burst).filter((g) => g < B - 1e-9).length;
    assert.ok(fast <= ADAPTIVE_PACE.savings * 2, `${fast} attempts faster than the budget after 20 s of saving`);
    assert.ok(burst.length <= 50 + ADAPTIVE_PACE.savings + 1, `${burst.length} attempts in the last 5 s`);
  });
});

const pod = (name: string, ready: boolean, labels: Record<string, string> = {}): PodSnapshot => ({
  uid: name,
  name,
  namespace: 'panda',
  phase: ready ? 'Running' : 'Pending',
  ready,
  restartCount: 0,
  node: null,
  labels,
  conditions: [],
  containers: [],
  deleted: false,
});

const at = (ms: number) => ms as Stamp;
type Relevant = Parameters<typeof withObservation>[1];
const backendLine = (ms: number, text: string, mentionsJob = true): Relevant => ({
  kind: 'log.line',
  at: at(ms),
  source: 'backend',
  line: {
    time: null,
    pod: 'panda-panda-focus-server-0',
    container: 'api',
    instance: null,
    level: 'INFO',
    reason: 'job-id',
    mentionsJob,
    text,
  },
});

describe('nearness from the other sources', () => {
  const read = (...observations: Relevant[]) =>
    nearnessOf(observations.reduce((s, o) => withObservation(s, o, '19-5', DEFAULT_MATCH_RULES), NO_SIGNALS));
  const cluster: Relevant = {
    kind: 'cluster.access',
    at: at(0),
    access: { state: 'watching', server: 'https://k', namespace: 'panda', context: null },
  };
  const broker: Relevant = { kind: 'broker.access', at: at(0), access: { state: 'watching', source: 'AMQP', via: 'amqp' } };
  const logs: Relevant = {
    kind: 'log.access',
    at: at(0),
    source: 'backend',
    access: { state: 'following', target: 'name^=panda-panda-focus-server', pods: ['panda-panda-focus-server-0'] },
  };
  /** The cluster watched, and a source that can say a consumer is near: the broker or the backend's logs. */
  const watching = (...more: Relevant[]) => read(cluster, broker, ...more);
  const readyPod: Relevant = { kind: 'pod.changed', at: at(5), pod: pod('grpc-job-19-5-abcde', true) };

  test('blind until the cluster is watched, then far until the job’s own pod is Ready', () => {
    assert.equal(read(), 'blind');
    assert.equal(read(cluster), 'far');
    assert.equal(watching({ kind: 'pod.changed', at: at(5), pod: pod('grpc-job-19-5-abcde', false) }), 'far');
    assert.equal(watching({ kind: 'pod.changed', at: at(5), pod: pod('cleanup-job-19-5-abcde', true) }), 'far', 'a related pod');
    assert.equal(watching({ kind: 'pod.changed', at: at(5), pod: pod('grpc-job-19-50-abcde', true) }), 'far', 'another job');
    assert.equal(watching({ kind: 'pod.changed', at: at(5), pod: pod('analyzer', true, { 'job-name': 'grpc-job-19-5' }) }), 'warm');
  });

  test('warm is as near as it gets when neither the broker nor the backend’s logs are watched', () => {
    assert.equal(read(cluster, readyPod), 'near');
    assert.equal(read(cluster, logs, readyPod), 'warm');
    assert.equal(read(cluster, broker, readyPod), 'warm');
    const refused: Relevant = { kind: 'broker.access', at: at(1), access: { state: 'unavailable', reason: '403', via: 'management' } };
    assert.equal(read(cluster, broker, refused, readyPod), 'near', 'a broker that turned out unreadable says nothing');
  });

  test('the queue makes it warm, a consumer on it near', () => {
    const queue = (consumers: number | null): Relevant => ({
      kind: 'queue.changed',
      at: at(9),
      queue: { name: 'grpc-job-19-5', firstSeenMs: 9, messages: 0, consumers, source: 'management API' },
    });
    assert.equal(watching(queue(null)), 'warm');
    assert.equal(watching(queue(0)), 'warm');
    assert.equal(watching(queue(1)), 'near');
  });

  test('a backend line naming the job makes it near only after the pod is Ready, and never an access-log line', () => {
    const ready: Relevant = { kind: 'pod.changed', at: at(100), pod: pod('grpc-job-19-5-abcde', true) };
    assert.equal(watching(backendLine(50, 'created Job grpc-job-19-5'), ready), 'warm', 'logged before the pod was Ready');
    assert.equal(read(cluster, logs, ready, backendLine(150, 'consumer attached to grpc-job-19-5')), 'near');
    assert.equal(watching(ready, backendLine(150, 'INFO: 10.0.0.7 - "GET /metadata/19-5 HTTP/1.1" 404')), 'warm');
    assert.equal(watching(ready, backendLine(150, 'worker pool busy', false)), 'warm', 'not about the job');
  });
});

describe('the poller', () => {
  /** A backend whose metadata answers 404 until `ready` is set; `hang` never answers (until aborted). */
  function fakeBackend(opts: { hang?: boolean } = {}) {
    const state = { ready: false, calls: [] as number[] };
    return {
      state,
      metadata(_id: string, signal: AbortSignal) {
        state.calls.push(performance.now());
        if (opts.hang) {
          return new Promise<never>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
        }
        return Promise.resolve(state.ready ? { status: 200, error: null } : { status: 404, error: 'Invalid job_id' });
      },
    };
  }

  function setup(polling: MetadataPolling, timeoutMs: number, backend: ReturnType<typeof fakeBackend>) {
    const clock = createProbeClock();
    const bus = new ObservationBus();
    const emitted: StampedObservation[] = [];
    const emit = (o: StampedObservation) => {
      emitted.push(o);
      bus.publish(o);
    };
    const poller = createMetadataPoller({ backend, polling, match: DEFAULT_MATCH_RULES, timeoutMs, clock, emit, observations: bus });
    return { clock, emit, emitted, poller };
  }

  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  // The attempts' deadlines (AbortSignal.timeout) do not keep Node alive; a real backend's socket does.
  const keepAlive = () => {
    const handle = setInterval(() => undefined, 1000);
    return () => clearInterval(handle);
  };

  test('slow before the pod is Ready, fast once a consumer attaches, done at the first 200; no timer left', async () => {
    const backend = fakeBackend();
    const { clock, emit, emitted, poller } = setup(ADAPTIVE, 10_000, backend);
    const before = timers();
    clock.markT0();
    emit({
      kind: 'cluster.access',
      at: clock.now(),
      access: { state: 'watching', server: 'https://k', namespace: 'panda', context: null },
    });
    emit({ kind: 'broker.access', at: clock.now(), access: { state: 'watching', source: 'AMQP', via: 'amqp' } });
    const polled = poller.poll('19-5', new AbortController().signal);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(backend.state.calls.length, 1, 'far: one attempt in the first 600 ms');
    emit({ kind: 'pod.changed', at: clock.now(), pod: pod('grpc-job-19-5-abcde', true) });
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(backend.state.calls.length, 2, `the pod Ready brought the next attempt forward, to ${ADAPTIVE_PACE.warm * B} ms after it`);
    await new Promise((r) => setTimeout(r, 170));
    const warmCalls = backend.state.calls.length;
    assert.ok(warmCalls <= 5, `warm: at most one attempt per ${ADAPTIVE_PACE.warm * B} ms, got ${warmCalls - 2} in 400 ms`);
    emit({
      kind: 'queue.changed',
      at: clock.now(),
      queue: { name: 'grpc-job-19-5', firstSeenMs: 0, messages: 0, consumers: 1, source: 'AMQP' },
    });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(backend.state.calls.length, warmCalls + 1, 'a consumer attached brought an attempt forward at once');
    await new Promise((r) => setTimeout(r, 150));
    const readyAt = performance.now();
    backend.state.ready = true;
    assert.equal(await polled, 'consumer_ready');
    const last = backend.state.calls[backend.state.calls.length - 1]!;
    assert.ok(last - readyAt < 60, `ready seen ${last - readyAt} ms after it was`);
    const nearGaps = gaps(backend.state.calls.slice(warmCalls));
    assert.ok(Math.max(...nearGaps) < 70, `near: ${nearGaps.map((g) => g.toFixed(0)).join(', ')} ms apart`);
    const span = last - backend.state.calls[0]!;
    assert.ok(
      backend.state.calls.length <= 1 + span / B,
      `${backend.state.calls.length} requests in ${span.toFixed(0)} ms: above the budget`,
    );
    assert.deepEqual(
      poller.nearness.map((n) => n.level),
      ['far', 'warm', 'near'],
    );
    assert.equal(emitted.filter((o) => o.kind === 'metadata.attempt').length, backend.state.calls.length);
    poller.dispose();
    assert.equal(timers(), before, 'no timer left behind');
  });

  test('a fixed interval polls evenly, whatever the sources say', async () => {
    const backend = fakeBackend();
    const { clock, emit, poller } = setup({ mode: 'fixed', intervalMs: 50 }, 320, backend);
    clock.markT0();
    emit({
      kind: 'cluster.access',
      at: clock.now(),
      access: { state: 'watching', server: 'https://k', namespace: 'panda', context: null },
    });
    assert.equal(await poller.poll('19-5', new AbortController().signal), 'timeout');
    const calls = backend.state.calls;
    assert.equal(calls.length, 7, `${calls.length} attempts in 320 ms`);
    assert.ok(
      gaps(calls).every((g) => g >= 49),
      gaps(calls).join(', '),
    );
    poller.dispose();
  });

  test('a hanging backend: the run still ends at the timeout; an abort rejects at once and leaves no timer', async () => {
    const backend = fakeBackend({ hang: true });
    const release = keepAlive();
    const { clock, emitted, poller } = setup(ADAPTIVE, 200, backend);
    clock.markT0();
    const began = performance.now();
    assert.equal(await poller.poll('19-5', new AbortController().signal), 'timeout');
    const took = performance.now() - began;
    assert.ok(took >= 195 && took < 400, `ended after ${took} ms`);
    const attempt = emitted.find((o) => o.kind === 'metadata.attempt');
    assert.ok(attempt?.kind === 'metadata.attempt' && /no answer before the 0\.2 s timeout/.test(attempt.error ?? ''));
    poller.dispose();
    release();

    const quiet = fakeBackend();
    const second = setup(ADAPTIVE, 10_000, quiet);
    const before = timers();
    second.clock.markT0();
    const controller = new AbortController();
    const polled = second.poller.poll('19-5', controller.signal);
    await new Promise((r) => setTimeout(r, 30)); // waiting between attempts now
    controller.abort(new Error('stopped'));
    await assert.rejects(polled, /stopped/);
    second.poller.dispose();
    assert.equal(timers(), before, 'no timer left behind');
  });
});
