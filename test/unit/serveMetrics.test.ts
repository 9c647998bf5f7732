// serve's metrics: the contract's names, every bounded label set present from the start, and what one
// run changes. Read back from the exposition text, as Prometheus reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stageName } from '../../src/probe/burst/model';
import { ProbeError } from '../../src/probe/errors';
import { SCENARIO_IDS, TIMING_KEYS } from '../../src/probe/model';
import { PROBE_ERROR_REASONS, STAGE_BUCKETS_SECONDS, ServeMetrics, probeErrorReason } from '../../src/serve/serveMetrics';
import { healthyReport, podPendingReport } from '../fixtures/reports';
import { CONTRACT_STAGES } from '../fixtures/stageNames';

/** `name{labels} value` lines as a map from `name{labels}` to the number. */
async function samples(metrics: ServeMetrics): Promise<Map<string, number>> {
  const { body } = await metrics.exposition();
  const out = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const STAGES = TIMING_KEYS.map(stageName);

test('the stage label values are the snake-case stage names of burst', () => {
  assert.deepEqual(STAGES, CONTRACT_STAGES);
});

test('a fresh process exposes every contract metric, each label set at zero', async () => {
  const metrics = new ServeMetrics();
  const { body, contentType } = await metrics.exposition();
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  for (const [name, type] of [
    ['consumer_probe_runs_total', 'counter'],
    ['consumer_probe_stage_seconds', 'histogram'],
    ['consumer_probe_last_run_timestamp_seconds', 'gauge'],
    ['consumer_probe_last_success_timestamp_seconds', 'gauge'],
    ['consumer_probe_last_scenario', 'gauge'],
    ['consumer_probe_probe_errors_total', 'counter'],
  ]) {
    assert.ok(body.includes(`# TYPE ${name} ${type}\n`), `${name} is a ${type}`);
  }
  const s = await samples(metrics);
  for (const scenario of SCENARIO_IDS) {
    assert.equal(s.get(`consumer_probe_runs_total{scenario="${scenario}"}`), 0, scenario);
    assert.equal(s.get(`consumer_probe_last_scenario{scenario="${scenario}"}`), 0, scenario);
  }
  for (const reason of PROBE_ERROR_REASONS) assert.equal(s.get(`consumer_probe_probe_errors_total{reason="${reason}"}`), 0, reason);
  for (const stage of STAGES) {
    for (const le of [...STAGE_BUCKETS_SECONDS.map(String), '+Inf']) {
      assert.equal(s.get(`consumer_probe_stage_seconds_bucket{le="${le}",stage="${stage}"}`), 0, `${stage} le=${le}`);
    }
    assert.equal(s.get(`consumer_probe_stage_seconds_count{stage="${stage}"}`), 0);
  }
  assert.equal(s.get('consumer_probe_last_run_timestamp_seconds'), 0);
  assert.equal(s.get('consumer_probe_last_success_timestamp_seconds'), 0);
});

test('the buckets run from 50 ms to 120 s and include the default slow threshold (20 s)', () => {
  assert.equal(STAGE_BUCKETS_SECONDS[0], 0.05);
  assert.equal(STAGE_BUCKETS_SECONDS.at(-1), 120);
  assert.ok((STAGE_BUCKETS_SECONDS as readonly number[]).includes(20));
  for (let i = 1; i < STAGE_BUCKETS_SECONDS.length; i++) assert.ok(STAGE_BUCKETS_SECONDS[i]! > STAGE_BUCKETS_SECONDS[i - 1]!);
});

test('a healthy run: counted, its stages observed in seconds, both timestamps set, its scenario the last', async () => {
  const metrics = new ServeMetrics();
  const report = healthyReport();
  report.timings.podScheduledMs = null; // a stage not observed is not observed as anything
  metrics.recordRun(report, 1_700_000_000_500);
  const s = await samples(metrics);
  assert.equal(s.get('consumer_probe_runs_total{scenario="healthy"}'), 1);
  assert.equal(s.get('consumer_probe_last_run_timestamp_seconds'), 1_700_000_000.5);
  assert.equal(s.get('consumer_probe_last_success_timestamp_seconds'), 1_700_000_000.5);
  assert.equal(s.get('consumer_probe_last_scenario{scenario="healthy"}'), 1);
  for (const key of TIMING_KEYS) {
    const stage = stageName(key);
    const ms = report.timings[key];
    assert.equal(s.get(`consumer_probe_stage_seconds_count{stage="${stage}"}`), ms === null ? 0 : 1, stage);
    if (ms === null) continue;
    assert.ok(Math.abs(s.get(`consumer_probe_stage_seconds_sum{stage="${stage}"}`)! - ms / 1000) < 1e-9, `${stage} sum in seconds`);
    const firstBucket = STAGE_BUCKETS_SECONDS.find((le) => ms / 1000 <= le)!;
    assert.equal(
      s.get(`consumer_probe_stage_seconds_bucket{le="${firstBucket}",stage="${stage}"}`),
      1,
      `${stage} in bucket ${firstBucket}`,
    );
  }
});

test('a failed run after a healthy one: the last scenario moves, the last success stays', async () => {
  const metrics = new ServeMetrics();
  metrics.recordRun(healthyReport(), 1_000_000);
  metrics.recordRun(podPendingReport(), 2_000_000);
  const s = await samples(metrics);
  assert.equal(s.get('consumer_probe_runs_total{scenario="healthy"}'), 1);
  assert.equal(s.get('consumer_probe_runs_total{scenario="pod_pending"}'), 1);
  assert.equal(s.get('consumer_probe_last_run_timestamp_seconds'), 2000);
  assert.equal(s.get('consumer_probe_last_success_timestamp_seconds'), 1000);
  assert.equal(s.get('consumer_probe_last_scenario{scenario="pod_pending"}'), 1);
  assert.equal(s.get('consumer_probe_last_scenario{scenario="healthy"}'), 0);
  const ones = [...s].filter(([k, v]) => k.startsWith('consumer_probe_last_scenario{') && v === 1);
  assert.equal(ones.length, 1, 'exactly one scenario is the last');
});

test('probe errors: the ProbeError code in snake case, anything else "unexpected"', async () => {
  assert.equal(probeErrorReason(new ProbeError('KUBECONFIG_UNREADABLE', 'x')), 'kubeconfig_unreadable');
  assert.equal(probeErrorReason(new ProbeError('BAD_ARGUMENT', 'x')), 'bad_argument');
  assert.equal(probeErrorReason(new TypeError('boom')), 'unexpected');
  assert.equal(probeErrorReason('a string'), 'unexpected');
  const metrics = new ServeMetrics();
  metrics.recordProbeError('kubeconfig_unreadable');
  metrics.recordProbeError('kubeconfig_unreadable');
  const s = await samples(metrics);
  assert.equal(s.get('consumer_probe_probe_errors_total{reason="kubeconfig_unreadable"}'), 2);
  assert.equal(s.get('consumer_probe_runs_total{scenario="healthy"}'), 0, 'a run that could not start is no run');
});
