// Probing the sandbox while it plays its broker steps on a real RabbitMQ node, and comparing the queue
// timings with the ground truth the sandbox recorded.
import assert from 'node:assert/strict';
import { createProbeClock } from '../../src/probe/clock';
import type { Report, TimingKey } from '../../src/probe/model';
import type { ProbeOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox, truthSince, type SandboxJobRecord } from '../../src/sandbox/sandbox';
import type { RabbitNode } from './rabbitmq';
import { probeOptionsForProfile } from './sandboxOptions';
import type { CleanupScope } from './tmp';
import { waitFor, withDeadline } from './waitFor';

/** How much earlier than the ground truth a timing may be (none should be: the truth is on the probe's own clock). */
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
  /** The sandbox's ground truth in ms since the probe's t0 (the same process, the same clock). */
  truth: Partial<Record<TimingKey, number>>;
  /** When the broker confirmed each of its steps, in ms since the probe's t0: the step happened between `truth` and this. */
  confirmed: Partial<Record<TimingKey, number>>;
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
  const clock = createProbeClock();
  const report = await startProbe(options, { clock }).report;
  assert.ok(report.jobId, `${profile}: the sandbox issued a job`);
  await sandbox.whenScriptDone(report.jobId);
  const record = sandbox.job(report.jobId)!;
  assert.deepEqual(record.scriptErrors, [], 'the real broker took every scripted step');
  return {
    sandbox,
    report,
    record,
    truth: truthSince(record, clock.t0!),
    confirmed: truthSince({ ...record, truth: record.truthConfirmed }, clock.t0!),
    options,
  };
}

/**
 * The ground truth lies in the timing's window, up to `slackMs` below it (the sandbox records a real
 * broker step when it sends it, about a round trip before the broker applies it). Returns the window's width.
 */
export function assertWindowHolds(run: RealRun, key: TimingKey, slackMs: number): number {
  const truth = run.truth[key];
  const w = run.report.timingWindows[key];
  assert.ok(truth !== undefined && w, `${key}: done by the sandbox and seen by the probe`);
  assert.notEqual(w.afterMs, null, `${key}: bounded below`);
  assert.ok(
    w.afterMs! < truth + EARLY_MS + slackMs && truth <= w.atOrBeforeMs,
    `${key}: ground truth ${truth.toFixed(1)} ms outside its window (${w.afterMs}, ${w.atOrBeforeMs}]`,
  );
  return w.atOrBeforeMs - w.afterMs!;
}

/** `measured` follows the ground truth: never before it, at most `lateMs` after. */
export function assertFollowsTruth(run: RealRun, key: TimingKey, lateMs: number): number {
  const truth = run.truth[key];
  const measured = run.report.timings[key];
  assert.ok(truth !== undefined, `${key}: the sandbox did it`);
  assert.notEqual(measured, null, `${key}: happened at ${truth.toFixed(1)} ms but the probe never saw it`);
  assert.ok(
    measured! >= truth - EARLY_MS && measured! <= truth + lateMs,
    `${key}: measured ${measured} ms, ground truth ${truth.toFixed(1)} ms (allowed +${lateMs})`,
  );
  return measured! - truth;
}

/**
 * A real broker's step happened at an unknown instant between when the sandbox sent it (`truth`) and when
 * the broker confirmed it: `measured` is never before the send and at most `lateMs` after the
 * confirmation. Returns how long after each it was.
 */
export function assertWithinBrokerStep(run: RealRun, key: TimingKey, lateMs: number): { afterSent: number; afterConfirmed: number } {
  const sent = run.truth[key];
  const confirmed = run.confirmed[key];
  const measured = run.report.timings[key];
  assert.ok(sent !== undefined && confirmed !== undefined, `${key}: a real broker step of the sandbox`);
  assert.notEqual(measured, null, `${key}: happened at ${sent.toFixed(1)}–${confirmed.toFixed(1)} ms but the probe never saw it`);
  assert.ok(
    measured! >= sent - EARLY_MS && measured! <= confirmed + lateMs,
    `${key}: measured ${measured} ms; sent at ${sent.toFixed(1)} ms, confirmed at ${confirmed.toFixed(1)} ms (allowed +${lateMs} after it)`,
  );
  return { afterSent: measured! - sent, afterConfirmed: measured! - confirmed };
}

/**
 * The timing's window meets the interval in which the broker step happened (between its send and the
 * broker's confirmation): the window starts before the confirmation and ends no earlier than the send.
 * Returns the window's width.
 */
export function assertWindowMeetsBrokerStep(run: RealRun, key: TimingKey): number {
  const sent = run.truth[key];
  const confirmed = run.confirmed[key];
  const w = run.report.timingWindows[key];
  assert.ok(sent !== undefined && confirmed !== undefined && w, `${key}: a real broker step of the sandbox, seen by the probe`);
  assert.notEqual(w.afterMs, null, `${key}: bounded below`);
  assert.ok(
    w.afterMs! < confirmed && sent <= w.atOrBeforeMs,
    `${key}: window (${w.afterMs}, ${w.atOrBeforeMs}] misses the step, sent at ${sent.toFixed(1)} ms and confirmed at ${confirmed.toFixed(1)} ms`,
  );
  return w.atOrBeforeMs - w.afterMs!;
}

/**
 * Starts a consumer_never_ready run on the real broker, stops it once a queue observation arrives
 * through `via`, and waits until the process holds no more handles than before (the run, its
 * connections and the sandbox all gone). Returns the stopped run's report.
 */
export async function abortOnceQueueSeen(node: RabbitNode, via: 'amqp' | 'events'): Promise<Report> {
  const active = () =>
    process
      .getActiveResourcesInfo()
      .filter((r) => r !== 'TTYWrap')
      .sort();
  const baseline = active();
  const sandbox = await Sandbox.start({ broker: { amqpUrl: node.amqpUrl, managementUrl: node.managementUrl } });
  const controller = new AbortController();
  let seen!: () => void;
  const queueSeen = new Promise<void>((r) => (seen = r));
  const run = startProbe(probeOptionsForProfile(sandbox, profileByName('consumer_never_ready')!), {
    signal: controller.signal,
    onObservation: (o) => o.kind === 'queue.changed' && o.queue.via === via && seen(),
  });
  await queueSeen;
  controller.abort(new Error('stop'));
  const report = await withDeadline(run.report, { what: 'the run to end after the abort', timeoutMs: 2000 });
  await sandbox.stop();
  await waitFor(() => active().length <= baseline.length, {
    what: `handles back to the baseline (${baseline.join(', ')}); now ${active().join(', ')}`,
    timeoutMs: 3000,
  });
  return report;
}
