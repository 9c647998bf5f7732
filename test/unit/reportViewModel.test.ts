import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportViewState } from '../../src/extension/report/protocol';
import { reportView, statusTone, ticksFor, type Lane } from '../../webview-ui/viewModel';
import {
  HOSTILE_LABEL,
  JOB_ID,
  PRIMARY_POD,
  configureFailedReport,
  healthyReport,
  hostileReport,
  podFailedReport,
  podPendingReport,
} from '../fixtures/reports';

const done = (report = healthyReport(), over: Partial<ReportViewState> = {}): ReportViewState => ({
  status: 'done',
  runId: 'r1',
  report,
  elapsedMs: 5400,
  trend: [],
  ...over,
});
const lane = (lanes: Lane[], id: string) => {
  const found = lanes.find((l) => l.id === id);
  assert.ok(found, `no lane ${id}`);
  return found;
};

describe('report view-model', () => {
  test('the banner carries the scenario, evidence and suggestions of a finished run', () => {
    const view = reportView(done(podPendingReport()));
    assert.equal(view.banner.tone, 'error');
    assert.equal(view.banner.title, 'Pod never started');
    assert.equal(view.banner.badge, 'Error', 'the severity in words');
    assert.equal(view.banner.scenarioId, 'pod_pending', 'the scenario id beside it');
    assert.equal(view.banner.evidence.length, 2);
    assert.equal(view.banner.suggestions.length, 2);
    assert.equal(view.canExport, true);
  });

  test('one lane per stage, in pipeline order', () => {
    const view = reportView(done());
    assert.deepEqual(
      view.timeline!.lanes.map((l) => l.id),
      ['configure', 'job', 'pod', 'queue', 'consumer'],
    );
  });

  test('healthy: markers sit at the measured times and bars join consecutive milestones', () => {
    const t = healthyReport().timings;
    const { timeline } = reportView(done());
    const pod = lane(timeline!.lanes, 'pod');
    assert.equal(pod.label, `pod ${PRIMARY_POD}`);
    assert.deepEqual(
      pod.markers.map((m) => m.atMs),
      [t.podCreatedMs, t.podScheduledMs, t.podRunningMs, t.podReadyMs],
    );
    assert.deepEqual(
      pod.bars.map((b) => [b.fromMs, b.toMs, b.label]),
      [
        [t.podCreatedMs, t.podScheduledMs, 'pending'],
        [t.podScheduledMs, t.podRunningMs, 'starting'],
        [t.podRunningMs, t.podReadyMs, 'not ready'],
        [t.podReadyMs, t.consumerReadyMs, 'ready'], // until the last thing the run saw
      ],
    );
    assert.ok(pod.bars.slice(0, 3).every((b) => !b.open));
    assert.deepEqual(
      lane(timeline!.lanes, 'job').markers.map((m) => m.atMs),
      [t.jobCreatedMs],
    );
    const queue = lane(timeline!.lanes, 'queue');
    assert.deepEqual(
      queue.markers.map((m) => [m.atMs, m.label]),
      [
        [t.queueCreatedMs, 'queue declared'],
        [t.consumerAttachedMs, 'consumer attached'],
      ],
    );
    const consumer = lane(timeline!.lanes, 'consumer');
    assert.deepEqual(
      consumer.bars.map((b) => [b.fromMs, b.toMs]),
      [[t.configureMs, t.consumerReadyMs]],
    );
    assert.deepEqual(
      consumer.markers.map((m) => [m.atMs, m.tone]),
      [[t.consumerReadyMs, 'ok']],
    );
    assert.ok(timeline!.spanMs >= t.consumerReadyMs!, 'the axis reaches the last milestone');
    assert.equal(timeline!.ticks[0], 0);
    assert.ok(timeline!.ticks[timeline!.ticks.length - 1]! >= t.consumerReadyMs!);
  });

  test('metadata attempts fold into a strip coloured by status', () => {
    const { timeline } = reportView(done());
    assert.deepEqual(
      timeline!.attempts.map((a) => [a.fromMs, a.tone, a.label]),
      [
        [311, 'warn', '404 Invalid job_id × 50'],
        [5311, 'ok', '200 × 1'],
      ],
    );
    assert.equal(timeline!.attempts[0]!.toMs, 5311, 'a run lasts until the next outcome');
  });

  test('durations between milestones', () => {
    const { timeline } = reportView(done());
    const byLabel = Object.fromEntries(timeline!.durations.map((d) => [d.label, d.ms]));
    assert.equal(byLabel['scheduled → running'], 3120 - 415);
    assert.equal(byLabel['pod ready → consumer ready'], 5311 - 3400);
  });

  test('a pod stuck pending: the open bar names the reason and the consumer never became ready', () => {
    const { timeline } = reportView(done(podPendingReport()));
    const pod = lane(timeline!.lanes, 'pod');
    const last = pod.bars[pod.bars.length - 1]!;
    assert.equal(last.label, 'pending (Unschedulable)');
    assert.equal(last.open, true);
    assert.equal(last.tone, 'warn');
    assert.equal(last.toMs, 30011, 'it lasts until the last thing the run saw');
    const consumer = lane(timeline!.lanes, 'consumer');
    assert.deepEqual(
      consumer.bars.map((b) => [b.label, b.tone]),
      [['never ready', 'error']],
    );
    assert.deepEqual(lane(timeline!.lanes, 'queue').bars, []);
  });

  test('configure failed: the configure lane is red and nothing else is drawn', () => {
    const report = configureFailedReport();
    report.timings.configureMs = 120;
    const { timeline } = reportView(done(report));
    assert.equal(lane(timeline!.lanes, 'configure').bars[0]!.tone, 'error');
    assert.deepEqual(lane(timeline!.lanes, 'consumer').bars, []);
  });

  test('while running: an info banner, no export, open bars drawn in the neutral tone', () => {
    const report = podPendingReport();
    const view = reportView({ status: 'running', runId: 'r1', report, elapsedMs: 31_000, trend: [] });
    assert.equal(view.banner.title, 'Probe running…');
    assert.match(view.banner.summary, new RegExp(`job ${JOB_ID} · 31\\.000s so far`));
    assert.equal(view.canExport, false);
    const pod = lane(view.timeline!.lanes, 'pod');
    assert.equal(pod.bars[pod.bars.length - 1]!.tone, 'info');
    assert.equal(pod.bars[pod.bars.length - 1]!.toMs, 31_000, 'open bars grow with the elapsed time');
  });

  test('idle and failed states draw a banner instead of a spinner', () => {
    assert.equal(reportView({ status: 'idle', trend: [] }).banner.title, 'No probe run yet');
    const failed = reportView({ status: 'failed', runId: 'r', error: 'cannot read kubeconfig /x: no such file', trend: [] });
    assert.equal(failed.banner.tone, 'error');
    assert.equal(failed.banner.summary, 'cannot read kubeconfig /x: no such file');
    assert.equal(failed.timeline, null);
  });

  test('pods table rows keep cluster strings verbatim (the DOM layer makes them text)', () => {
    const view = reportView(done(hostileReport()));
    assert.ok(view.pods[0]!.allLabels.includes(`evil=${HOSTILE_LABEL}`));
    assert.equal(view.pods[0]!.state, 'Running (ready, Bad|Reason)');
  });

  test('events rows: warnings stand out', () => {
    const view = reportView(done(podPendingReport()));
    assert.deepEqual(
      view.events.map((e) => [e.at, e.reason, e.tone]),
      [['0.420s', 'FailedScheduling', 'warn']],
    );
  });

  test('trend: one point per stored run, the current one marked, never-ready runs kept', () => {
    const view = reportView(
      done(healthyReport(), {
        runId: 'b',
        trend: [
          { runId: 'a', startedAt: '2024-05-01T09:00:00Z', jobId: '1', scenarioId: 'pod_pending', consumerReadyMs: null },
          { runId: 'b', startedAt: '2024-05-01T10:00:00Z', jobId: '2', scenarioId: 'healthy', consumerReadyMs: 5311 },
          { runId: 'c', startedAt: '2024-05-01T11:00:00Z', jobId: '3', scenarioId: 'slow_consumer', consumerReadyMs: 24_000 },
        ],
      }),
    );
    assert.deepEqual(
      view.trend.points.map((p) => [p.runId, p.ms, p.tone, p.current]),
      [
        ['a', null, 'error', false],
        ['b', 5311, 'ok', true],
        ['c', 24_000, 'warn', false],
      ],
    );
    assert.ok(view.trend.maxMs >= 24_000, 'the value axis covers the slowest run');
    assert.equal(view.trend.ticks.at(-1)!.ms, view.trend.maxMs, 'and ends on a labelled tick');
  });
});

