// A namespace that does not exist looks exactly like an empty one to lists and watches (200, nothing);
// the probe must look the namespace up and say so, not blame the Job that was created elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';
import { profileByName } from '../../src/sandbox/profiles';
import { probeOverridesForProfile } from '../../src/sandbox/probeOptions';
import { Sandbox } from '../../src/sandbox/sandbox';
import { assertReportContract } from '../helpers/reportContract';

async function probeInNamespace(namespace: string, t: { after: (fn: () => Promise<void>) => void }) {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const overrides = probeOverridesForProfile(sandbox, profileByName('pod_pending')!);
  return startProbe(probeOptions({ ...overrides, kube: { ...overrides.kube, namespace } })).report;
}

test('--namespace naming a namespace the cluster does not have: pod_never_created, cause namespace_not_found', async (t) => {
  const report = await probeInNamespace('pandas', t);
  assertReportContract(JSON.parse(JSON.stringify(report)));
  assert.equal(report.scenario.id, 'pod_never_created', report.scenario.summary);
  assert.equal(report.scenario.cause, 'namespace_not_found');
  assert.ok(
    report.scenario.evidence.includes('GET /api/v1/namespaces/pandas → 404 namespaces "pandas" not found'),
    report.scenario.evidence.join('\n'),
  );
  assert.equal(report.pods.length, 0);
});

test('the namespace the Job is in: the lookup finds it and the real cause stands', async (t) => {
  const report = await probeInNamespace('panda', t);
  assert.equal(report.scenario.id, 'pod_pending', report.scenario.summary);
  assert.notEqual(report.scenario.cause, 'namespace_not_found');
});
