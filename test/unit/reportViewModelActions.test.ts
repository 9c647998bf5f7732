// The report page's actions and keys, decided in the pure view-model: which fix a diagnosis offers,
// which parts of a suggestion are kubectl commands, which pod labels show, what the legends say, and
// that a run with nothing measured still draws numbers (never NaN).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { panelTitle } from '../../src/extension/report/panelTitle';
import { knownFix, kubectlCommands, suggestionParts, type ReportViewState } from '../../src/extension/report/protocol';
import type { Report, Scenario } from '../../src/probe/model';
import { INITIAL_UI, restoreUi, toggleOpened } from '../../webview-ui/uiState';
import { fixesFor, relevantLabels, reportView } from '../../webview-ui/viewModel';
import { JOB_ID, configureFailedReport, healthyReport, podPendingReport } from '../fixtures/reports';

const done = (report: Report, over: Partial<ReportViewState> = {}): ReportViewState => ({
  status: 'done',
  runId: 'r1',
  report,
  elapsedMs: 5400,
  trend: [],
  ...over,
});

const scenario = (over: Partial<Scenario>): Scenario => ({
  id: 'healthy',
  cause: null,
  severity: 'ok',
  title: 't',
  summary: '',
  evidence: [],
  suggestions: [],
  ...over,
});

const fixIds = (s: Scenario) => fixesFor(s).map((f) => (f.fix.kind === 'command' ? f.fix.id : `setting:${f.fix.key}`));

// Verbatim from a sandbox pod_pending run (its kubeconfig path shortened).
const KUBECTL = 'kubectl --kubeconfig /tmp/sb/kubeconfig --context consumer-probe-sandbox -n panda';
const PENDING_SUGGESTIONS = [
  'GPUs are exhausted: wait for running jobs to finish or free them (at most 30 concurrent jobs).',
  `Jobs of this backend hold GPUs (grpc-job-0-378890-r48zw, 10m): delete the stale ones that no longer stream, and their GPUs free up (${KUBECTL} get jobs --sort-by=.metadata.creationTimestamp lists the Jobs, oldest first).`,
  `See what holds the GPUs: ${KUBECTL} get pods --field-selector=status.phase=Running -o wide`,
];

describe('fixes offered for a diagnosis', () => {
  test('each cause leads to the setting or picker that fixes it', () => {
    assert.deepEqual(fixIds(scenario({ id: 'cluster_unavailable', cause: 'no_kubeconfig' })), [
      'setting:consumerProbe.kubeconfig',
      'consumerProbe.selectContext',
    ]);
    assert.deepEqual(fixIds(scenario({ id: 'cluster_unavailable', cause: 'forbidden' })), [
      'consumerProbe.selectContext',
      'setting:consumerProbe.kubeconfig',
    ]);
    assert.deepEqual(fixIds(scenario({ id: 'configure_failed', cause: 'unreachable' })), ['setting:consumerProbe.backendUrl']);
    assert.deepEqual(fixIds(scenario({ id: 'configure_failed', cause: 'tls_error' })), [
      'setting:consumerProbe.backendCaFile',
      'setting:consumerProbe.backendUrl',
    ]);
    assert.deepEqual(
      fixIds(scenario({ id: 'configure_failed', cause: 'http_error', evidence: ['POST /configure answered 401 Unauthorized'] })),
      ['consumerProbe.setBackendToken'],
    );
    assert.deepEqual(fixIds(scenario({ id: 'configure_failed', cause: 'http_error', evidence: ['POST /configure answered 500'] })), [
      'setting:consumerProbe.backendUrl',
    ]);
    assert.deepEqual(fixIds(scenario({ id: 'pod_never_created', cause: 'namespace_not_found' })), ['consumerProbe.selectNamespace']);
    assert.deepEqual(
      fixIds(
        scenario({
          id: 'consumer_never_ready',
          cause: 'queue_not_created',
          evidence: ['RabbitMQ management API: 401 Unauthorized: the management API refused the credentials'],
        }),
      ),
      ['consumerProbe.setBrokerCredentials'],
    );
  });

  test('nothing to fix in settings for a healthy run or a pod that is pending', () => {
    assert.deepEqual(fixIds(scenario({})), []);
    assert.deepEqual(fixIds(podPendingReport().scenario), []);
  });

  test('every offered fix passes the host whitelist; anything else does not', () => {
    for (const s of [
      scenario({ id: 'cluster_unavailable', cause: 'no_kubeconfig' }),
      scenario({ id: 'configure_failed', cause: 'tls_error' }),
      scenario({ id: 'pod_never_created', cause: 'namespace_not_found' }),
      scenario({ id: 'consumer_never_ready', cause: 'unknown', evidence: ['AMQP: ACCESS_REFUSED by the broker'] }),
    ]) {
      for (const f of fixesFor(s)) assert.deepEqual(knownFix(f.fix), f.fix);
    }
    assert.equal(knownFix({ kind: 'command', id: 'workbench.action.terminal.sendSequence' }), null);
    assert.equal(knownFix({ kind: 'openSetting', key: 'terminal.integrated.defaultProfile.linux' }), null);
    assert.equal(knownFix({ kind: 'command', id: 'consumerProbe.selectContext', extra: 1 })?.kind, 'command');
    assert.equal(knownFix('consumerProbe.selectContext'), null);
    assert.equal(knownFix(null), null);
  });

  test('the banner carries the fixes of its diagnosis', () => {
    const report = configureFailedReport();
    report.scenario.cause = 'unreachable';
    assert.deepEqual(
      reportView(done(report)).banner.fixes.map((f) => f.label),
      ['Open Setting: Backend URL'],
    );
  });
});

