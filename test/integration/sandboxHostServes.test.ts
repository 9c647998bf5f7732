// The pod actions ask the sandbox host whether a sandbox run's cluster still exists before they point
// kubectl or the engine at it: the sandbox that played the run, and only while it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SandboxHost } from '../../src/extension/sandboxHost';

test("a sandbox run's cluster is served while its sandbox runs, not after it stopped or restarted; a cluster run always is", async (t) => {
  const host = new SandboxHost();
  t.after(() => host.stop());
  const settings = { podLabels: {}, timeScale: 1 };
  const { target } = await host.prepare('healthy', settings);
  assert.equal(host.serves(target), true);
  const forbidden = (await host.prepare('cluster_unavailable', settings)).target;
  assert.notEqual(forbidden.kubeconfig, target.kubeconfig);
  assert.equal(host.serves(forbidden), true, 'the 403 kubeconfig belongs to the same sandbox');

  // New settings restart the sandbox elsewhere: the old run's pods are gone.
  const next = (await host.prepare('healthy', { podLabels: { team: 'qa' }, timeScale: 1 })).target;
  assert.equal(host.serves(target), false);
  assert.equal(host.serves(next), true);
  await host.stop();
  assert.equal(host.serves(next), false);
  assert.equal(host.serves({ kind: 'cluster', backendUrl: 'http://x', namespace: 'panda' }), true);
});