describe('timeline scales', () => {
  test('ticks step by 1, 2 or 5 × 10ⁿ and cover the span', () => {
    assert.deepEqual(ticksFor(5311), [0, 1000, 2000, 3000, 4000, 5000]);
    assert.deepEqual(ticksFor(30_000), [0, 5000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    assert.deepEqual(ticksFor(800), [0, 100, 200, 300, 400, 500, 600, 700, 800]);
  });

  test('status tones', () => {
    assert.deepEqual([200, 404, 500, null, 401].map(statusTone), ['ok', 'warn', 'error', 'error', 'muted']);
  });
});

describe('report view-model: logs', () => {
  test("backend lines, the pod's lines and each ended run, with times, levels and folded repeats", () => {
    const view = reportView(done(podFailedReport()));
    assert.deepEqual(
      view.logs.map((g) => g.id),
      ['pod', 'ended-baby-analyzer-0', 'ended-baby-analyzer-1', 'ended-baby-analyzer-2'],
    );
    const pod = view.logs[0]!;
    assert.equal(pod.title, `Pod ${PRIMARY_POD} (baby-analyzer)`);
    assert.deepEqual(
      pod.lines.map((l) => [l.at, l.level, l.tone]),
      [
        ['1.101s', 'INFO', 'muted'],
        ['1.495s', 'ERROR', 'error'],
        ['1.499s', 'ERROR', 'error'],
      ],
    );
    assert.equal(pod.lines[2]!.text, "KeyError: 'stream_port'");
    assert.match(view.logs[3]!.title, /^Last lines of baby-analyzer, run 2, ended by 3\.100s$/);

    const healthy = reportView(done());
    const backend = healthy.logs.find((g) => g.id === 'backend')!;
    assert.match(backend.title, /^Backend \(name\^=panda-panda-focus-server: /);
    assert.ok(
      backend.lines.some((l) => l.repeats === 48),
      'the folded access-log line keeps its count',
    );
  });

  test('a log source that could not be read says why', () => {
    const report = podFailedReport();
    report.logs.pod = { ...report.logs.pod!, error: 'cannot read: 403 Forbidden', omitted: 4 };
    const [pod] = reportView(done(report)).logs;
    assert.equal(pod!.note, 'could not read all of it: cannot read: 403 Forbidden; 4 more kept lines not listed');
  });

  test('markers carry their timing window only where it is wide, in the same words as the text report', () => {
    const report = healthyReport();
    report.timingWindows.jobCreatedMs = { afterMs: null, atOrBeforeMs: 310 };
    const { timeline } = reportView(done(report));
    const consumer = lane(timeline!.lanes, 'consumer').markers[0]!;
    assert.deepEqual(consumer.window, { fromMs: 5209, toMs: 5311, note: 'between 5.209s and 5.311s' });
    assert.deepEqual(
      lane(timeline!.lanes, 'pod').markers.map((m) => m.window),
      [undefined, undefined, undefined, undefined],
      'the watched pod stages are 4 ms wide: unannotated',
    );
    assert.deepEqual(
      lane(timeline!.lanes, 'queue').markers.map((m) => m.window?.note),
      ['between 3.850s and 4.100s', 'between 3.850s and 5.200s'],
    );
    assert.deepEqual(lane(timeline!.lanes, 'job').markers[0]!.window, { fromMs: null, toMs: 310, note: 'no earlier bound' });
  });

  test('no logs followed: no groups', () => {
    assert.deepEqual(reportView(done(configureFailedReport())).logs, []);
  });
});
