// Stopping a probe stops everything: no watch, request, timer or socket outlives the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProbe } from '../../src/probe/runProbe';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { optionsFor } from '../helpers/sandboxProbe';
import { waitFor } from '../helpers/waitFor';

const activeHandles = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();

test('aborting mid-run ends the run at once and leaves nothing running', async () => {
  const baseline = activeHandles();
  const sandbox = await Sandbox.start();
  const controller = new AbortController();
  let podSeen!: () => void;
  const seen = new Promise<void>((resolve) => (podSeen = resolve));
  const run = startProbe(optionsFor(sandbox, profileByName('pod_pending')!), {
    signal: controller.signal,
    onObservation: (o) => o.kind === 'pod.changed' && o.pod.name.startsWith('grpc-job-') && podSeen(),
  });
  await seen;
  const watchesDuringRun = sandbox.api.openWatches;
  assert.ok(watchesDuringRun >= 3, `the probe watches pods, jobs and events (${watchesDuringRun} open)`);

  controller.abort(new Error('user pressed stop'));
  const report = await run.report;
  assert.equal(report.scenario.id, 'pod_pending');
  assert.equal(report.scenario.severity, 'inconclusive');
  assert.match(report.scenario.summary, /stopped at/);
  await waitFor(() => sandbox.api.openWatches === 0, { what: 'the probe to close its watches', timeoutMs: 2000 });

  await sandbox.stop();
  await waitFor(() => activeHandles().length <= baseline.length, {
    what: `handles back to the baseline (${baseline.join(', ')}); now ${activeHandles().join(', ')}`,
    timeoutMs: 3000,
  });
});
