// A real Prometheus scrapes `consumer-probe serve` probing the sandbox: through its HTTP API the runs
// counter and the stage histogram arrive with the contract's labels, the histogram's quantile agrees
// with the reports, and `promtool check metrics` accepts the exposition. Both processes are killed with
// their groups at the end, and the test checks that nothing is left running.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stageName } from '../../src/probe/burst/model';
import { TIMING_KEYS } from '../../src/probe/model';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { STAGE_BUCKETS_SECONDS } from '../../src/serve/serveMetrics';
import { prometheusSkip, promtoolCheckMetrics, startPrometheus, type PromSample } from '../helpers/prometheus';
import { httpCall, sandboxServeArgs, startServeProcess } from '../helpers/serveProcess';
import { waitFor, withDeadline } from '../helpers/waitFor';

const skip = prometheusSkip();
const cleanups: (() => unknown)[] = [];
const scope = { after: (fn: () => unknown) => void cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let sandbox: Sandbox;
before(async () => {
  if (skip) return;
  sandbox = await Sandbox.start();
  scope.after(() => sandbox.stop());
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('Prometheus scrapes serve: runs and stage histograms with their labels; promtool accepts the exposition', { skip }, async () => {
  const healthy = profileByName('healthy')!;
  const serve = await startServeProcess(scope, ['--every', '1', ...sandboxServeArgs(sandbox, healthy)]);
  const prometheus = await startPrometheus(scope, [serve.target]);

  const runs = await waitFor(
    async () => {
      const found = await prometheus.query('consumer_probe_runs_total{scenario="healthy"} > 0');
      return found.length > 0 && found;
    },
    { what: 'Prometheus to have scraped a healthy run', timeoutMs: 60_000, intervalMs: 500 },
  );
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0]!.metric, {
    __name__: 'consumer_probe_runs_total',
    instance: serve.target,
    job: 'consumer-probe',
    scenario: 'healthy',
  });

  const up = await prometheus.query(`up{instance="${serve.target}"}`);
  assert.equal(up[0]?.value[1], '1', 'the target is up');
  const [target] = await prometheus.targets();
  assert.deepEqual([target?.health, target?.lastError], ['up', ''], 'the last scrape parsed without error');

  // The stage histogram: every stage, every bucket of the contract, the runs counted in +Inf.
  const buckets = await waitFor(
    async () => {
      const found = await prometheus.query('consumer_probe_stage_seconds_bucket');
      const inf = found.find((s) => s.metric.stage === 'consumer_ready' && s.metric.le === '+Inf');
      return inf && Number(inf.value[1]) >= 1 && found;
    },
    { what: 'the consumer_ready histogram to hold a run', timeoutMs: 30_000, intervalMs: 500 },
  );
  const byStage = new Map<string, PromSample[]>();
  for (const s of buckets) byStage.set(s.metric.stage!, [...(byStage.get(s.metric.stage!) ?? []), s]);
  assert.deepEqual([...byStage.keys()].sort(), TIMING_KEYS.map(stageName).sort(), 'one series set per stage');
  for (const [stage, series] of byStage) {
    const les = series.map((s) => s.metric.le).sort();
    assert.deepEqual(les, [...STAGE_BUCKETS_SECONDS.map(String), '+Inf'].sort(), `${stage}: the contract's buckets`);
  }
  for (const suffix of ['_sum', '_count']) {
    const found = await prometheus.query(`consumer_probe_stage_seconds${suffix}{stage="consumer_ready"}`);
    assert.equal(found.length, 1, suffix);
  }

  // What Prometheus computes from the buckets agrees with what the reports say: the p95 estimate lies
  // within the buckets that hold the measured consumer-ready times.
  const quantile = await prometheus.query(
    'histogram_quantile(0.95, sum by (le) (consumer_probe_stage_seconds_bucket{stage="consumer_ready"}))',
  );
  const p95 = Number(quantile[0]?.value[1]);
  const readySeconds = (await httpCall(`${serve.url}/runs`))
    .json<{ consumerReadyMs: number | null }[]>()
    .flatMap((r) => (r.consumerReadyMs === null ? [] : [r.consumerReadyMs / 1000]));
  const upper = (s: number) => STAGE_BUCKETS_SECONDS.find((le) => s <= le)!;
  const lower = (s: number) => [0, ...STAGE_BUCKETS_SECONDS].filter((le) => le < s).at(-1)!;
  assert.ok(
    p95 >= lower(Math.min(...readySeconds)) && p95 <= upper(Math.max(...readySeconds)),
    `p95 ${p95} s within the buckets of the reports' ${readySeconds.join(', ')} s`,
  );

  const lastScenario = await prometheus.query('consumer_probe_last_scenario == 1');
  assert.deepEqual(
    lastScenario.map((s) => s.metric.scenario),
    ['healthy'],
  );
  const success = await prometheus.query('time() - consumer_probe_last_success_timestamp_seconds');
  assert.ok(Number(success[0]?.value[1]) < 120, 'the last success is recent');

  const exposition = (await httpCall(`${serve.url}/metrics`)).body;
  const lint = promtoolCheckMetrics(exposition);
  assert.deepEqual(lint, { status: 0, output: '' }, 'promtool check metrics: no error, no warning');

  // Teardown: both processes and their groups end, nothing left running.
  const pids = [serve.child.pid!, prometheus.process.pid!];
  serve.child.kill('SIGTERM');
  assert.equal((await withDeadline(serve.exited, { what: 'serve to exit', timeoutMs: 10_000 })).code, 0);
  await prometheus.stop();
  for (const pid of pids) {
    assert.equal(isRunning(pid), false, `process ${pid} is gone`);
    assert.throws(() => process.kill(-pid, 0), 'its process group is gone');
  }
});
