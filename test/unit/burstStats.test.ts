// The burst's pure parts: percentiles that count the jobs that never reached a stage (+∞), thresholds,
// the exit status, the verdict's capacity stories, and the renderers ("> timeout", well-formed JUnit).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildBurstReport, burstExitCode } from '../../src/probe/burst/buildBurstReport';
import type { BurstRun } from '../../src/probe/burst/model';
import { censoredPercentile, stageStats } from '../../src/probe/burst/stats';
import { parseThreshold } from '../../src/probe/burst/thresholds';
import { jobRanges } from '../../src/probe/burst/verdict';
import { ProbeError } from '../../src/probe/errors';
import type { Report, Scenario, TimingKey } from '../../src/probe/model';
import { renderBurstJson } from '../../src/probe/report/burstJson';
import { renderBurstJUnit } from '../../src/probe/report/burstJunit';
import { renderBurstMarkdown } from '../../src/probe/report/burstMarkdown';
import { renderBurstText } from '../../src/probe/report/burstText';
import { GPU_MESSAGE, HOSTILE_MESSAGE, healthyReport } from '../fixtures/reports';

function run(
  index: number,
  over: { scenario?: Partial<Scenario>; timings?: Partial<Record<TimingKey, number | null>>; events?: Report['events'] } = {},
): BurstRun {
  const base = healthyReport();
  return {
    ...base,
    jobId: `${index - 1}-${100 + index}`,
    scenario: { ...base.scenario, ...over.scenario },
    timings: { ...base.timings, ...over.timings },
    events: over.events ?? [],
    index,
    sentAtMs: index * 10,
  };
}

const pending = (index: number) =>
  run(index, {
    scenario: {
      id: 'pod_pending',
      cause: 'unschedulable_gpu',
      severity: 'error',
      title: 'Pod pending',
      summary: 'pending',
      evidence: [GPU_MESSAGE],
    },
    timings: {
      podScheduledMs: null,
      podRunningMs: null,
      podReadyMs: null,
      queueCreatedMs: null,
      consumerAttachedMs: null,
      consumerReadyMs: null,
    },
    events: [{ atMs: 300, type: 'Warning', reason: 'FailedScheduling', object: 'Pod/x', message: GPU_MESSAGE }],
  });

const outcome = (runs: BurstRun[]) => ({
  startedAt: '2026-12-06T05:00:00.000Z',
  t0: 0,
  jobs: runs.length,
  concurrency: runs.length,
  rampMs: 0,
  runs,
});

describe('censored percentiles (nearest rank over all jobs)', () => {
  test('a percentile is a time some job had, at rank ⌈p × N⌉', () => {
    const times = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(censoredPercentile(times, 10, 50), 5);
    assert.equal(censoredPercentile(times, 10, 90), 9);
    assert.equal(censoredPercentile(times, 10, 95), 10);
    assert.equal(censoredPercentile([7], 1, 99), 7);
  });

  test('a rank among the censored jobs gives null, never the survivors’ percentile', () => {
    // 6 of 10 reached: p50 (rank 5) is known, p90 (rank 9) falls among the 4 censored.
    const stats = stageStats([1, 2, 3, 4, 5, 6, null, null, null, null]);
    assert.deepEqual(stats, { reached: 6, censored: 4, p50: 5, p90: null, p95: null, p99: null, max: null, mean: null });
    const all = stageStats([1, 2, 3, 4]);
    assert.equal(all.max, 4);
    assert.equal(all.mean, 2.5);
    assert.equal(stageStats([null, null]).p50, null);
  });
});