describe('kubectl commands in suggestions', () => {
  test('cut out of the sentence around them, and the parts join back to the sentence', () => {
    assert.deepEqual(kubectlCommands(PENDING_SUGGESTIONS[0]!), []);
    assert.deepEqual(kubectlCommands(PENDING_SUGGESTIONS[1]!), [`${KUBECTL} get jobs --sort-by=.metadata.creationTimestamp`]);
    assert.deepEqual(kubectlCommands(PENDING_SUGGESTIONS[2]!), [`${KUBECTL} get pods --field-selector=status.phase=Running -o wide`]);
    for (const s of PENDING_SUGGESTIONS)
      assert.equal(
        suggestionParts(s)
          .map((p) => p.text)
          .join(''),
        s,
      );
  });

  test('prose after a command, a full stop, and quoted arguments', () => {
    assert.deepEqual(kubectlCommands('kubectl -n panda describe pod grpc-job-1-2-abcde shows the volumes and the mount errors.'), [
      'kubectl -n panda describe pod grpc-job-1-2-abcde',
    ]);
    assert.deepEqual(kubectlCommands('The pull error was not seen: kubectl -n panda describe pod p-1 shows it.'), [
      'kubectl -n panda describe pod p-1',
    ]);
    assert.deepEqual(kubectlCommands("Check: kubectl -n panda get pod p -o 'jsonpath={.spec.nodeSelector} {.spec.affinity}'"), [
      "kubectl -n panda get pod p -o 'jsonpath={.spec.nodeSelector} {.spec.affinity}'",
    ]);
    assert.deepEqual(kubectlCommands('Read the output: kubectl -n panda logs p -c analyzer --previous.'), [
      'kubectl -n panda logs p -c analyzer --previous',
    ]);
    assert.deepEqual(kubectlCommands('The word kubectl alone, or kubectl.'), []);
  });

  test('the banner splits each suggestion into prose and commands', () => {
    const report = podPendingReport();
    report.scenario.suggestions = PENDING_SUGGESTIONS;
    const { suggestions } = reportView(done(report)).banner;
    assert.deepEqual(
      suggestions.map((s) => s.parts.filter((p) => p.command).length),
      [0, 1, 1],
    );
  });
});

describe('pod labels', () => {
  const labels = {
    app: 'grpc-job-0-37889',
    'batch.kubernetes.io/controller-uid': '100d36ae',
    'batch.kubernetes.io/job-name': 'grpc-job-0-37889',
    'controller-uid': '100d36ae',
    'job-name': 'grpc-job-0-37889',
    team: 'sensing',
    tier: 'gpu',
  };

  test("the job's own labels, controller-uid once, plus the ones the matcher used", () => {
    assert.deepEqual(relevantLabels({ labels, matchedBy: ['label:job-name=grpc-job-0-37889', 'name:grpc-job-{id}-{suffix}'] }), [
      ['app', 'grpc-job-0-37889'],
      ['controller-uid', '100d36ae'],
      ['job-name', 'grpc-job-0-37889'],
    ]);
    assert.deepEqual(
      relevantLabels({ labels, matchedBy: ['label:team=sensing'] }).map(([k]) => k),
      ['app', 'controller-uid', 'job-name', 'team'],
    );
  });

  test('the batch.kubernetes.io copy stands in when the short label is missing', () => {
    assert.deepEqual(relevantLabels({ labels: { 'batch.kubernetes.io/controller-uid': 'u', other: 'x' }, matchedBy: [] }), [
      ['batch.kubernetes.io/controller-uid', 'u'],
    ]);
  });

  test('rows carry the relevant labels and, for "show all", every label', () => {
    const report = healthyReport();
    report.pods[0]!.labels = labels;
    const [row] = reportView(done(report)).pods;
    assert.equal(row!.labels.length, 3);
    assert.equal(row!.allLabels.length, Object.keys(labels).length);
  });
});

