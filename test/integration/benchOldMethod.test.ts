// The benchmark's baseline against the sandbox: the old test's method lists every pod of the namespace
// through the sandbox's API server (which counts exactly the bytes it received), takes every pod whose
// name contains the job id (decoys included), and sees the job's own pod and the consumer come up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runOldMethod } from '../../bench/oldMethod';
import { DEFAULT_CONFIGURE_BODY } from '../../src/probe/options';
import { decoyJobIds } from '../../src/sandbox/cluster';
import { Sandbox } from '../../src/sandbox/sandbox';

test('old method: full pod lists every 500 ms with name-contains matching, metadata every 100 ms, all counted by the sandbox', async (t) => {
  const sandbox = await Sandbox.start({ noise: { unrelatedPods: 100 } });
  t.after(() => sandbox.stop());
  sandbox.resetUsage();

  const result = await runOldMethod({
    backendUrl: sandbox.backendUrlFor('healthy'),
    kubeconfig: sandbox.kubeconfigPath,
    namespace: sandbox.namespace,
    body: DEFAULT_CONFIGURE_BODY,
    timeoutMs: 8_000,
  });
  const jobId = result.jobId!;
  assert.ok(jobId, 'configured');
  const truth = sandbox.job(jobId)!.truth;

  // The consumer: first 200 after the sandbox made metadata ready, within one poll.
  assert.ok(result.consumerReadyMs !== null);
  const readyAt = sandbox.job(jobId)!.configureReceivedAt - result.t0 + truth.consumerReadyMs!;
  assert.ok(result.consumerReadyMs >= readyAt && result.consumerReadyMs <= readyAt + 100 + 100, `${result.consumerReadyMs} vs ${readyAt}`);

  // The job's own pod, seen created, Running and Ready by successive polls.
  const primary = sandbox.cluster.podNameOf(jobId)!;
  const seen = result.pods[primary];
  assert.ok(seen && seen.runningMs !== null && seen.readyMs !== null, JSON.stringify(result.pods));
  assert.ok(seen.createdMs <= seen.runningMs && seen.runningMs <= seen.readyMs);
  // …and, as the old test did, every pod whose name merely contains the id.
  for (const decoy of decoyJobIds(jobId)) {
    assert.ok(
      Object.keys(result.pods).some((name) => name.startsWith(`grpc-job-${decoy}-`)),
      `decoy ${decoy} taken`,
    );
  }

  // Every list was a full GET of the namespace's pods, and the sandbox counted exactly what it received.
  const usage = sandbox.apiUsage();
  const lists = usage.log.filter((e) => e.path === `/api/v1/namespaces/${sandbox.namespace}/pods`);
  assert.equal(lists.length, usage.requests, 'it asks the API server nothing else');
  assert.ok(lists.every((e) => e.query === '' && e.status === 200));
  assert.ok(result.podPolls >= 4 && Math.abs(lists.length - result.podPolls) <= 1, `${lists.length} lists, ${result.podPolls} polls`);
  const completed = lists.slice(0, result.podPolls).reduce((sum, e) => sum + e.bytes, 0);
  assert.equal(result.podListBytes, completed);
  assert.ok(result.podListBytes / result.podPolls > 100 * 1_500, 'each list carries the 100 unrelated pods');
  assert.equal(sandbox.backendUsage().metadata, result.metadataPolls);
  assert.equal(sandbox.backendUsage().configure, 1);
});
