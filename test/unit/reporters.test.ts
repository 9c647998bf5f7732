import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { TIMING_KEYS } from '../../src/probe/model';
import type { Observation, PodSnapshot, Report } from '../../src/probe/model';
import { renderJson } from '../../src/probe/report/json';
import { renderTextReport } from '../../src/probe/report/text';
import { renderMarkdown } from '../../src/probe/report/markdown';
import { renderJUnit } from '../../src/probe/report/junit';
import { createLiveTextLog } from '../../src/probe/report/liveText';
import { foldAttempts, formatSeconds, milestoneDurations, biggestGap, wrap } from '../../src/probe/report/format';
import {
  CLEANUP_POD,
  GPU_MESSAGE,
  HOSTILE_LABEL,
  HOSTILE_SUMMARY,
  JOB_ID,
  PRIMARY_POD,
  attemptsEvery,
  configureFailedReport,
  healthyReport,
  hostileReport,
  podFailedReport,
  podPendingReport,
} from '../fixtures/reports';
import { assertReportContract } from '../helpers/reportContract';

const ALL = {
  healthy: healthyReport,
  podPending: podPendingReport,
  configureFailed: configureFailedReport,
  hostile: hostileReport,
  podFailed: podFailedReport,
};

function lineOf(text: string, needle: string): string {
  const line = text.split('\n').find((l) => l.includes(needle));
  assert.ok(line !== undefined, `no line contains ${JSON.stringify(needle)}`);
  return line;
}

