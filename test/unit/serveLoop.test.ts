// serve's schedule, history and health, with scripted probes the test settles itself: one probe at a
// time, the next one after the previous ended (at once when it overran), stopping turns the probe in
// flight into its `stopped` report, at most N runs kept, and /healthz failing only when the loop is stuck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeError } from '../../src/probe/errors';
import type { Report } from '../../src/probe/model';
import { healthOf, wedgedAfterMs, type HealthLimits } from '../../src/serve/health';
import { ProbeLoop, nextStartDelayMs, type LoopState } from '../../src/serve/probeLoop';
import { RunHistory } from '../../src/serve/runHistory';
import { configureFailedReport, healthyReport } from '../fixtures/reports';
import { waitFor } from '../helpers/waitFor';

function stoppedReport(): Report {
  const r = healthyReport();
  r.scenario = { ...r.scenario, id: 'stopped', cause: 'stopped_by_user', severity: 'inconclusive', title: 'Stopped' };
  return r;
}

/** Probes that end when the test says so (or, when aborted, as `stopped`). */
function scriptedProbes() {
  const pending: { finish: (r: Report) => void; fail: (e: unknown) => void; signal: AbortSignal }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const probe = (signal: AbortSignal) =>
    new Promise<Report>((resolve, reject) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => (inFlight -= 1);
      pending.push({ finish: (r) => (done(), resolve(r)), fail: (e) => (done(), reject(e)), signal });
      signal.addEventListener('abort', () => (done(), resolve(stoppedReport())), { once: true });
    });
  return { probe, pending, maxInFlight: () => maxInFlight };
}

test('the next probe starts `every` after the previous one started, at once when it overran', () => {
  assert.equal(nextStartDelayMs(1000, 1200, 300), 100);
  assert.equal(nextStartDelayMs(1000, 1300, 300), 0);
  assert.equal(nextStartDelayMs(1000, 5000, 300), 0, 'overran: no wait, and no runs to catch up');
});

test('one probe at a time; an overrun is followed at once; stopping reports the probe in flight as stopped', async () => {
  const probes = scriptedProbes();
  const reports: { report: Report; runId: string }[] = [];
  const loop = new ProbeLoop({
    everyMs: 0,
    probe: probes.probe,
    onReport: (report, run) => reports.push({ report, runId: run.runId }),
    onError: () => assert.fail('no error expected'),
  });
  loop.start();
  await waitFor(() => probes.pending.length === 1, { what: 'the first probe' });
  await new Promise((r) => setImmediate(r));
  assert.equal(probes.pending.length, 1, 'no second probe while the first runs');
  assert.ok(loop.state.inFlightSince !== null);

  probes.pending[0]!.finish(healthyReport());
  await waitFor(() => probes.pending.length === 2, { what: 'the second probe, at once after the first' });
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.report.scenario.id, 'healthy');

  assert.equal(await loop.stop(1000), true, 'the loop ended');
  assert.ok(probes.pending[1]!.signal.aborted, 'the probe in flight was aborted');
  assert.deepEqual(
    reports.map((r) => r.report.scenario.id),
    ['healthy', 'stopped'],
    'the aborted probe is reported as stopped',
  );
  assert.equal(probes.maxInFlight(), 1, 'never two probes at once');
  assert.equal(probes.pending.length, 2, 'nothing started after stop');
  const [prefix1, n1] = reports[0]!.runId.split('-');
  const [prefix2, n2] = reports[1]!.runId.split('-');
  assert.equal(prefix1, prefix2);
  assert.deepEqual([n1, n2], ['1', '2']);
});

test('a probe that could not start is an error, and the loop goes on', async () => {
  const probes = scriptedProbes();
  const errors: unknown[] = [];
  let calls = 0;
  const loop = new ProbeLoop({
    everyMs: 0,
    probe: (signal) => {
      calls += 1;
      if (calls === 1) throw new ProbeError('KUBECONFIG_UNREADABLE', 'cannot read kubeconfig /x: no such file');
      return probes.probe(signal);
    },
    onReport: () => undefined,
    onError: (e) => errors.push(e),
  });
  loop.start();
  await waitFor(() => probes.pending.length === 1, { what: 'the probe after the failed one' });
  assert.equal(errors.length, 1);
  assert.ok(ProbeError.is(errors[0], 'KUBECONFIG_UNREADABLE'));
  await loop.stop(1000);
});

