// The built CLI (dist/cli.js) on bad input: exit 2 and one line, no stack trace, nothing hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertReportContract } from '../helpers/reportContract';

const CLI = resolve(__dirname, '../../dist/cli.js');

function cli(t: import('node:test').TestContext, args: string[], env: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'cp-cli-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const { KUBECONFIG: _ignored, ...base } = process.env;
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...base, HOME: home, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { ...r, home };
}

function assertOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  assert.match(lines[0]!, pattern);
  assert.ok(lines.length <= 2, `expected one error line (plus a usage hint), got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('missing --backend: exit 2, one line', (t) => {
  const r = cli(t, ['run']);
  assert.equal(r.status, 2);
  assertOneLineError(r.stderr, /^consumer-probe: run needs --backend URL$/);
});

test('unknown flag: exit 2', (t) => {
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:9', '--frob']);
  assert.equal(r.status, 2);
  assertOneLineError(r.stderr, /Unknown option '--frob'/);
});

test('an invalid --backend-selector: exit 2, one line naming the flag and the parse error, nothing sent', (t) => {
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:9', '--backend-selector', 'app in (focus']);
  assert.equal(r.status, 2);
  assertOneLineError(
    r.stderr,
    /^consumer-probe: --backend-selector is not a valid label selector \("app in \(focus"\): found '', expected: ',' or '\)'$/,
  );
  assert.equal(r.stdout, '');
});

test('a kubeconfig that does not exist: exit 2 before anything is sent', (t) => {
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:9', '--kubeconfig', '/nonexistent/kubeconfig.yaml']);
  assert.equal(r.status, 2);
  assertOneLineError(r.stderr, /^consumer-probe: cannot read kubeconfig \/nonexistent\/kubeconfig\.yaml: no such file$/);
  assert.equal(r.stdout, '');
});

test('a --body file that is not JSON: exit 2', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-body-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'body.json'), '{ not json');
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:9', '--body', join(dir, 'body.json')]);
  assert.equal(r.status, 2);
  assertOneLineError(r.stderr, /is not valid JSON/);
});

/** Exactly one line: an output path is not a usage mistake, so no usage hint follows it. */
function assertExactlyOneLine(stderr: string, pattern: RegExp) {
  assert.equal(stderr.split('\n').filter(Boolean).length, 1, `expected exactly one line, got:\n${stderr}`);
  assert.match(stderr.trim(), pattern);
}

test('an output path in a folder that does not exist is refused before the run, in exactly one line', (t) => {
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:9', '--junit', '/nonexistent/dir/r.xml']);
  assert.equal(r.status, 2);
  assertExactlyOneLine(r.stderr, /^consumer-probe: --junit \/nonexistent\/dir\/r\.xml: folder \/nonexistent\/dir does not exist$/);
  const json = cli(t, ['run', '--backend', 'http://127.0.0.1:9', '--json', '/missing-dir/r.json']);
  assert.equal(json.status, 2);
  assertExactlyOneLine(json.stderr, /^consumer-probe: --json \/missing-dir\/r\.json: folder \/missing-dir does not exist$/);
});

test('an output file in a folder that exists but cannot be written: exit 2, one line, nothing started', (t) => {
  // /proc/1 exists (even for root) and refuses new files.
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:9', '--json', '/proc/1/r.json']);
  assert.equal(r.status, 2);
  assertExactlyOneLine(r.stderr, /^consumer-probe: --json \/proc\/1\/r\.json cannot be written: E[A-Z]+$/);
  assert.equal(r.stdout, '', 'no probe output: the run never started');
});

test('a write that fails after the run (disk full): exit 2, the error, and the report on stderr as JSON', (t) => {
  // /dev/full opens like any file and fails every write with ENOSPC.
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:1', '--timeout', '3', '--json', '/dev/full', '--quiet']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^consumer-probe: cannot write --json \/dev\/full: ENOSPC$/m);
  const marker = 'consumer-probe: the report as JSON, so that it is not lost:\n';
  assert.ok(r.stderr.includes(marker), r.stderr);
  const report = JSON.parse(r.stderr.slice(r.stderr.indexOf(marker) + marker.length));
  assertReportContract(report);
  assert.equal(report.scenario.id, 'configure_failed');
  assert.equal(report.scenario.cause, 'unreachable');
});

test('an unreachable backend is a diagnosis (configure_failed, exit 1), and --json - keeps stdout pure JSON', (t) => {
  const r = cli(t, ['run', '--backend', 'http://127.0.0.1:1', '--json', '-', '--timeout', '3']);
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.scenario.id, 'configure_failed');
  assert.match(report.scenario.evidence[0], /ECONNREFUSED/);
  assert.match(r.stderr, /RESULTS/);
  assert.match(r.stderr, /no kubeconfig found/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('--help prints the contract usage and exits 0', (t) => {
  const r = cli(t, ['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /consumer-probe run --backend URL/);
  assert.match(r.stdout, /consumer-probe sandbox \[--port N\]/);
});
