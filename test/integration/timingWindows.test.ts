// Timing windows against the sandbox's ground truth: the real engine probes the healthy profile, and the
// true instant of every stage (recorded by the sandbox when it applied the step, on the probe's own clock)
// must lie inside the window the report gives it. In a busy namespace the pods watch delivers often, so
// the pod's windows are narrow; in a quiet one they are as wide as the gaps between deliveries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProbeClock } from '../../src/probe/clock';
import { startProbe } from '../../src/probe/runProbe';
import { TIMING_KEYS, type Report, type TimingKey } from '../../src/probe/model';
import { WIDE_WINDOW_MS } from '../../src/probe/report/format';
import { renderJson } from '../../src/probe/report/json';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox, truthSince, type SandboxOptions } from '../../src/sandbox/sandbox';
import { assertReportContract } from '../helpers/reportContract';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';

const WATCHED = new Set<TimingKey>(['jobCreatedMs', 'podCreatedMs', 'podScheduledMs', 'podRunningMs', 'podReadyMs']);
const POD_KEYS: TimingKey[] = ['podCreatedMs', 'podScheduledMs', 'podRunningMs', 'podReadyMs'];
/**
 * How much earlier than a window's start the truth may lie. A poll's lower bound is when its request
 * left (the server decided later): exact, up to the µs rounding. A watch delivery is stamped when the
 * probe reads it, a little after the API server wrote the state it shows, so a change applied while that
 * delivery was in flight lies up to one delivery latency (≈2 ms here, more on a loaded machine) before
 * it. This slack makes the watch side catch gross errors only; the unit tests pin the exact bounds.
 */
const POLL_SLACK_MS = 0.01;
const WATCH_SLACK_MS = 30;

async function probeHealthy(t: { after: (fn: () => Promise<void>) => void }, opts: SandboxOptions = {}) {
  const sandbox = await Sandbox.start(opts);
  t.after(() => sandbox.stop());
  const clock = createProbeClock();
  const report = await startProbe(probeOptionsForProfile(sandbox, profileByName('healthy')!), { clock }).report;
  assert.equal(report.scenario.id, 'healthy', report.scenario.summary);
  const record = sandbox.job(report.jobId!);
  assert.ok(record, `the sandbox issued job ${report.jobId}`);
  assert.deepEqual(record.scriptErrors, []);
  return { report, truth: truthSince(record, clock.t0!) };
}

function assertTruthInWindows(report: Report, truth: Partial<Record<TimingKey, number>>) {
  assertReportContract(JSON.parse(renderJson(report)));
  for (const key of TIMING_KEYS) {
    const at = report.timings[key];
    if (at === null) continue;
    const w = report.timingWindows[key];
    assert.ok(w, `${key} (${at} ms) has a window`);
    assert.equal(w.atOrBeforeMs, at);
    assert.notEqual(w.afterMs, null, `${key}: the healthy run observed something before every stage (at least t0)`);
    const actual = truth[key];
    assert.ok(actual !== undefined, `${key}: the sandbox did it`);
    const slack = WATCHED.has(key) ? WATCH_SLACK_MS : POLL_SLACK_MS;
    assert.ok(
      actual > w.afterMs! - slack && actual <= w.atOrBeforeMs,
      `${key}: ground truth ${actual.toFixed(3)} ms outside its window (${w.afterMs}, ${w.atOrBeforeMs}] (slack ${slack} ms below)`,
    );
  }
}

test('healthy run, quiet namespace: every timing has a window holding the ground truth; pod stages are bounded by the previous delivery', async (t) => {
  const { report, truth } = await probeHealthy(t);
  assertTruthInWindows(report, truth);
  const w = report.timingWindows;
  // Nothing else changes in a quiet namespace: each stage is bounded by the pod's own previous change
  // (or a bookmark), so the window is at most the gap between the pod's consecutive stages.
  const order: TimingKey[] = ['podCreatedMs', 'podScheduledMs', 'podRunningMs', 'podReadyMs'];
  for (let i = 1; i < order.length; i++) {
    const previous = report.timings[order[i - 1]!]!;
    assert.ok(w[order[i]!]!.afterMs! >= previous, `${order[i]} is bounded at least by the previous stage at ${previous} ms`);
  }
  // The metadata window is one poll: the last 404's request and the 200.
  const ready = w.consumerReadyMs!;
  assert.ok(ready.atOrBeforeMs - ready.afterMs! < 100 + 50, `metadata window ${JSON.stringify(ready)} is about one 100 ms poll`);
});

test('healthy run, busy namespace: the pods watch delivers every ~10 ms, so every pod window is narrow and holds the truth', async (t) => {
  const { report, truth } = await probeHealthy(t, { noise: { unrelatedPods: 20, changesPerSecond: 100 } });
  assertTruthInWindows(report, truth);
  for (const key of POD_KEYS) {
    const w = report.timingWindows[key]!;
    const width = w.atOrBeforeMs - w.afterMs!;
    assert.ok(
      width <= WIDE_WINDOW_MS,
      `${key}: window ${width.toFixed(3)} ms wide (${w.afterMs}, ${w.atOrBeforeMs}], narrow is ≤ ${WIDE_WINDOW_MS}`,
    );
  }
});
