// The pure half of the sandbox's capacity model: seeded jitter, load, options, and the burst job's timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowsBusyRefusal } from '../../src/sandbox/capacity';
import {
  DEFAULT_CAPACITY,
  JITTERED_STAGES,
  afterQueue,
  attachLoadMs,
  jobJitter,
  resolveCapacity,
  uncontendedTimeline,
} from '../../src/sandbox/capacityPlan';
import { BURST_PROFILE, orderedSteps, profileByName, type ProfileStep } from '../../src/sandbox/profiles';

test('jitter is a pure function of seed and arrival index, each stage within [0, jitterMs]', () => {
  for (let index = 0; index < 50; index++) {
    const a = jobJitter(7, index, 150);
    assert.deepEqual(jobJitter(7, index, 150), a, 'the same seed and index give the same jitter');
    assert.deepEqual(Object.keys(a), [...JITTERED_STAGES]);
    for (const [stage, ms] of Object.entries(a)) assert.ok(Number.isInteger(ms) && ms >= 0 && ms <= 150, `${stage}: ${ms}`);
  }
});

test('another seed, or another job, gets other jitter; the draws cover the range', () => {
  const all = (seed: number) => Array.from({ length: 40 }, (_, i) => Object.values(jobJitter(seed, i, 1000))).flat();
  const seven = all(7);
  const eight = all(8);
  assert.notDeepEqual(seven, eight);
  assert.notDeepEqual(jobJitter(7, 0, 1000), jobJitter(7, 1, 1000));
  // 440 draws of a uniform [0, 1000]: every tenth of the range is hit, and the mean is near 500.
  for (let decile = 0; decile < 10; decile++) {
    assert.ok(
      seven.some((ms) => ms >= decile * 100 && ms < (decile + 1) * 100),
      `no draw in [${decile * 100}, ${(decile + 1) * 100})`,
    );
  }
  const mean = seven.reduce((a, b) => a + b, 0) / seven.length;
  assert.ok(mean > 430 && mean < 570, `mean ${mean}`);
  assert.ok(
    Object.values(jobJitter(7, 3, 0)).every((ms) => ms === 0),
    'jitterMs 0: no jitter',
  );
});

test('the consumer attaches more slowly with every other job in flight', () => {
  assert.equal(attachLoadMs(1, 150), 0);
  assert.equal(attachLoadMs(10, 150), 1350);
  assert.equal(attachLoadMs(30, 150), 4350);
  const noJitter = jobJitter(1, 0, 0);
  const alone = afterQueue(noJitter, 0, 1, 30);
  const crowded = afterQueue(noJitter, attachLoadMs(30, 150), 30, 30);
  assert.equal(crowded.readyAtMs - alone.readyAtMs, 4350);
  const lines = (steps: ProfileStep[]) => steps.flatMap((s) => (s.do === 'log' ? s.lines : []));
  assert.ok(!lines(alone.steps).some((l) => l.includes('busy')));
  assert.ok(
    lines(crowded.steps).includes('WARNING focus.consumers: consumer pool busy (30/30 jobs in flight), job {id} waits for a free worker'),
  );
});

test("one burst job alone, without jitter, meets the healthy profile's times", () => {
  const healthy = profileByName('healthy')!;
  const burst = profileByName(BURST_PROFILE)!;
  assert.equal(burst.capacity, true);
  assert.deepEqual(burst.steps, uncontendedTimeline());
  const timeOf = (steps: readonly ProfileStep[], kind: string) => steps.find((s) => s.do === kind)?.atMs;
  for (const kind of [
    'createJob',
    'createPod',
    'schedule',
    'pullImage',
    'startContainer',
    'becomeReady',
    'createQueue',
    'attachConsumer',
    'consumerReady',
  ]) {
    assert.equal(timeOf(burst.steps, kind), timeOf(orderedSteps(healthy), kind), kind);
  }
  assert.equal(burst.configure.delayMs, healthy.configure.delayMs);
});

test('capacity options: defaults fill in, bad values are one clear error', () => {
  assert.deepEqual(resolveCapacity(undefined), DEFAULT_CAPACITY);
  assert.deepEqual(resolveCapacity({ gpus: 2, seed: undefined }), { ...DEFAULT_CAPACITY, gpus: 2 });
  assert.throws(() => resolveCapacity({ gpus: 1.5 }), /^Error: sandbox capacity: gpus must be a non-negative integer, not 1.5$/);
  assert.throws(() => resolveCapacity({ gpus: 2, jitterMs: -1 }), /jitterMs must be a non-negative number/);
  assert.throws(() => resolveCapacity({ gpus: 2, windows: 0 }), /windows must be at least 1/);
});

test("the window refusal is the backend's words for busy windows, as in the configure_failed profile", () => {
  const profile = profileByName('configure_failed')!;
  assert.equal(profile.configure.outcome, 'http_error');
  const refusal = windowsBusyRefusal(30);
  if (profile.configure.outcome !== 'http_error') return;
  assert.equal(refusal.status, profile.configure.status);
  assert.equal(refusal.body, profile.configure.body);
  assert.deepEqual([refusal.log], profile.configure.backendLog);
  assert.equal(JSON.parse(windowsBusyRefusal(4).body).detail, 'All 4 job windows are busy');
});