test('between probes the loop waits `every` from the start of the previous one', async () => {
  const probes = scriptedProbes();
  const loop = new ProbeLoop({ everyMs: 60_000, probe: probes.probe, onReport: () => undefined, onError: () => undefined });
  loop.start();
  await waitFor(() => probes.pending.length === 1, { what: 'the first probe' });
  probes.pending[0]!.finish(configureFailedReport());
  await waitFor(() => loop.state.inFlightSince === null, { what: 'the first probe to end' });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(probes.pending.length, 1, 'the next one waits for its time');
  assert.equal(await loop.stop(1000), true, 'stopping ends the wait');
});

test('stop gives up after the grace when the probe ignores the abort', async () => {
  const loop = new ProbeLoop({
    everyMs: 0,
    probe: () => new Promise<Report>(() => undefined),
    onReport: () => undefined,
    onError: () => undefined,
  });
  loop.start();
  await waitFor(() => loop.state.started === 1, { what: 'the probe to start' });
  assert.equal(await loop.stop(20), false);
});

test('the history keeps the newest N runs, newest first, with their report JSON', () => {
  const history = new RunHistory(3);
  assert.equal(history.latestJson(), null);
  for (let i = 1; i <= 5; i++) {
    const report = healthyReport();
    report.jobId = `0-${i}`;
    history.add(`p-${i}`, report, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
  }
  assert.equal(history.size, 3);
  assert.deepEqual(
    history.summaries().map((s) => s.runId),
    ['p-5', 'p-4', 'p-3'],
  );
  const newest = history.summaries()[0]!;
  assert.deepEqual(Object.keys(newest), [
    'runId',
    'startedAt',
    'endedAt',
    'jobId',
    'scenario',
    'cause',
    'severity',
    'title',
    'consumerReadyMs',
  ]);
  assert.equal(newest.jobId, '0-5');
  assert.equal(newest.endedAt, '2026-01-01T00:00:05.000Z');
  assert.equal(JSON.parse(history.latestJson()!).jobId, '0-5');
  assert.equal(JSON.parse(history.jsonOf('p-4')!).jobId, '0-4');
  assert.equal(history.jsonOf('p-1'), null, 'dropped');
});

const LIMITS: HealthLimits = { everyMs: 300_000, wedgedAfterMs: wedgedAfterMs(30_000, 5_000), lateAfterMs: 60_000 };

function state(over: Partial<LoopState>): LoopState {
  return { inFlightSince: null, lastStartedAt: null, lastEndedAt: null, started: 0, stopping: false, crashed: null, ...over };
}

test('healthz: fine while probing or waiting; failing when wedged, stalled, crashed or stopping', () => {
  assert.equal(LIMITS.wedgedAfterMs, 130_000);
  assert.equal(healthOf(state({}), 0, LIMITS).ok, true, 'before the first probe');
  const running = healthOf(state({ inFlightSince: 1000, lastStartedAt: 1000, started: 1 }), 31_000, LIMITS);
  assert.deepEqual(running, { ok: true, runsStarted: 1, probeRunningForMs: 30_000 });
  const wedged = healthOf(state({ inFlightSince: 1000, lastStartedAt: 1000, started: 1 }), 1000 + 130_001, LIMITS);
  assert.equal(wedged.ok, false);
  assert.match(wedged.reason!, /wedged/);
  const waiting = state({ lastStartedAt: 0, lastEndedAt: 30_000, started: 1 });
  assert.equal(healthOf(waiting, 300_000 + 59_000, LIMITS).ok, true, 'the next probe is due, within the minute');
  const stalled = healthOf(waiting, 300_000 + 61_000, LIMITS);
  assert.equal(stalled.ok, false);
  assert.match(stalled.reason!, /no probe started for 61 s/);
  assert.equal(healthOf(state({ crashed: new Error('bug') }), 0, LIMITS).ok, false);
  assert.equal(healthOf(state({ stopping: true }), 0, LIMITS).reason, 'stopping');
});
