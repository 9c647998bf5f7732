// `consumer-probe serve` against the sandbox: the built CLI as a child process probing continuously
// (endpoints, their shapes, 404/405, SIGTERM ending the probe in flight as stopped and exiting 0), and
// the serve module in process (before the first run; the watches closed between probes; a run that
// could not start counted while the loop goes on).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ClusterObserver } from '../../src/probe/kube/clusterObserver';
import type { Report } from '../../src/probe/model';
import { probeOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';
import { probeOverridesForProfile } from '../../src/sandbox/probeOptions';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { startServe } from '../../src/serve/serve';
import { healthyReport } from '../fixtures/reports';
import { assertReportContract } from '../helpers/reportContract';
import { httpCall, sandboxServeArgs, startServeProcess } from '../helpers/serveProcess';
import { makeTempDir } from '../helpers/tmp';
import { waitFor, withDeadline } from '../helpers/waitFor';

const cleanups: (() => unknown)[] = [];
const scope = { after: (fn: () => unknown) => void cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const healthy = profileByName('healthy')!;
let sandbox: Sandbox;
before(async () => {
  sandbox = await Sandbox.start();
  scope.after(() => sandbox.stop());
});

const SUMMARY_KEYS = ['runId', 'startedAt', 'endedAt', 'jobId', 'scenario', 'cause', 'severity', 'title', 'consumerReadyMs'];

/** `name{labels} value` → value, from an exposition. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('serve --every 1: endpoints and shapes while it probes; SIGTERM stops the probe in flight as stopped and exits 0', async () => {
  const serve = await startServeProcess(scope, ['--every', '1', ...sandboxServeArgs(sandbox, healthy)]);
  assert.match(
    serve.stdout(),
    /^consumer-probe serve: probing http:\/\/127\.0\.0\.1:\d+\/scenario\/healthy every 1 s, one probe at a time$/m,
  );
  assert.match(serve.stdout(), /^cluster: https:\/\/127\.0\.0\.1:\d+, namespace panda, with kubeconfig /m);

  const runs = await waitFor(
    async () => {
      const list = (await httpCall(`${serve.url}/runs`)).json<Record<string, unknown>[]>();
      return list.length >= 2 && list;
    },
    { what: 'two finished runs in /runs', timeoutMs: 40_000, intervalMs: 200 },
  );
  for (const summary of runs) {
    assert.deepEqual(Object.keys(summary), SUMMARY_KEYS);
    assert.equal(summary.scenario, 'healthy', JSON.stringify(summary));
    assert.equal(summary.severity, 'ok');
    assert.equal(summary.cause, null);
    assert.equal(typeof summary.consumerReadyMs, 'number');
    assert.match(String(summary.jobId), /^\d+-\d+$/);
  }
  assert.ok(String(runs[0]!.startedAt) > String(runs[1]!.startedAt), 'newest first');
  assert.notEqual(runs[0]!.runId, runs[1]!.runId);

  const byId = await httpCall(`${serve.url}/runs/${encodeURIComponent(String(runs[1]!.runId))}`);
  assert.equal(byId.status, 200);
  assert.match(byId.contentType, /^application\/json/);
  const report = byId.json<Report>();
  assertReportContract(report);
  assert.equal(report.jobId, runs[1]!.jobId, 'the report of that run');
  const latest = await httpCall(`${serve.url}/runs/latest`);
  assert.equal(latest.status, 200);
  assertReportContract(latest.json());

  const health = await httpCall(`${serve.url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(health.json().ok, true);

  const metrics = await httpCall(`${serve.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
  assert.ok(sample(metrics.body, 'consumer_probe_runs_total{scenario="healthy"}')! >= 2);
  assert.ok(sample(metrics.body, 'consumer_probe_stage_seconds_count{stage="consumer_ready"}')! >= 2);
  assert.equal(sample(metrics.body, 'consumer_probe_last_scenario{scenario="healthy"}'), 1);
  assert.ok(sample(metrics.body, 'consumer_probe_last_success_timestamp_seconds')! > Date.now() / 1000 - 120);

  const missing = await httpCall(`${serve.url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal(typeof missing.json().error, 'string');
  assert.equal((await httpCall(`${serve.url}/runs/none-0`)).status, 404);
  const post = await httpCall(`${serve.url}/runs`, 'POST');
  assert.equal(post.status, 405);
  assert.match(post.json().error, /POST is not allowed/);

  // SIGTERM while a probe is in flight: it ends as `stopped`, and the process exits 0.
  await waitFor(async () => (await httpCall(`${serve.url}/healthz`)).json().probeRunningForMs > 0, {
    what: 'a probe in flight',
    timeoutMs: 20_000,
  });
  const signalledAt = performance.now();
  serve.child.kill('SIGTERM');
  const exit = await withDeadline(serve.exited, { what: 'serve to exit after SIGTERM', timeoutMs: 10_000 });
  const exitMs = Math.round(performance.now() - signalledAt);
  assert.deepEqual(exit, { code: 0, signal: null }, serve.stderr());
  assert.match(serve.stdout(), /^\S+ run \S+ stopped\/stopped_by_user \(inconclusive\): The probe was stopped/m);
  assert.match(serve.stdout(), /^serve stopped$/m);
  assert.equal(serve.stderr(), '', 'nothing on stderr: the probe in flight stopped within the grace');
  console.log(`# serve exited ${exitMs} ms after SIGTERM`);
});

test('before the first run: no runs, /runs/latest is 404 with a JSON error, healthz is fine', async () => {
  let release!: (r: Report) => void;
  const handle = await startServe({
    everyMs: 60_000,
    bind: '127.0.0.1',
    port: 0,
    probe: () => new Promise<Report>((resolve) => (release = resolve)),
    wedgedAfterMs: 60_000,
    log: () => undefined,
  });
  try {
    await waitFor(() => handle.loop.state.started === 1, { what: 'the first probe to start' });
    assert.deepEqual((await httpCall(`${handle.url}/runs`)).json(), []);
    const latest = await httpCall(`${handle.url}/runs/latest`);
    assert.equal(latest.status, 404);
    assert.deepEqual(latest.json(), { error: 'no run has finished yet' });
    const health = (await httpCall(`${handle.url}/healthz`)).json();
    assert.equal(health.ok, true);
    assert.equal(typeof health.probeRunningForMs, 'number');
  } finally {
    release(healthyReport());
    assert.equal(await handle.stop(1000), true);
  }
});

test('in process: between probes no watch stays open, on either side', async () => {
  const handle = await startServe({
    everyMs: 60_000,
    bind: '127.0.0.1',
    port: 0,
    probe: (signal) => startProbe(probeOptions(probeOverridesForProfile(sandbox, healthy)), { signal }).report,
    wedgedAfterMs: 60_000,
    log: () => undefined,
  });
  scope.after(() => handle.stop(1000));
  await waitFor(() => handle.history.size === 1 && handle.loop.state.inFlightSince === null, {
    what: 'the first run to end',
    timeoutMs: 20_000,
  });
  assert.equal(handle.history.summaries()[0]!.scenario, 'healthy');
  assert.equal(ClusterObserver.openCount(), 0, 'no observer holds watches');
  await waitFor(() => sandbox.api.openWatches === 0 && sandbox.api.openFollows === 0, {
    what: 'the API server to see every watch and follow closed',
  });
  assert.equal(await handle.stop(1000), true);
});

test('in process: a run that cannot start is counted by reason, and the loop goes on', async () => {
  const kubeconfig = join(makeTempDir(scope, 'cp-serve-kc-'), 'kubeconfig');
  const options = probeOptions({ ...probeOverridesForProfile(sandbox, healthy), kube: { kubeconfig, namespace: sandbox.namespace } });
  const lines: string[] = [];
  const handle = await startServe({
    everyMs: 50,
    bind: '127.0.0.1',
    port: 0,
    probe: (signal) => startProbe(options, { signal }).report,
    wedgedAfterMs: 60_000,
    log: (line) => lines.push(line),
  });
  scope.after(() => handle.stop(1000));
  const metrics = await waitFor(
    async () => {
      const body = (await httpCall(`${handle.url}/metrics`)).body;
      return sample(body, 'consumer_probe_probe_errors_total{reason="kubeconfig_unreadable"}')! >= 2 && body;
    },
    { what: 'two runs that could not start', timeoutMs: 10_000 },
  );
  assert.equal(sample(metrics, 'consumer_probe_runs_total{scenario="healthy"}'), 0, 'a run that could not start is no run');
  assert.ok(
    lines.some((l) => /run \S+ could not start \(kubeconfig_unreadable\): cannot read kubeconfig .*: no such file/.test(l)),
    lines.join('\n'),
  );
  assert.deepEqual((await httpCall(`${handle.url}/runs`)).json(), []);
  assert.equal((await httpCall(`${handle.url}/healthz`)).status, 200, 'a probe that cannot start is no reason to restart the prober');
  assert.equal(await handle.stop(1000), true);
});
