// When the job's pod waits for a GPU, the run ends with one list of the namespace's running pods (a
// field selector) naming who holds the GPUs; a run whose pod got one makes no such list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Observation } from '../../src/probe/model';
import { startProbe } from '../../src/probe/runProbe';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { decoyJobIds } from '../../src/sandbox/clusterObjects';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';

async function probe(profile: string, t: { after: (fn: () => Promise<void>) => void }) {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  sandbox.api.usage.reset();
  const seen: Observation[] = [];
  const report = await startProbe(probeOptionsForProfile(sandbox, profileByName(profile)!), { onObservation: (o) => seen.push(o) }).report;
  const runningPodLists = sandbox.api.usage.snapshot().log.filter((r) => r.query.includes('fieldSelector=status.phase%3DRunning'));
  return { report, seen, runningPodLists };
}

test('pod_pending for a GPU: one list of running pods names the holders, this backend’s stale jobs among them', async (t) => {
  const { report, seen, runningPodLists } = await probe('pod_pending', t);
  assert.equal(report.scenario.id, 'pod_pending', report.scenario.summary);
  assert.equal(runningPodLists.length, 1, 'exactly one enrichment list');
  const found = seen.find((o) => o.kind === 'gpu.holders');
  assert.ok(found && found.kind === 'gpu.holders', 'the holders were looked up');
  assert.equal(found.error, null);
  const decoys = decoyJobIds(report.jobId!).map((id) => `grpc-job-${id}`);
  const names = found.holders.map((h) => h.name);
  for (const decoy of decoys)
    assert.ok(
      names.some((n) => n.startsWith(`${decoy}-`)),
      `${decoy}'s pod holds a GPU: ${names.join(', ')}`,
    );
  assert.ok(found.holders.every((h) => h.backendJob && h.gpus === 1 && h.resource === 'nvidia.com/gpu.shared' && h.runningForMs! > 0));
  assert.ok(!names.some((n) => n.startsWith('panda-panda-focus-server')), 'pods without a GPU are not holders');
});

test('a healthy run makes no list of unrelated pods', async (t) => {
  const { report, seen, runningPodLists } = await probe('healthy', t);
  assert.equal(report.scenario.id, 'healthy');
  assert.deepEqual(runningPodLists, []);
  assert.ok(!seen.some((o) => o.kind === 'gpu.holders'));
});