/** Text between a section heading and the next rule-headed section. */
function section(text: string, title: string): string {
  const start = text.search(new RegExp(`^${title}$`, 'm'));
  assert.ok(start >= 0, `missing section ${title}`);
  const rest = text.slice(start + title.length);
  const end = rest.search(/\n={20,}\n[A-Z ]+\n={20,}/);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('format helpers', () => {
  test('seconds with millisecond precision, and a dash for never', () => {
    assert.equal(formatSeconds(1234), '1.234s');
    assert.equal(formatSeconds(0), '0.000s');
    assert.equal(formatSeconds(null), '—');
  });

  test('folds runs of identical outcomes, keeping first and last times', () => {
    const runs = foldAttempts([...attemptsEvery(100, 300, 100, 404, 'Invalid job_id'), { atMs: 400, status: 200, error: null }]);
    assert.deepEqual(runs, [
      { status: 404, error: 'Invalid job_id', count: 3, firstMs: 100, lastMs: 300 },
      { status: 200, error: null, count: 1, firstMs: 400, lastMs: 400 },
    ]);
  });

  test('names the biggest gap between consecutive milestones', () => {
    const gap = biggestGap(milestoneDurations(healthyReport().timings));
    assert.equal(gap?.label, 'scheduled → running');
    assert.equal(gap?.ms, 2705);
  });

  test('wrap keeps lines within the width', () => {
    const lines = wrap('word '.repeat(60) + 'x'.repeat(150), 40, '  ');
    assert.ok(lines.length > 5);
    for (const l of lines) assert.ok(l.length <= 40, l);
  });
});

describe('renderJson', () => {
  for (const [name, build] of Object.entries(ALL)) {
    test(`${name}: round-trips to the same object with schemaVersion 1`, () => {
      const report = build();
      const json = renderJson(report);
      assert.deepEqual(JSON.parse(json), report);
      assert.equal(JSON.parse(json).schemaVersion, 1);
    });
  }

  test('pretty-printed with 2 spaces and a trailing newline', () => {
    const json = renderJson(healthyReport());
    assert.ok(json.endsWith('}\n'));
    assert.match(json, /^\{\n {2}"schemaVersion": 1,\n/);
  });

  test('timingWindows: one per non-null timing, atOrBeforeMs the timing; a stored report without windows has no lower bounds', () => {
    const r = podPendingReport();
    // A window whose timing is null is not the contract's: dropped.
    r.timingWindows.podReadyMs = { afterMs: 1, atOrBeforeMs: 2 };
    const parsed = JSON.parse(renderJson(r));
    assert.deepEqual(parsed.timingWindows, {
      configureMs: { afterMs: 0, atOrBeforeMs: 231 },
      jobCreatedMs: { afterMs: 306, atOrBeforeMs: 310 },
      podCreatedMs: { afterMs: 398, atOrBeforeMs: 402 },
    });
    assertReportContract(parsed);
    const stored = healthyReport() as Partial<Report>;
    delete stored.timingWindows;
    const old = JSON.parse(renderJson(stored as Report));
    assert.deepEqual(old.timingWindows.consumerReadyMs, { afterMs: null, atOrBeforeMs: 5311 });
    assertReportContract(old);
  });

  test('keeps the contract key order whatever order the report was built in', () => {
    const r = healthyReport();
    const shuffled = Object.fromEntries(Object.entries(r).reverse()) as unknown as Report;
    shuffled.timings = Object.fromEntries(Object.entries(r.timings).reverse()) as Report['timings'];
    shuffled.pods = r.pods.map((p) => Object.fromEntries(Object.entries(p).reverse()) as unknown as Report['pods'][number]);
    const parsed = JSON.parse(renderJson(shuffled));
    assert.deepEqual(Object.keys(parsed), [
      'schemaVersion',
      'jobId',
      'startedAt',
      'scenario',
      'timings',
      'timingWindows',
      'pods',
      'metadataAttempts',
      'queue',
      'events',
      'logs',
      'probe',
    ]);
    assert.deepEqual(Object.keys(parsed.timings), [...TIMING_KEYS]);
    assert.deepEqual(Object.keys(parsed.probe), ['apiRequests', 'apiBytes', 'backendRequests', 'startDelayMs']);
    assert.deepEqual(Object.keys(parsed.timingWindows), [...TIMING_KEYS]);
    assert.deepEqual(Object.keys(parsed.scenario), ['id', 'cause', 'severity', 'title', 'summary', 'evidence', 'suggestions']);
    assert.deepEqual(Object.keys(parsed.pods[0]), [
      'name',
      'namespace',
      'role',
      'matchedBy',
      'phase',
      'ready',
      'restartCount',
      'node',
      'labels',
      'reason',
      'firstSeenMs',
      'history',
    ]);
  });
});

describe('renderTextReport', () => {
  const SECTIONS = ['RESULTS', 'POD MONITORING RESULTS', 'TIMING ANALYSIS', 'EVENTS', 'DIAGNOSIS'];

  test('sections appear in order, each headed by = rules', () => {
    const text = renderTextReport(healthyReport());
    let last = -1;
    for (const title of SECTIONS) {
      const at = text.search(new RegExp(`={20,}\\n${title}\\n={20,}`));
      assert.ok(at > last, `${title} missing or out of order`);
      last = at;
    }
  });

  test('RESULTS: job id, scenario, consumer ready time and metadata attempts', () => {
    const results = section(renderTextReport(healthyReport()), 'RESULTS');
    assert.match(lineOf(results, 'Job id'), /19-5/);
    assert.match(lineOf(results, 'Scenario'), /healthy — Consumer ready \[OK\]/);
    assert.match(lineOf(results, 'Consumer ready:'), /5\.311s/);
    assert.match(lineOf(results, 'Metadata attempts'), /51 \(last: 200 at 5\.311s\)/);
    assert.match(results, /404 Invalid job_id × 50 \(0\.311s–5\.211s\)/);
  });

  test('a consumer that never became ready says "never"', () => {
    const results = section(renderTextReport(podPendingReport()), 'RESULTS');
    assert.match(lineOf(results, 'Consumer ready:'), /never$/);
    assert.match(lineOf(results, 'Metadata attempts'), /298 \(last: 404 Invalid job_id at 30\.011s\)/);
  });

  test('every timing key appears with its value, null as —', () => {
    const healthy = section(renderTextReport(healthyReport()), 'TIMING ANALYSIS');
    for (const key of TIMING_KEYS) {
      const v = healthyReport().timings[key];
      assert.match(lineOf(healthy, key), new RegExp(`${formatSeconds(v).replace('.', '\\.')}(  \\(between [0-9.]+s and [0-9.]+s\\))?$`));
    }
    const failed = section(renderTextReport(configureFailedReport()), 'TIMING ANALYSIS');
    for (const key of TIMING_KEYS) assert.match(lineOf(failed, key), /—$/);
  });

  test('a wide timing window is shown after the time, a narrow one not, none when nothing bounds it', () => {
    const r = healthyReport();
    r.timingWindows.podScheduledMs = { afterMs: 402, atOrBeforeMs: 415 };
    r.timingWindows.podRunningMs = { afterMs: 3070, atOrBeforeMs: 3120 }; // exactly the threshold: narrow
    r.timingWindows.podReadyMs = { afterMs: 3349, atOrBeforeMs: 3400 }; // 51 ms: wide
    r.timingWindows.jobCreatedMs = { afterMs: null, atOrBeforeMs: 310 };
    const text = section(renderTextReport(r), 'TIMING ANALYSIS');
    assert.match(lineOf(text, 'consumerReadyMs'), /consumer ready\s+5\.311s {2}\(between 5\.209s and 5\.311s\)$/);
    assert.match(lineOf(text, 'podScheduledMs'), /0\.415s$/);
    assert.match(lineOf(text, 'podRunningMs'), /3\.120s$/);
    assert.match(lineOf(text, 'podReadyMs'), /3\.400s {2}\(between 3\.349s and 3\.400s\)$/);
    assert.match(lineOf(text, 'jobCreatedMs'), /0\.310s {2}\(no earlier bound\)$/);
    assert.match(text, /shown when wider than 50 ms/);
    const markdown = renderMarkdown(r);
    assert.match(lineOf(markdown, '`consumerReadyMs`'), /\| 5\.311s \(between 5\.209s and 5\.311s\) \| 0\.111s \|$/);
    assert.match(lineOf(markdown, '`podRunningMs`'), /\| 3\.120s \| 2\.705s \|$/);
    // A run stored before windows existed reads as before.
    const stored = healthyReport() as Partial<Report>;
    delete stored.timingWindows;
    const old = section(renderTextReport(stored as Report), 'TIMING ANALYSIS');
    assert.doesNotMatch(old, /\(between|no earlier bound/);
    assert.doesNotMatch(renderMarkdown(stored as Report), /\(between|no earlier bound/);
  });

  test('durations between milestones and where the time went', () => {
    const timing = section(renderTextReport(healthyReport()), 'TIMING ANALYSIS');
    assert.match(lineOf(timing, 'configure → job'), /0\.079s$/);
    assert.match(lineOf(timing, 'running → ready'), /0\.280s$/);
    assert.match(lineOf(timing, 'pod ready → consumer ready'), /1\.911s$/);
    assert.match(lineOf(timing, 'Where the time went'), /scheduled → running took 2\.705s \(51% of/);
  });

  test('a stuck job names the first milestone never reached', () => {
    const timing = section(renderTextReport(podPendingReport()), 'TIMING ANALYSIS');
    assert.match(lineOf(timing, 'Stalled'), /pod created \(0\.402s\); pod scheduled was never observed/);
    assert.match(lineOf(timing, 'created → scheduled'), /—$/);
    assert.match(lineOf(timing, 'Where the time went'), /waiting for pod scheduled: still not observed 29\.609s after pod created/);
  });

  test('pods with role, node, reason and history transitions', () => {
    const pods = section(renderTextReport(healthyReport()), 'POD MONITORING RESULTS');
    assert.match(lineOf(pods, PRIMARY_POD), /\[primary\]/);
    assert.match(lineOf(pods, CLEANUP_POD), /\[related\]/);
    assert.match(lineOf(pods, 'node: gpu-node-1'), /ready: yes\s+restarts: 0/);
    assert.match(pods, /matched by: label:job-name=grpc-job-19-5/);
    assert.match(pods, /^ +\+3\.120s Pending \(ContainerCreating\) → Running$/m);
    assert.match(pods, /^ +\+3\.400s Running → Running \(ready\)$/m);
    assert.match(section(renderTextReport(configureFailedReport()), 'POD MONITORING RESULTS'), /No pod of the job was seen/);
  });

  test('events and diagnosis carry the FailedScheduling reason', () => {
    const text = renderTextReport(podPendingReport());
    const events = section(text, 'EVENTS');
    assert.match(lineOf(events, 'FailedScheduling'), /0\.420s\s+Warning\s+FailedScheduling\s+Pod\/grpc-job-19-5-abcde/);
    assert.ok(events.includes(GPU_MESSAGE));
    const diagnosis = section(text, 'DIAGNOSIS');
    assert.match(diagnosis, /pod_pending\/unschedulable_gpu — Pod never started \[ERROR\]/);
    assert.match(diagnosis, /^ {2}- FailedScheduling: 0\/3 nodes are available/m);
    assert.match(diagnosis, /^ {2}- Free a GPU/m);
  });

  test('hostile strings cannot add lines, control chars or colour', () => {
    const text = renderTextReport(hostileReport());
    assert.ok(!text.includes('\u0007'));
    assert.ok(!text.includes('\u001b'));
    assert.ok(!/^second line/m.test(text.replace(/^ +/gm, '')), 'a newline in a message started a new line');
  });

  test('lines stay terminal-friendly, colour only on request', () => {
    const plain = renderTextReport(podPendingReport());
    for (const l of plain.split('\n')) assert.ok(l.length <= 100, `too wide: ${l}`);
    assert.ok(!plain.includes('\u001b['));
    assert.ok(renderTextReport(podPendingReport(), { color: true }).includes('\u001b[31m[ERROR]'));
  });
});

/** Pipes a Markdown table renderer would see as cell separators. */
const cellSeparators = (row: string) => (row.match(/(?<!\\)\|/g) ?? []).length;

/** The consecutive `|` lines of the table that follows a heading. */
function tableAfter(out: string, heading: string): string[] {
  const lines = out.slice(out.indexOf(heading)).split('\n').slice(1);
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('|')) break;
    rows.push(l);
  }
  return rows;
}

describe('renderMarkdown', () => {
  test('heading with scenario and a plain severity marker', () => {
    assert.match(renderMarkdown(podPendingReport()).split('\n')[0]!, /^## .*Pod never started.*\*\*ERROR\*\*$/);
    assert.match(renderMarkdown(healthyReport()).split('\n')[0]!, /\*\*OK\*\*$/);
  });

  test('summary, evidence and suggestions as lists', () => {
    const out = renderMarkdown(podPendingReport());
    assert.ok(out.includes('stayed Pending for 30s'));
    assert.match(out, /### Evidence\n\n- FailedScheduling: 0\/3 nodes are available/);
    assert.match(out, /### Suggestions\n\n- Free a GPU/);
  });

  test('every timing key in the table with since-t0 and delta from previous milestone', () => {
    const healthy = renderMarkdown(healthyReport());
    assert.match(lineOf(healthy, '`podRunningMs`'), /\| 3\.120s \| 2\.705s \|$/);
    assert.match(lineOf(healthy, '`configureMs`'), /\| 0\.231s \(between 0\.000s and 0\.231s\) \| — \|$/);
    assert.match(lineOf(healthy, 'Where the time went'), /scheduled → running took 2\.705s/);
    const failed = renderMarkdown(configureFailedReport());
    for (const key of TIMING_KEYS) assert.match(lineOf(failed, `\`${key}\``), /\| — \| — \|$/);
  });

  test('pods and events tables', () => {
    const out = renderMarkdown(podPendingReport());
    assert.match(tableAfter(out, '### Pods')[2]!, /^\| grpc-job-19-5-abcde \| primary \|.*\| Pending \(Unschedulable\) \|/);
    const events = tableAfter(out, '### Events');
    assert.equal(events.length, 3);
    assert.match(events[2]!, /^\| 0\.420s \| Warning \| FailedScheduling \| Pod\/grpc-job-19-5-abcde \| 0\/3 nodes are available/);
  });

  test('metadata attempts folded into runs', () => {
    const out = renderMarkdown(healthyReport());
    assert.match(out, /^- 404 Invalid job\\_id × 50 \(0\.311s–5\.211s\)$/m);
    assert.match(out, /^- 200 × 1 \(5\.311s\)$/m);
  });

  test('hostile strings cannot inject HTML, links or break tables', () => {
    const out = renderMarkdown(hostileReport());
    assert.ok(!out.includes('<img'), 'raw <img');
    assert.ok(!out.includes('<script'), 'raw <script');
    assert.ok(out.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!out.includes('[link](') && out.includes('\\[link\\](http'));
    assert.ok(!out.includes('\u0007'));
    assert.ok(!/^second line/m.test(out));
    assert.match(out, /^- \\# not a heading$/m);
    assert.match(out, /^- \\- not a nested list$/m);
    for (const title of ['### Events', '### Pods']) {
      const rows = tableAfter(out, title);
      assert.ok(rows.length >= 3, `${title} table is missing rows`);
      for (const r of rows) assert.equal(cellSeparators(r), cellSeparators(rows[0]!), `row broke the table: ${r}`);
    }
  });
});

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const decode = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+);/g, (_m, e: string) =>
    e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[e]!,
  );

/** Just enough XML to check well-formedness: balanced tags, quoted attributes, no stray `<`, `>` or `&`.
 *  A linear scan, so malformed output fails the test instead of sending a regex into backtracking. */
function parseXml(xml: string): XmlNode {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  let at = 0;
  while (at < body.length) {
    const open = body.indexOf('<', at);
    const between = body.slice(at, open < 0 ? body.length : open);
    assert.ok(!/>|&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(between), `bad text: ${between.slice(0, 80)}`);
    stack[stack.length - 1]!.text += decode(between);
    if (open < 0) break;
    const close = body.indexOf('>', open);
    assert.ok(close > open, 'unterminated tag');
    const inner = body.slice(open + 1, close);
    at = close + 1;
    const head = /^(\/?)([A-Za-z][\w-]*)/.exec(inner);
    assert.ok(head, `bad tag: <${inner.slice(0, 40)}>`);
    const [, closing, name] = head;
    if (closing) {
      assert.equal(inner.slice(head[0].length).trim(), '', `junk in </${name}>`);
      const top = stack.pop();
      assert.equal(top?.name, name, `</${name}> closes <${top?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    const attr = /\s+([\w:-]+)="([^"<]*)"/y;
    let pos = head[0].length;
    for (attr.lastIndex = pos; ; attr.lastIndex = pos) {
      const m = attr.exec(inner);
      if (!m) break;
      assert.ok(!(m[1]! in attrs), `duplicate attribute ${m[1]}`);
      attrs[m[1]!] = decode(m[2]!);
      pos = attr.lastIndex;
    }
    const rest = inner.slice(pos);
    assert.match(rest, /^\s*\/?$/, `bad attributes in <${name}>: ${rest.slice(0, 40)}`);
    const node: XmlNode = { name: name!, attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(node);
    if (!rest.trim().endsWith('/')) stack.push(node);
  }
  assert.equal(stack.length, 1, 'unclosed elements');
  assert.equal(root.children.length, 1, 'one root element');
  assert.equal(root.text.trim(), '', 'text outside the root element');
  return root.children[0]!;
}

const all = (n: XmlNode, name: string): XmlNode[] => [...(n.name === name ? [n] : []), ...n.children.flatMap((c) => all(c, name))];

describe('renderJUnit', () => {
  for (const [name, build] of Object.entries(ALL)) {
    test(`${name}: well-formed, one testcase, failure iff not healthy`, () => {
      const report = build();
      const suite = parseXml(renderJUnit(report));
      assert.equal(suite.name, 'testsuite');
      const cases = all(suite, 'testcase');
      assert.equal(cases.length, 1);
      const failures = all(suite, 'failure');
      assert.equal(failures.length, report.scenario.id === 'healthy' ? 0 : 1);
      assert.equal(suite.attrs.failures, String(failures.length));
      if (failures[0]) {
        assert.equal(failures[0].attrs.type, report.scenario.id);
        assert.equal(failures[0].attrs.message, report.scenario.summary);
        for (const e of report.scenario.evidence) assert.ok(failures[0].text.includes(e.replace(/\u0007/g, '')));
        for (const s of report.scenario.suggestions) assert.ok(failures[0].text.includes(s));
      }
      assert.match(all(suite, 'system-out')[0]!.text, /TIMING ANALYSIS/);
    });
  }

  test('testcase name and time (consumer ready, else how long the probe ran)', () => {
    const healthy = all(parseXml(renderJUnit(healthyReport())), 'testcase')[0]!;
    assert.equal(healthy.attrs.name, `consumer ready for job ${JOB_ID}`);
    assert.equal(healthy.attrs.time, '5.311');
    assert.equal(all(parseXml(renderJUnit(podPendingReport())), 'testcase')[0]!.attrs.time, '30.011');
    assert.equal(all(parseXml(renderJUnit(configureFailedReport())), 'testcase')[0]!.attrs.time, '0.000');
  });

  test('suite and test names can be overridden', () => {
    const suite = parseXml(renderJUnit(healthyReport(), { suiteName: 'nightly', testName: 'probe "prod"' }));
    assert.equal(suite.attrs.name, 'nightly');
    assert.equal(all(suite, 'testcase')[0]!.attrs.name, 'probe "prod"');
  });

  test('slow (warning) scenarios still fail', () => {
    const report = healthyReport();
    report.scenario = { ...report.scenario, id: 'slow_pod_start', severity: 'warning' };
    assert.equal(all(parseXml(renderJUnit(report)), 'failure').length, 1);
  });

  test('escapes attributes and text, strips illegal characters', () => {
    const xml = renderJUnit(hostileReport());
    assert.ok(xml.includes(`message="Consumer slow: &quot;42&quot; &lt; 43 &amp; &apos;late&apos;"`));
    assert.ok(!xml.includes('<img') && !xml.includes(HOSTILE_LABEL));
    assert.ok(!xml.includes(']]>'));
    assert.ok(!xml.includes('\u0007'));
    assert.equal(all(parseXml(xml), 'failure')[0]!.attrs.message, HOSTILE_SUMMARY);
  });
});

describe('createLiveTextLog', () => {
  function snapshot(over: Partial<PodSnapshot> = {}): PodSnapshot {
    return {
      uid: 'uid-1',
      name: PRIMARY_POD,
      namespace: 'panda',
      phase: 'Pending',
      ready: false,
      restartCount: 0,
      node: null,
      labels: {},
      conditions: [],
      containers: [],
      deleted: false,
      ...over,
    };
  }
  const waiting = (reason: string) => [
    {
      name: 'baby-analyzer',
      ready: false,
      restartCount: 0,
      state: 'waiting' as const,
      reason,
      message: null,
      exitCode: null,
      lastTerminated: null,
    },
  ];

  function run(observations: Observation[], opts: Parameters<typeof createLiveTextLog>[1] = { match: DEFAULT_MATCH_RULES }): string[] {
    const lines: string[] = [];
    const log = createLiveTextLog((l) => lines.push(l), opts);
    for (const o of observations) log(o);
    return lines;
  }

  const podSequence: Observation[] = [
    { kind: 'pod.changed', atMs: 402, pod: snapshot() },
    { kind: 'pod.changed', atMs: 403, pod: snapshot() },
    { kind: 'pod.changed', atMs: 415, pod: snapshot({ node: 'gpu-node-1', containers: waiting('ContainerCreating') }) },
    { kind: 'pod.changed', atMs: 416, pod: snapshot({ node: 'gpu-node-1', labels: { x: 'y' }, containers: waiting('ContainerCreating') }) },
    { kind: 'pod.changed', atMs: 3120, pod: snapshot({ phase: 'Running', node: 'gpu-node-1' }) },
    { kind: 'pod.changed', atMs: 3400, pod: snapshot({ phase: 'Running', ready: true, node: 'gpu-node-1' }) },
    { kind: 'pod.changed', atMs: 3500, pod: snapshot({ phase: 'Running', ready: true, node: 'gpu-node-1' }) },
    { kind: 'pod.changed', atMs: 450, pod: snapshot({ uid: 'uid-2', name: CLEANUP_POD }) },
  ];

  test('configure step, cluster and job lines', () => {
    const lines = run([
      { kind: 'probe.started', atMs: 0, wallClock: '2024-05-01T10:00:00.000Z' },
      { kind: 'configure.sent', atMs: 0, url: 'https://user:secret@focus.local:5000/configure' },
      { kind: 'configure.answered', atMs: 231, status: 200, jobId: JOB_ID, error: null },
      {
        kind: 'cluster.access',
        atMs: 40,
        access: { state: 'watching', server: 'https://k8s.local:6443', namespace: 'panda', context: 'lab' },
      },
      { kind: 'cluster.access', atMs: 50, access: { state: 'unavailable', reason: 'token expired', code: 'UNAUTHORIZED' } },
      {
        kind: 'job.changed',
        atMs: 310,
        job: { uid: 'j1', name: 'grpc-job-19-5', namespace: 'panda', active: 0, succeeded: 0, failed: 0, conditions: [] },
      },
      {
        kind: 'job.changed',
        atMs: 311,
        job: { uid: 'j1', name: 'grpc-job-19-5', namespace: 'panda', active: 0, succeeded: 0, failed: 0, conditions: [] },
      },
    ]);
    assert.ok(lines.includes('[  0.231s] STEP 1  POST /configure → 200, job_id=19-5'), lines.join('\n'));
    assert.ok(!lines.join('\n').includes('secret'));
    assert.match(lineOf(lines.join('\n'), 'CLUSTER watching'), /namespace panda on https:\/\/k8s\.local:6443/);
    assert.match(lineOf(lines.join('\n'), 'CLUSTER unavailable'), /UNAUTHORIZED\): token expired/);
    assert.equal(lines.filter((l) => l.includes('JOB grpc-job-19-5')).length, 1);
    assert.match(lineOf(lines.join('\n'), 'JOB grpc-job-19-5'), /created/);
  });

  test('one line per visible pod change, none for unchanged MODIFIED', () => {
    const answered: Observation = { kind: 'configure.answered', atMs: 300, status: 200, jobId: JOB_ID, error: null };
    const lines = run([answered, ...podSequence]).filter((l) => l.includes(' POD '));
    assert.deepEqual(lines, [
      '[  0.402s] POD grpc-job-19-5-abcde  Pending (new)',
      '[  0.415s] POD grpc-job-19-5-abcde  Pending → Pending (ContainerCreating)',
      '[  3.120s] POD grpc-job-19-5-abcde  Pending (ContainerCreating) → Running',
      '[  3.400s] POD grpc-job-19-5-abcde  Running → Running (ready)',
      '[  0.450s] POD cleanup-job-19-5-xk2p9 (related)  Pending (new)',
    ]);
  });

  test('restarts and deletion are visible changes', () => {
    const lines = run([
      { kind: 'pod.changed', atMs: 100, pod: snapshot({ phase: 'Running' }) },
      { kind: 'pod.changed', atMs: 200, pod: snapshot({ phase: 'Running', restartCount: 1 }) },
      { kind: 'pod.changed', atMs: 300, pod: snapshot({ phase: 'Running', restartCount: 1, deleted: true }) },
    ]);
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /restarts 1$/);
    assert.match(lines[2]!, /\(deleted\)/);
  });

  test('the match rules decide which pods are related once the job id is known', () => {
    const answered: Observation = { kind: 'configure.answered', atMs: 300, status: 200, jobId: JOB_ID, error: null };
    const noneOfTheJob = { ...DEFAULT_MATCH_RULES, primaryLabels: [], primaryNames: ['other-{id}-{suffix}'] };
    const related = run([answered, ...podSequence.slice(0, 1)], { match: noneOfTheJob });
    assert.match(related[1]!, /POD grpc-job-19-5-abcde \(related\)/);
    const own = run([answered, ...podSequence.slice(0, 1)], { match: DEFAULT_MATCH_RULES });
    assert.match(own[1]!, /POD grpc-job-19-5-abcde {2}/);
    assert.doesNotMatch(own[1]!, /\(related\)/);
    const beforeTheAnswer = run(podSequence.slice(0, 1), { match: noneOfTheJob });
    assert.doesNotMatch(beforeTheAnswer[0]!, /\(related\)/, "before the job id every pod is taken as the job's own");
  });

  test('300 identical metadata attempts give a handful of lines, not 300', () => {
    const attempts: Observation[] = attemptsEvery(300, 30_200, 100, 404, 'Invalid job_id').map((a) => ({ kind: 'metadata.attempt', ...a }));
    assert.equal(attempts.length, 300);
    const lines = run([
      ...attempts,
      { kind: 'metadata.attempt', atMs: 30_300, status: 200, error: null },
      { kind: 'probe.ended', atMs: 30_300, reason: 'consumer_ready' },
    ]);
    assert.ok(lines.length <= 10, `${lines.length} lines`);
    assert.equal(lines[0], '[  0.300s] STEP 2  metadata attempt 1 → 404 Invalid job_id');
    assert.ok(lines.includes('[  5.300s] METADATA still waiting: 51 attempts, last 404 Invalid job_id'), lines.join('\n'));
    assert.equal(lines.filter((l) => l.includes('still waiting')).length, 5);
    assert.match(lineOf(lines.join('\n'), 'attempt 301'), /→ 200 \(was 404 Invalid job_id\)/);
    assert.match(lines[lines.length - 1]!, /END {2}consumer ready after 30\.300s \(301 metadata attempts, last 200\)/);
  });

  test('warning and key normal events once each; noise skipped', () => {
    const ev = (atMs: number, type: string, reason: string, message: string, count = 1): Observation => ({
      kind: 'event.seen',
      atMs,
      event: { type, reason, object: `Pod/${PRIMARY_POD}`, message, count },
    });
    const lines = run([
      ev(420, 'Warning', 'FailedScheduling', GPU_MESSAGE),
      ev(5420, 'Warning', 'FailedScheduling', GPU_MESSAGE, 2),
      ev(500, 'Normal', 'SandboxChanged', 'Pod sandbox changed'),
      ev(600, 'Normal', 'Pulled', 'Successfully pulled image'),
      ev(700, 'Warning', 'BackOff', 'line one\nline two\u0007'),
    ]);
    assert.equal(lines.length, 3);
    assert.equal(lines[0], `[  0.420s] EVENT Warning FailedScheduling Pod/${PRIMARY_POD}: ${GPU_MESSAGE}`);
    assert.match(lines[1]!, /EVENT Normal Pulled/);
    assert.ok(!lines[2]!.includes('\n') && !lines[2]!.includes('\u0007'));
  });

  test('every line starts with a time stamp and holds no newline', () => {
    const lines = run([
      { kind: 'probe.started', atMs: 0, wallClock: 'now' },
      ...podSequence,
      {
        kind: 'queue.changed',
        atMs: 4100,
        queue: { name: 'grpc-job-19-5', firstSeenMs: 4100, messages: 0, consumers: 0, source: 'management-api' },
      },
      {
        kind: 'queue.changed',
        atMs: 5200,
        queue: { name: 'grpc-job-19-5', firstSeenMs: 4100, messages: 0, consumers: 1, source: 'management-api' },
      },
      { kind: 'probe.ended', atMs: 30_000, reason: 'timeout' },
    ]);
    for (const l of lines) assert.match(l, /^\[ *\d+\.\d{3}s\] [^\n]+$/);
    assert.match(lineOf(lines.join('\n'), 'QUEUE'), /appeared/);
    assert.match(lineOf(lines.join('\n'), 'consumers 0 → 1'), /QUEUE grpc-job-19-5/);
    assert.match(lines[lines.length - 1]!, /timed out after 30\.000s, consumer never ready/);
  });
});

test("the text report's RESULTS say what the probe cost and how long it took to start", () => {
  const text = renderTextReport(healthyReport());
  assert.match(text, /^Probe cost: {9}14 API requests \(47\.1 KiB\), 24 backend requests$/m);
  assert.match(text, /^Probe start: {8}configure sent 0\.038s after the first API request$/m);
});
