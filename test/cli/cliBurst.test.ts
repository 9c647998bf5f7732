// `consumer-probe burst` as a user runs it (dist/cli.js): the contract's errors (exit 2, one line), and a
// sandbox burst whose thresholds decide the exit status, with `--json -` keeping stdout for the JSON.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Sandbox } from '../../src/sandbox/sandbox';
import { runCli } from '../helpers/runCli';
import { makeTempDir } from '../helpers/tmp';

test('burst: bad arguments exit 2 with one line and no stack', async (t) => {
  for (const args of [
    ['burst', '--backend', 'http://127.0.0.1:9', '--jobs', '3', '--threshold', 'consumer_ready:p95'],
    ['burst', '--backend', 'http://127.0.0.1:9', '--jobs', '3', '--threshold', 'ready:p95:20'],
    ['burst', '--backend', 'http://127.0.0.1:9', '--jobs', '0'],
    ['burst', '--backend', 'http://127.0.0.1:9'],
    ['burst', '--jobs', '2'],
    ['demo', '--concurrency', '2'],
  ]) {
    const r = await runCli(t, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /^consumer-probe: /, args.join(' '));
    assert.ok(lines.length <= 2 && !/\n\s+at /.test(r.stderr), r.stderr);
    assert.equal(r.stdout, '');
  }
});

test('burst against the sandbox: thresholds decide the exit status; --json - keeps stdout for the JSON', async (t) => {
  const sandbox = await Sandbox.start({});
  t.after(() => sandbox.stop());
  const dir = makeTempDir(t, 'cp-burst-');
  const junit = join(dir, 'burst.xml');
  const base = ['burst', '--backend', sandbox.backendUrlFor('healthy'), '--kubeconfig', sandbox.kubeconfigFor('healthy')];
  const flags = ['--namespace', sandbox.namespace, '--jobs', '3', '--timeout', '8', '--slow', '4', '--json', '-', '--junit', junit];

  const met = await runCli(t, [...base, ...flags, '--threshold', 'pod_created:p95:5'], { killAfterMs: 60_000 });
  assert.equal(met.code, 0, met.stderr);
  const report = JSON.parse(met.stdout);
  assert.equal(report.kind, 'burst');
  assert.equal(report.runs.length, 3);
  assert.deepEqual(
    report.thresholds.map((x: { passed: boolean }) => x.passed),
    [true],
  );
  assert.match(met.stderr, /progress: 3\/3 jobs done/, 'the live text goes to stderr');
  assert.match(readFileSync(junit, 'utf8'), /<testsuite name="consumer-probe burst" tests="4" failures="0"/);

  // The same healthy jobs, a limit no pod can meet: exit 1, the failed threshold in the JUnit.
  const missed = await runCli(t, [...base, ...flags, '--threshold', 'pod_created:p95:0.001'], { killAfterMs: 60_000 });
  assert.equal(missed.code, 1, missed.stderr);
  assert.deepEqual(JSON.parse(missed.stdout).scenarios, { healthy: 3 });
  assert.match(readFileSync(junit, 'utf8'), /tests="4" failures="1"/);
});
