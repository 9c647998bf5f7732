// The extension's run wrapper against the sandbox, without VS Code: live snapshots arrive while the
// probe runs (coalesced, not one per observation), the live text flows, and stop ends the run with
// the report so far. Also the run history's persistence through a Memento.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Memento } from 'vscode';
import { RunHistory } from '../../src/extension/history';
import { ProbeSession } from '../../src/extension/probeSession';
import type { RunRecord } from '../../src/extension/runRecord';
import { SandboxHost } from '../../src/extension/sandboxHost';
import { ProbeError } from '../../src/probe/errors';
import { defaultProbeOptions } from '../../src/probe/options';
import { waitFor } from '../helpers/waitFor';

test('a sandbox session publishes live snapshots, then the final report', async (t) => {
  const host = new SandboxHost();
  t.after(() => host.stop());
  const { options, target } = await host.prepare('healthy', { podLabels: { team: 'probe' }, timeScale: 1 });
  const updates: RunRecord[] = [];
  const lines: string[] = [];
  const session = new ProbeSession(options, target, { onUpdate: (r) => updates.push(r), log: (l) => lines.push(l) });
  const final = await session.done;

  assert.equal(final.status, 'done');
  assert.equal(final.report?.scenario.id, 'healthy');
  assert.equal(final.target.scenario, 'healthy');
  const live = updates.filter((u) => u.status === 'running' && u.report);
  assert.ok(
    live.some((u) => u.report!.pods.some((p) => p.role === 'primary')),
    'a live snapshot showed the pod before the end',
  );
  const observations = lines.length + final.report!.metadataAttempts.length;
  assert.ok(updates.length < observations, `snapshots are coalesced (${updates.length} for ≥${observations} observations)`);
  assert.ok(
    updates.every((u, i) => i === 0 || u.elapsedMs >= updates[i - 1]!.elapsedMs),
    'elapsed time never goes back',
  );
  assert.ok(
    lines.some((l) => l.includes('STEP 1  POST')),
    'the live text reaches the log',
  );
  const primary = final.report!.pods.find((p) => p.role === 'primary')!;
  assert.equal(primary.labels.team, 'probe', 'the sandbox put the configured extra label on the job pod');
});

test('stop ends the session with an inconclusive report and closes every watch', async (t) => {
  const host = new SandboxHost();
  t.after(() => host.stop());
  const { options, target } = await host.prepare('consumer_never_ready', { podLabels: {}, timeScale: 1 });
  let sawPod = false;
  const session = new ProbeSession(options, target, {
    onUpdate: (r) => (sawPod ||= !!r.report?.pods.some((p) => p.role === 'primary')),
    log: () => {},
  });
  await waitFor(() => sawPod, { what: 'the pod in a live snapshot', timeoutMs: 5000 });
  assert.ok(host.current!.api.openWatches > 0);
  session.stop();
  const final = await session.done;
  assert.equal(final.report?.scenario.severity, 'inconclusive');
  assert.equal(session.running, false);
  await waitFor(() => host.current!.api.openWatches === 0, { what: 'the watches to close', timeoutMs: 2000 });
});

test('a probe that cannot start ends as a failed run with one sentence', async () => {
  const options = defaultProbeOptions('http://127.0.0.1:9');
  options.kube.kubeconfig = '/nonexistent/kubeconfig';
  const target = { kind: 'cluster' as const, backendUrl: 'http://127.0.0.1:9', namespace: 'panda' };
  const final = await new ProbeSession(options, target, { onUpdate: () => {}, log: () => {} }).done;
  assert.equal(final.status, 'failed');
  assert.equal(final.error, 'cannot read kubeconfig /nonexistent/kubeconfig: no such file');
  assert.equal(final.report, null);
});

test('an unknown sandbox scenario is a clear error', async () => {
  const host = new SandboxHost();
  await assert.rejects(
    host.prepare('nope', { podLabels: {}, timeScale: 1 }),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && /unknown sandbox scenario "nope"/.test((e as Error).message),
  );
  assert.equal(host.current, undefined, 'nothing was started');
});

test('history keeps finished runs across reloads, drops running ones and garbage', async () => {
  const store = new Map<string, unknown>();
  const memento = {
    get: (k: string) => store.get(k),
    update: async (k: string, v: unknown) => void store.set(k, v),
    keys: () => [...store.keys()],
  } as unknown as Memento;
  const run = (id: string, status: RunRecord['status'], startedAt: string): RunRecord => ({
    id,
    status,
    startedAt,
    elapsedMs: 1,
    report: null,
    target: { kind: 'cluster', backendUrl: 'http://x', namespace: 'panda' },
  });
  await new RunHistory(memento).save([
    run('a', 'done', '2024-01-01T00:00:02Z'),
    run('b', 'running', '2024-01-01T00:00:03Z'),
    run('c', 'failed', '2024-01-01T00:00:01Z'),
  ]);
  assert.deepEqual(
    new RunHistory(memento).load().map((r) => r.id),
    ['a', 'c'],
  );
  store.set([...store.keys()][0]!, [{ nonsense: true }, 42, run('d', 'done', '2024-01-01T00:00:00Z')]);
  assert.deepEqual(
    new RunHistory(memento).load().map((r) => r.id),
    ['d'],
  );
});

test('the sandbox time scale slows the script and stretches the thresholds with it', async (t) => {
  const host = new SandboxHost();
  t.after(() => host.stop());
  const normal = await host.prepare('healthy', { podLabels: {}, timeScale: 1 });
  const slow = await host.prepare('healthy', { podLabels: {}, timeScale: 2 });
  assert.equal(slow.options.timeoutMs, normal.options.timeoutMs * 2);
  assert.equal(slow.options.slowThresholdMs, normal.options.slowThresholdMs * 2);
  const final = await new ProbeSession(slow.options, slow.target, { onUpdate: () => {}, log: () => {} }).done;
  assert.equal(final.report?.scenario.id, 'healthy');
  const truth = host.current!.job(final.report!.jobId!)!.truth;
  // healthy scripts the pod ready at 1.4 s and the consumer at 2.3 s after configure; a timer may
  // fire a fraction of a millisecond early against performance.now().
  assert.ok(truth.podReadyMs! >= 2 * 1400 - 2, `pod ready at ${truth.podReadyMs} ms`);
  assert.ok(truth.consumerReadyMs! >= 2 * 2300 - 2, `consumer ready at ${truth.consumerReadyMs} ms`);
});
