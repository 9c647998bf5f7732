// Stopping a probe stops everything: no watch, request, timer or socket outlives the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProbe } from '../../src/probe/runProbe';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';
import { waitFor } from '../helpers/waitFor';

const activeHandles = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'TTYWrap')
    .sort();

test('aborting mid-run ends the run at once and leaves nothing running', async () => {
  const baseline = activeHandles();
  const sandbox = await Sandbox.start();
  const controller = new AbortController();
  let podSeen!: () => void;
  const seen = new Promise<void>((resolve) => (podSeen = resolve));
  const run = startProbe(probeOptionsForProfile(sandbox, profileByName('pod_pending')!), {
    signal: controller.signal,
    onObservation: (o) => o.kind === 'pod.changed' && o.pod.name.startsWith('grpc-job-') && podSeen(),
  });
  await seen;
  const watchesDuringRun = sandbox.api.openWatches;
  assert.ok(watchesDuringRun >= 3, `the probe watches pods, jobs and events (${watchesDuringRun} open)`);

  controller.abort(new Error('user pressed stop'));
  const report = await run.report;
  assert.equal(report.scenario.id, 'stopped');
  assert.equal(report.scenario.severity, 'inconclusive');
  assert.match(report.scenario.summary, /stopped at/);
  await waitFor(() => sandbox.api.openWatches === 0, { what: 'the probe to close its watches', timeoutMs: 2000 });

  await sandbox.stop();
  await waitFor(() => activeHandles().length <= baseline.length, {
    what: `handles back to the baseline (${baseline.join(', ')}); now ${activeHandles().join(', ')}`,
    timeoutMs: 3000,
  });
});

test('aborting while logs are followed and the broker is polled closes every follow and socket', async () => {
  const baseline = activeHandles();
  const sandbox = await Sandbox.start();
  const controller = new AbortController();
  let following!: () => void;
  const podLogsOpen = new Promise<void>((resolve) => (following = resolve));
  const run = startProbe(probeOptionsForProfile(sandbox, profileByName('pod_failed')!), {
    signal: controller.signal,
    onObservation: (o) => o.kind === 'log.access' && o.source === 'pod' && o.access.state === 'following' && following(),
  });
  await podLogsOpen;
  assert.ok(sandbox.api.openFollows >= 2, `the backend's and the pod's logs are followed (${sandbox.api.openFollows} open)`);
  const stoppedAt = performance.now();
  controller.abort(new Error('user pressed stop'));
  const report = await run.report;
  assert.ok(performance.now() - stoppedAt < 1000, 'the run ended at once (no grace period after an abort)');
  assert.equal(report.scenario.severity, 'inconclusive');
  assert.notEqual(report.logs.pod, null, 'what was read before the stop is kept');
  await waitFor(() => sandbox.api.openFollows === 0 && sandbox.api.openWatches === 0, {
    what: 'the probe to close its follows and watches',
    timeoutMs: 2000,
  });
  await sandbox.stop();
  await waitFor(() => activeHandles().length <= baseline.length, {
    what: `handles back to the baseline (${baseline.join(', ')}); now ${activeHandles().join(', ')}`,
    timeoutMs: 3000,
  });
});
