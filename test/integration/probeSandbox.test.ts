// The real engine against the in-process sandbox, one run per scripted profile: the scenario, the
// primary pod and every timing must agree with the ground truth the sandbox recorded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { shellQuote } from '../../src/probe/causes/kubectl';
import { startProbe } from '../../src/probe/runProbe';
import { TIMING_KEYS, type Report, type TimingKey } from '../../src/probe/model';
import { PROFILES } from '../../src/sandbox/profiles';
import { SANDBOX_STATS_LAG_MS, Sandbox } from '../../src/sandbox/sandbox';
import { renderJson } from '../../src/probe/report/json';
import { assertReportContract } from '../helpers/reportContract';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';

/**
 * How late the probe may see a step: watch delivery for Kubernetes; one poll interval for metadata and
 * for the management API, whose consumer figures also lag by the broker's statistics interval.
 */
const TOLERANCE_MS: Partial<Record<TimingKey, number>> = {
  consumerReadyMs: 100 + 150,
  queueCreatedMs: 250 + 150,
  consumerAttachedMs: SANDBOX_STATS_LAG_MS + 250 + 150,
};
const DEFAULT_TOLERANCE_MS = 150;
/** The probe's t0 is taken just before the request leaves, so it may precede the sandbox's by a little. */
const EARLY_MS = 5;

const CLUSTER_KEYS = new Set<TimingKey>(['jobCreatedMs', 'podCreatedMs', 'podScheduledMs', 'podRunningMs', 'podReadyMs']);

function runEndMs(report: Report): number {
  const attempts = report.metadataAttempts;
  return report.timings.consumerReadyMs ?? attempts[attempts.length - 1]?.atMs ?? 0;
}

function assertTimingsFollowTruth(report: Report, truth: Partial<Record<TimingKey, number>>, clusterObservable: boolean) {
  for (const key of TIMING_KEYS) {
    const measured = report.timings[key];
    const actual = truth[key];
    // The management API shows a consumer only after its statistics lag: one attached too close to the
    // end of the run was not visible yet, and the probe must then say "never observed".
    const notVisibleYet = key === 'consumerAttachedMs' && actual !== undefined && actual + SANDBOX_STATS_LAG_MS > runEndMs(report);
    if (actual === undefined || notVisibleYet || (!clusterObservable && CLUSTER_KEYS.has(key))) {
      assert.equal(measured, null, `${key}: the sandbox never did it (or the probe could not see it), the probe must not claim it`);
      continue;
    }
    assert.notEqual(measured, null, `${key}: happened at ${actual} ms but the probe never saw it`);
    const tolerance = TOLERANCE_MS[key] ?? DEFAULT_TOLERANCE_MS;
    assert.ok(
      measured! >= actual - EARLY_MS && measured! <= actual + tolerance,
      `${key}: measured ${measured} ms, ground truth ${actual.toFixed(1)} ms (allowed +${tolerance})`,
    );
  }
}

describe('engine against the sandbox, every profile', { concurrency: 2 }, () => {
  for (const profile of PROFILES) {
    test(`${profile.name} → ${profile.expectedScenario}/${profile.expectedCause}`, async (t) => {
      const sandbox = await Sandbox.start();
      t.after(() => sandbox.stop());
      const report = await startProbe(probeOptionsForProfile(sandbox, profile)).report;

      const said = `${report.scenario.id}/${report.scenario.cause} — ${report.scenario.title}\n${report.scenario.summary}\n${report.scenario.evidence.join('\n')}`;
      assert.equal(report.scenario.id, profile.expectedScenario, said);
      assert.equal(report.scenario.cause, profile.expectedCause, said);
      // The cause's decisive message (the kubelet's, scheduler's, autoscaler's, controller's or backend's words) is quoted verbatim.
      const decisive = profile.expectedEvidence.replaceAll('{id}', report.jobId ?? '{id}');
      assert.ok(
        report.scenario.evidence.some((e) => e.includes(decisive)),
        `"${decisive}" is not verbatim in the evidence:\n${said}`,
      );
      // Every suggested command looks where the probe looked: the sandbox's kubeconfig and namespace.
      for (const command of report.scenario.suggestions.flatMap((x) => x.match(/kubectl .*/g) ?? [])) {
        assert.ok(command.startsWith(`kubectl --kubeconfig ${shellQuote(sandbox.kubeconfigFor(profile.name))} --context `), command);
      }
      assert.equal(report.schemaVersion, 1);
      assertReportContract(JSON.parse(renderJson(report)));
      assert.ok(report.scenario.evidence.length > 0, 'a diagnosis always names its evidence');
      if (profile.expectedScenario === 'configure_failed') {
        assert.equal(report.jobId, null);
        assert.equal(report.pods.length, 0);
        return;
      }
      const record = sandbox.job(report.jobId!);
      assert.ok(record, `the sandbox issued job ${report.jobId}`);
      assertTimingsFollowTruth(report, record.truth, profile.clusterAccess === 'ok');

      const primary = report.pods.find((p) => p.role === 'primary');
      const created = sandbox.store
        .list('pods', sandbox.namespace)
        .items.filter((p) => p.metadata.name.startsWith(`grpc-job-${report.jobId}-`));
      if (profile.clusterAccess === 'forbidden') {
        assert.equal(report.pods.length, 0, 'pods are unknown when the cluster cannot be observed');
        assert.ok(
          report.scenario.evidence.some((e) => e.includes('403')),
          report.scenario.evidence.join('\n'),
        );
      } else if (record.truth.podCreatedMs === undefined) {
        assert.equal(primary, undefined);
      } else {
        assert.ok(primary, 'the primary pod is reported');
        assert.equal(created.length, 1);
        assert.equal(primary.name, created[0]!.metadata.name);
        assert.ok(primary.matchedBy.includes(`label:job-name=grpc-job-${report.jobId}`), primary.matchedBy.join(','));
        // decoys (ids containing this id) are never reported
        for (const pod of report.pods) {
          assert.match(pod.name, new RegExp(`^(grpc|cleanup)-job-${report.jobId!.replace('-', '\\-')}-[a-z0-9]{5}$`));
        }
      }
    });
  }
});