describe('thresholds', () => {
  test('STAGE:pNN:SECONDS parses; anything else is one BAD_ARGUMENT line', () => {
    assert.deepEqual(parseThreshold('consumer_ready:p95:20'), { stage: 'consumerReadyMs', percentile: 'p95', limitMs: 20_000 });
    assert.deepEqual(parseThreshold('pod_created:p50:0.5'), { stage: 'podCreatedMs', percentile: 'p50', limitMs: 500 });
    for (const bad of [
      'consumer_ready:p95',
      'consumerReady:p95:20',
      'consumer_ready:p42:20',
      'consumer_ready:p95:-1',
      'consumer_ready:p95:x',
    ]) {
      assert.throws(
        () => parseThreshold(bad),
        (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && !e.message.includes('\n') && e.message.includes(bad),
        bad,
      );
    }
  });

  test('a threshold fails above its limit and when its percentile is unknown; the exit status follows', () => {
    const healthy = Array.from({ length: 10 }, (_, i) => run(i + 1, { timings: { consumerReadyMs: 1000 + i * 100 } }));
    const pass = buildBurstReport(outcome(healthy), [parseThreshold('consumer_ready:p95:2')]);
    assert.deepEqual(pass.thresholds, [{ stage: 'consumer_ready', percentile: 'p95', limitMs: 2000, valueMs: 1900, passed: true }]);
    assert.equal(burstExitCode(pass), 0);
    const tight = buildBurstReport(outcome(healthy), [parseThreshold('consumer_ready:p95:1.5')]);
    assert.equal(tight.thresholds[0]!.passed, false);
    assert.equal(burstExitCode(tight), 1);
    // 9 healthy + 1 never ready: p90 (rank 9) is known, p95 (rank 10) is censored → fails although every known time is fast.
    const censored = buildBurstReport(outcome([...healthy.slice(0, 9), pending(10)]), [
      parseThreshold('consumer_ready:p90:60'),
      parseThreshold('consumer_ready:p95:60'),
    ]);
    assert.deepEqual(
      censored.thresholds.map((t) => [t.valueMs, t.passed]),
      [
        [1800, true],
        [null, false],
      ],
    );
    assert.equal(burstExitCode(buildBurstReport(outcome(healthy))), 0);
    assert.equal(
      burstExitCode(buildBurstReport(outcome([...healthy.slice(0, 9), pending(10)]))),
      1,
      'a job that is not healthy fails the burst',
    );
  });
});

describe('the verdict', () => {
  test('job ranges read as people write them', () => {
    assert.equal(jobRanges([31, 32]), 'jobs 31–32');
    assert.equal(jobRanges([7]), 'job 7');
    assert.equal(jobRanges([5, 1, 2, 3, 9]), 'jobs 1–3, 5, 9');
  });

  test('GPUs exhausted: how many became ready, the scheduler’s words, the capacity', () => {
    const runs = [...Array.from({ length: 6 }, (_, i) => run(i + 1)), ...[7, 8, 9, 10].map(pending)];
    const v = buildBurstReport(outcome(runs)).verdict;
    assert.equal(v.severity, 'error');
    assert.match(v.title, /GPU capacity ended at ≈ 6 concurrent jobs/);
    const story = v.evidence.find((e) => e.startsWith('6 of 10 jobs became ready; the other 4 stayed Pending: '));
    assert.ok(story, v.evidence.join('\n'));
    assert.ok(story.includes(GPU_MESSAGE) && story.endsWith('(GPU capacity ≈ 6 concurrent jobs)'), story);
    assert.ok(v.evidence.includes('causes: 4 pod_pending/unschedulable_gpu'), v.evidence.join('\n'));
  });

  test('refused jobs are named by range with the backend’s message', () => {
    const refused = (i: number) =>
      run(i, {
        scenario: {
          id: 'configure_failed',
          cause: 'http_error',
          severity: 'error',
          summary: 'POST /configure did not return a job id: HTTP 503: {"detail":"All 30 job windows are busy"}.',
        },
        timings: {
          jobCreatedMs: null,
          podCreatedMs: null,
          podScheduledMs: null,
          podRunningMs: null,
          podReadyMs: null,
          queueCreatedMs: null,
          consumerAttachedMs: null,
          consumerReadyMs: null,
        },
      });
    const runs = [...Array.from({ length: 30 }, (_, i) => run(i + 1)), refused(31), refused(32)];
    const v = buildBurstReport(outcome(runs)).verdict;
    assert.ok(
      v.evidence.includes('jobs 31–32 were refused by the backend: HTTP 503: {"detail":"All 30 job windows are busy"}'),
      v.evidence.join('\n'),
    );
    assert.ok(
      v.suggestions.some((s) => s.includes('--concurrency 30')),
      v.suggestions.join('\n'),
    );
  });

  test('consumer slower under load while pods stay fast: the backend is the bottleneck', () => {
    const runs = Array.from({ length: 8 }, (_, i) => run(i + 1, { timings: { podReadyMs: 1000, consumerReadyMs: 1500 + i * 1200 } }));
    const v = buildBurstReport(outcome(runs)).verdict;
    const line = v.evidence.find((e) => e.includes('the backend is the bottleneck'));
    assert.equal(
      line,
      'consumer_ready p95 grew from 2.700s to 9.900s (first vs last 2 jobs sent) while pods were ready by 1.000s: the backend is the bottleneck',
    );
    const flat = buildBurstReport(outcome(Array.from({ length: 8 }, (_, i) => run(i + 1)))).verdict;
    assert.ok(!flat.evidence.some((e) => e.includes('bottleneck')), 'no story when nothing grew');
  });
});

describe('outputs', () => {
  const report = buildBurstReport(outcome([...Array.from({ length: 6 }, (_, i) => run(i + 1)), ...[7, 8, 9, 10].map(pending)]), [
    parseThreshold('consumer_ready:p95:20'),
  ]);

  test('text and Markdown say "> timeout" for the censored percentiles', () => {
    const text = renderBurstText(report);
    const row = text.split('\n').find((l) => l.startsWith('consumer_ready'));
    assert.ok(row, text);
    assert.match(row, /6\/10\s+\S+s\s+> timeout\s+> timeout\s+> timeout\s+> timeout\s+> timeout$/);
    assert.match(text, /FAIL consumer_ready p95 ≤ 20\.000s: > timeout/);
    const md = renderBurstMarkdown(report);
    assert.ok(md.includes('| `consumer_ready` | 6/10 |'), md);
    assert.ok(md.includes('&gt; timeout'), md);
  });

  test('JSON follows the contract: kind, runs with index and sentAtMs, stages with censored', () => {
    const json = JSON.parse(renderBurstJson(report));
    assert.deepEqual(Object.keys(json), [
      'schemaVersion',
      'kind',
      'startedAt',
      'jobs',
      'concurrency',
      'rampMs',
      'runs',
      'scenarios',
      'stages',
      'thresholds',
      'verdict',
    ]);
    assert.equal(json.kind, 'burst');
    assert.equal(json.runs.length, 10);
    assert.equal(json.runs[9].index, 10);
    assert.equal(json.runs[9].sentAtMs, 100);
    assert.equal(json.runs[0].schemaVersion, 1);
    assert.deepEqual(json.stages.consumerReadyMs, {
      reached: 6,
      censored: 4,
      p50: healthyReport().timings.consumerReadyMs,
      p90: null,
      p95: null,
      p99: null,
      max: null,
      mean: null,
    });
    assert.deepEqual(json.scenarios, { healthy: 6, pod_pending: 4 });
    assert.deepEqual(json.thresholds, [{ stage: 'consumer_ready', percentile: 'p95', limitMs: 20000, valueMs: null, passed: false }]);
  });

  test('JUnit is well-formed: one case per job plus one per threshold, hostile text escaped', () => {
    const hostile = {
      ...report,
      runs: report.runs.map((r, i) =>
        i === 7 ? { ...r, scenario: { ...r.scenario, summary: HOSTILE_MESSAGE, evidence: [HOSTILE_MESSAGE] } } : r,
      ),
    };
    const xml = renderBurstJUnit(hostile);
    const cases = wellFormed(xml).filter((e) => e.name === 'testcase');
    assert.equal(cases.length, 11);
    assert.match(xml, /<testsuite name="consumer-probe burst" tests="11" failures="5"/);
    assert.match(cases[10]!.attrs, /name="threshold consumer_ready p95 &lt;= 20.000s"/);
    assert.ok(!xml.includes('<script>') && xml.includes('&lt;script&gt;'), 'hostile text escaped');
  });
});

/** Checks XML well-formedness (balanced tags, quoted attributes, no raw `<`/`&` in text); returns the elements opened. */
function wellFormed(xml: string): { name: string; attrs: string }[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const opened: { name: string; attrs: string }[] = [];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = token.exec(body)) !== null) {
    at = token.lastIndex;
    const [, close, name, attrs, selfClose, text] = m;
    if (text !== undefined) {
      assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text), `raw & in text: ${text.slice(0, 80)}`);
      continue;
    }
    if (close) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else {
      opened.push({ name: name!, attrs: attrs ?? '' });
      if (!selfClose) stack.push(name!);
    }
  }
  assert.equal(at, body.length, `not XML at: ${body.slice(at, at + 80)}`);
  assert.deepEqual(stack, [], 'every element closed');
  return opened;
}
