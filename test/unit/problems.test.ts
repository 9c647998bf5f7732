// Every set-up problem a notification reports is one sentence plus the buttons that fix it; a
// diagnosis about the job itself, or a sandbox run that fails on purpose, raises no notification.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report } from '../../src/probe/model';
import { exportBaseName } from '../../src/extension/exportName';
import { runProblem, startProblem, type Problem } from '../../src/extension/problems';
import type { RunRecord } from '../../src/extension/runRecord';
import { JOB_ID, configureFailedReport, healthyReport, podPendingReport } from '../fixtures/reports';

const titles = (p: Problem | null) => p?.fixes.map((f) => f.title);

function clusterRun(report: Report, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    startedAt: '2024-05-01T10:00:00.000Z',
    status: 'done',
    target: { kind: 'cluster', backendUrl: 'http://focus.example:5000', namespace: 'panda' },
    report,
    elapsedMs: 3000,
    ...over,
  };
}

function withScenario(
  report: Report,
  id: Report['scenario']['id'],
  cause: Report['scenario']['cause'],
  suggestions: string[] = [],
): Report {
  report.scenario = { ...report.scenario, id, cause, suggestions };
  return report;
}

describe('a probe that could not start', () => {
  test('an unreadable kubeconfig: Open Setting (the kubeconfig) and Select Context', () => {
    const p = startProblem('cannot read kubeconfig /nope/config: no such file', 'KUBECONFIG_UNREADABLE');
    assert.equal(p.sentence, 'Consumer Probe could not start: cannot read kubeconfig /nope/config: no such file.');
    assert.equal(p.severity, 'error');
    assert.deepEqual(p.fixes, [
      { title: 'Open Setting', kind: 'setting', key: 'consumerProbe.kubeconfig' },
      { title: 'Select Context', kind: 'command', command: 'consumerProbe.selectContext' },
    ]);
  });

  test('a context missing from the kubeconfig: Select Context first', () => {
    assert.deepEqual(titles(startProblem('context "prod" is not in the kubeconfig (contexts: dev)', 'BAD_ARGUMENT')), [
      'Select Context',
      'Open Setting',
    ]);
  });

  test('a bad setting named in the reason opens that setting', () => {
    const p = startProblem('consumerProbe.namespace must be a Kubernetes namespace name ("Team_A")', 'BAD_ARGUMENT');
    assert.deepEqual(p.fixes, [{ title: 'Open Setting', kind: 'setting', key: 'consumerProbe.namespace' }]);
  });

  test('anything else: the sentence alone (the log button is always added)', () => {
    assert.deepEqual(startProblem('the embedded sandbox did not start: EADDRINUSE', 'SANDBOX_FAILED').fixes, []);
  });
});

describe('a run whose set-up kept it from seeing', () => {
  test('a closed backend port: Open Setting (backendUrl)', () => {
    const p = runProblem(clusterRun(withScenario(configureFailedReport(), 'configure_failed', 'unreachable')));
    assert.equal(
      p?.sentence,
      'POST /configure got no answer from http://focus.example:5000: is the backend up, and is consumerProbe.backendUrl right?',
    );
    assert.deepEqual(p?.fixes, [{ title: 'Open Setting', kind: 'setting', key: 'consumerProbe.backendUrl' }]);
  });

  test('a backend that wants a token: Set Backend Token', () => {
    const report = withScenario(configureFailedReport(), 'configure_failed', 'http_error', [
      'Set a valid backend token (CONSUMER_PROBE_TOKEN, or "Set Backend Token" in VS Code).',
    ]);
    assert.deepEqual(titles(runProblem(clusterRun(report))), ['Set Backend Token']);
    assert.equal(
      runProblem(clusterRun(withScenario(configureFailedReport(), 'configure_failed', 'http_error', ['Check the logs.']))),
      null,
    );
  });

  test('no kubeconfig, or credentials the cluster refuses: the kubeconfig setting and Select Context', () => {
    assert.deepEqual(titles(runProblem(clusterRun(withScenario(healthyReport(), 'cluster_unavailable', 'no_kubeconfig')))), [
      'Open Setting',
      'Select Context',
    ]);
    assert.deepEqual(titles(runProblem(clusterRun(withScenario(healthyReport(), 'cluster_unavailable', 'forbidden')))), [
      'Select Context',
      'Open Setting',
    ]);
  });

  test('RabbitMQ refused the credentials: Set RabbitMQ Credentials', () => {
    const p = runProblem(
      clusterRun(healthyReport(), { brokerAuthRefused: '401 Unauthorized: the management API refused the credentials' }),
    );
    assert.equal(p?.sentence, "RabbitMQ refused the probe's credentials, so the job's queue was not watched.");
    assert.deepEqual(titles(p), ['Set RabbitMQ Credentials']);
  });

  test('a diagnosis about the job, a healthy run, or a sandbox run: no notification', () => {
    assert.equal(runProblem(clusterRun(podPendingReport())), null);
    assert.equal(runProblem(clusterRun(healthyReport())), null);
    const sandbox = clusterRun(withScenario(configureFailedReport(), 'configure_failed', 'unreachable'));
    sandbox.target = { ...sandbox.target, kind: 'sandbox', scenario: 'configure_failed' };
    assert.equal(runProblem(sandbox), null);
  });
});

describe('export file names', () => {
  test('<job>-<scenario>, with anything unsafe in a backend job id replaced', () => {
    assert.equal(exportBaseName({ report: healthyReport() }), `${JOB_ID}-healthy`);
    const report = healthyReport();
    report.jobId = '../../etc/passwd 7';
    assert.equal(exportBaseName({ report }), 'etc-passwd-7-healthy');
    report.jobId = null;
    assert.equal(exportBaseName({ report }), 'no-job-healthy');
  });
});