describe('legends, verdict words and titles', () => {
  test('the timeline legend explains every tone and mark it draws, and nothing else', () => {
    const { timeline } = reportView(done(healthyReport()));
    const legend = timeline!.legend;
    const drawnBars = new Set(timeline!.lanes.flatMap((l) => l.bars.map((b) => b.tone)));
    const drawnAttempts = new Set(timeline!.attempts.map((a) => a.tone));
    assert.deepEqual(new Set(legend.filter((e) => e.mark === 'bar').map((e) => e.tone)), drawnBars);
    assert.deepEqual(new Set(legend.filter((e) => e.mark === 'attempt').map((e) => e.tone)), drawnAttempts);
    assert.ok(legend.some((e) => e.mark === 'marker'));
    assert.ok(legend.some((e) => e.mark === 'attempt' && /404/.test(e.label)));
    // healthyReport has wide windows on the queue and metadata timings.
    assert.ok(legend.some((e) => e.mark === 'window'));
  });

  test('the details table lists each milestone with its time and wide window', () => {
    const { timeline } = reportView(done(healthyReport()));
    const ready = timeline!.details.find((d) => d.lane.startsWith('consumer') && d.what.startsWith('ready'));
    assert.ok(ready, JSON.stringify(timeline!.details));
    assert.match(ready.window, /^between /);
    assert.ok(timeline!.details.some((d) => d.lane === 'metadata attempts'));
  });

  test('severity in words, announced once per verdict, none while running', () => {
    const view = reportView(done(podPendingReport()));
    assert.equal(view.banner.badge, 'Error');
    assert.equal(view.banner.announcement, 'Error: Pod never started');
    assert.equal(reportView(done(healthyReport())).banner.badge, 'Healthy');
    assert.equal(
      reportView({ status: 'running', runId: 'r', report: healthyReport(), elapsedMs: 100, trend: [] }).banner.announcement,
      null,
    );
  });

  test('the trend has a value axis, the slow threshold and a legend for the cross', () => {
    const view = reportView(
      done(healthyReport(), {
        runId: 'b',
        slowThresholdMs: 20_000,
        trend: [
          { runId: 'a', startedAt: '2024-05-01T09:00:00Z', jobId: '1', scenarioId: 'pod_pending', consumerReadyMs: null },
          { runId: 'b', startedAt: '2024-05-01T10:00:00Z', jobId: '2', scenarioId: 'healthy', consumerReadyMs: 5311 },
        ],
      }),
    );
    assert.equal(view.trend.thresholdMs, 20_000);
    assert.ok(view.trend.maxMs >= 20_000);
    assert.deepEqual(view.trend.ticks[0], { ms: 0, label: '0s' });
    assert.ok(view.trend.ticks.length >= 3);
    assert.deepEqual(
      view.trend.legend.map((e) => e.mark),
      ['bar', 'cross', 'line', 'triangle'],
    );
    assert.deepEqual(
      view.trend.rows.map((r) => [r.job, r.ready, r.current]),
      [
        ['1', 'never ready', false],
        ['2', '5.311s', true],
      ],
    );
  });

  test('panel titles name the job and scenario; pinned ones start with a pin', () => {
    assert.equal(panelTitle(done(podPendingReport())), `job ${JOB_ID} · pod_pending`);
    assert.equal(panelTitle(done(podPendingReport()), true), `📌 job ${JOB_ID} · pod_pending`);
    assert.equal(panelTitle(done(configureFailedReport())), 'no job id · configure_failed');
    assert.equal(panelTitle({ status: 'running', runId: 'r', report: healthyReport(), trend: [] }), 'Probe running…');
    assert.equal(panelTitle(undefined), 'Consumer Probe Report');
  });
});

/** Every number anywhere in `value`, with its path. */
function numbers(value: unknown, path = '$'): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

describe('no NaN', () => {
  test('a run whose backend port was closed (no answer, nothing timed) draws only finite numbers', () => {
    const report = configureFailedReport();
    report.scenario.cause = 'unreachable';
    for (const state of [
      done(report),
      done(report, { elapsedMs: 0 }),
      { ...done(report), status: 'running' as const, elapsedMs: Number.NaN },
    ]) {
      const view = reportView(state);
      const bad = numbers(view).filter(([, n]) => !Number.isFinite(n));
      assert.deepEqual(bad, [], 'every number is finite');
      assert.ok(view.timeline!.spanMs > 0);
      assert.ok(view.timeline!.ticks.length >= 2);
      assert.ok(view.trend.maxMs > 0);
    }
  });
});

describe('page UI state', () => {
  test('an older stored state gains the new fields; toggles add and remove', () => {
    assert.deepEqual(restoreUi({ folded: ['logs'] }), { ...INITIAL_UI, folded: ['logs'] });
    const opened = toggleOpened(INITIAL_UI, 'timeline-details', true);
    assert.deepEqual(opened.opened, ['timeline-details']);
    assert.deepEqual(toggleOpened(opened, 'timeline-details', false).opened, []);
  });
});
