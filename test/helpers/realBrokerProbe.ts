// Probing the sandbox while it plays its broker steps on a real RabbitMQ node, and comparing the queue
// timings with the ground truth the sandbox recorded.
import assert from 'node:assert/strict';
import type { Report, TimingKey } from '../../src/probe/model';
import type { ProbeOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox, type SandboxJobRecord } from '../../src/sandbox/sandbox';
import type { RabbitNode } from './rabbitmq';
import { probeOptionsForProfile } from './sandboxOptions';
import type { CleanupScope } from './tmp';

/** The probe's t0 is taken just before the configure request leaves, so it may precede the sandbox's by a little. */
export const EARLY_MS = 5;

export async function sandboxOnBroker(scope: CleanupScope, node: RabbitNode): Promise<Sandbox> {
  const sandbox = await Sandbox.start({ broker: { amqpUrl: node.amqpUrl, managementUrl: node.managementUrl } });
  scope.after(() => sandbox.stop());
  return sandbox;
}

export interface RealRun {
  sandbox: Sandbox;
  report: Report;
  record: SandboxJobRecord;
  options: ProbeOptions;
}

/** One probe of `profile` against a sandbox driving `node`; `adjust` changes the probe's options. */
export async function probeOnBroker(
  scope: CleanupScope,
  node: RabbitNode,
  profile: string,
  adjust?: (o: ProbeOptions) => void,
): Promise<RealRun> {
  const sandbox = await sandboxOnBroker(scope, node);
  const options = probeOptionsForProfile(sandbox, profileByName(profile)!);
  adjust?.(options);
  const report = await startProbe(options).report;
  assert.ok(report.jobId, `${profile}: the sandbox issued a job`);
  await sandbox.whenScriptDone(report.jobId);
  const record = sandbox.job(report.jobId)!;
  assert.deepEqual(record.scriptErrors, [], 'the real broker took every scripted step');
  return { sandbox, report, record, options };
}

/**
 * The ground truth lies in the timing's window, up to t0's head start above (the truth counts from when
 * configure arrived) and `slackMs` below (the sandbox records a real broker step when it sends it, a
 * round trip before the broker applies it). Returns the window's width.
 */
export function assertWindowHolds(run: RealRun, key: TimingKey, slackMs: number): number {
  const truth = run.record.truth[key];
  const w = run.report.timingWindows[key];
  assert.ok(truth !== undefined && w, `${key}: done by the sandbox and seen by the probe`);
  assert.notEqual(w.afterMs, null, `${key}: bounded below`);
  assert.ok(
    w.afterMs! < truth + EARLY_MS + slackMs && truth <= w.atOrBeforeMs,
    `${key}: ground truth ${truth.toFixed(1)} ms outside its window (${w.afterMs}, ${w.atOrBeforeMs}]`,
  );
  return w.atOrBeforeMs - w.afterMs!;
}

/** `measured` follows the ground truth: never before it (but for t0's head start), at most `lateMs` after. */
export function assertFollowsTruth(run: RealRun, key: TimingKey, lateMs: number): number {
  const truth = run.record.truth[key];
  const measured = run.report.timings[key];
  assert.ok(truth !== undefined, `${key}: the sandbox did it`);
  assert.notEqual(measured, null, `${key}: happened at ${truth.toFixed(1)} ms but the probe never saw it`);
  assert.ok(
    measured! >= truth - EARLY_MS && measured! <= truth + lateMs,
    `${key}: measured ${measured} ms, ground truth ${truth.toFixed(1)} ms (allowed +${lateMs})`,
  );
  return measured! - truth;
}
