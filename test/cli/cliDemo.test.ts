// `consumer-probe demo`, the README's main job: a healthy diagnosis with every timing observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TIMING_KEYS } from '../../src/probe/model';
import { assertReportContract } from '../helpers/reportContract';

const CLI = resolve(__dirname, '../../dist/cli.js');

function env(t: import('node:test').TestContext): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'cp-demo-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const { KUBECONFIG: _unused, ...base } = process.env;
  return { ...base, HOME: home };
}

test('demo: healthy, exit 0, every timing observed, and the familiar sections', (t) => {
  const r = spawnSync(process.execPath, [CLI, 'demo'], { env: env(t), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  for (const section of ['RESULTS', 'POD MONITORING RESULTS', 'TIMING ANALYSIS', 'DIAGNOSIS'])
    assert.match(r.stdout, new RegExp(`^${section}$`, 'm'));
  assert.match(r.stdout, /healthy — Consumer ready \[OK\]/);
  // A time may carry its window when that is wide: `1.697s  (between 1.439s and 1.697s)`.
  const value = String.raw`\d\.\d{3}s(  \((between \d+\.\d{3}s and \d+\.\d{3}s|no earlier bound)\))?`;
  for (const key of TIMING_KEYS) assert.match(r.stdout, new RegExp(`^\\s+${key}\\s+\\S.*?${value}$`, 'm'), `${key} has a value`);
  assert.equal(r.stderr, '');
});

test('demo --json -: only the JSON document on stdout, every timing non-null', (t) => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--json', '-'], { env: env(t), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertReportContract(report);
  assert.equal(report.scenario.id, 'healthy');
  for (const key of TIMING_KEYS) assert.equal(typeof report.timings[key], 'number', key);
  assert.ok(report.timings.podCreatedMs < report.timings.podReadyMs && report.timings.podReadyMs < report.timings.consumerReadyMs);
  assert.match(r.stderr, /TIMING ANALYSIS/);
});

test('demo with an unknown scenario: exit 2 and the list of profiles', (t) => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--scenario', 'nope'], { env: env(t), encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^consumer-probe: unknown scenario "nope" \(one of: healthy, .*cluster_unavailable\)$/m);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} stops a running probe at once: every requested output is still written, scenario stopped, exit 1`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-stop-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const [json, markdown, junit] = ['r.json', 'r.md', 'r.xml'].map((f) => join(dir, f));
    const args = ['demo', '--scenario', 'pod_pending', '--json', json!, '--markdown', markdown!, '--junit', junit!];
    const child = spawn(process.execPath, [CLI, ...args], { env: env(t), stdio: 'pipe' });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    await new Promise<void>((res) => {
      const check = () => (/EVENT Warning FailedScheduling/.test(out) ? res() : undefined);
      child.stdout.on('data', check);
    });
    const interruptedAt = Date.now();
    child.kill(signal);
    const code = await exited;
    assert.equal(code, 1);
    assert.ok(Date.now() - interruptedAt < 3000, 'stops promptly, well before the 5 s timeout would have ended it');
    assert.match(out, /^stopped\/stopped_by_user — Stopped before a verdict \[INCONCLUSIVE\]$/m);
    assert.match(out, /stopped at \d+\.\d{3}s/);
    const report = JSON.parse(readFileSync(json!, 'utf8'));
    assertReportContract(report);
    assert.equal(report.scenario.id, 'stopped');
    assert.equal(report.scenario.cause, 'stopped_by_user');
    assert.ok(report.timings.podCreatedMs !== null, 'what was seen before the stop is kept');
    assert.match(readFileSync(markdown!, 'utf8'), /Stopped before a verdict/);
    assert.match(readFileSync(junit!, 'utf8'), /<failure message="The probe was stopped at/);
  });
}
