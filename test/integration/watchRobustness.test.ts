// The sandbox breaks the probe's watches after every change of the job's pod and expires them once
// (410 Gone) mid-run; the probe must still see every transition, by resuming and re-listing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProbe } from '../../src/probe/runProbe';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';

test('watch streams closed after every pod change and one 410 mid-run: no pod transition is missed', async (t) => {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const profile = profileByName('healthy')!;

  const states: string[] = [];
  let closes = 0;
  let expired = false;
  const unsubscribe = sandbox.store.subscribe((change) => {
    if (change.resource !== 'pods' || !change.object.metadata.name.startsWith('grpc-job-')) return;
    const status = (change.object as { status?: { phase?: string; conditions?: { type: string; status: string }[] } }).status;
    const ready = status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    states.push(`${change.object.metadata.name}:${status?.phase ?? 'Pending'}:${ready}`);
    // Break the streams before the API server writes this change to them: the probe must get it
    // from the replay when it resumes (or from the re-list after the 410).
    // MODIFIED: the job's own pod turning Running (decoy pods of other jobs are created Running).
    if (!expired && change.type === 'MODIFIED' && status?.phase === 'Running') {
      expired = true;
      sandbox.api.expireWatches();
    } else {
      closes += sandbox.api.closeWatches();
    }
  });
  t.after(unsubscribe);

  const report = await startProbe(probeOptionsForProfile(sandbox, profile)).report;
  assert.equal(report.scenario.id, 'healthy', report.scenario.evidence.join('\n'));
  assert.ok(closes >= 3, `watches were closed ${closes} times`);
  assert.ok(expired, 'one 410 was sent');
  assert.ok(sandbox.api.served.list.pods >= 2, 'the 410 made the probe list pods again');

  const primary = report.pods.find((p) => p.role === 'primary')!;
  const seen = new Set(primary.history.map((h) => `${primary.name}:${h.phase}:${h.ready}`));
  const expected = new Set(states.filter((s) => s.startsWith(`${primary.name}:`)));
  for (const state of expected) assert.ok(seen.has(state), `missed ${state}; saw ${[...seen].join(', ')}`);
  assert.notEqual(report.timings.podRunningMs, null);
  assert.notEqual(report.timings.podReadyMs, null);
});
