// --trace and --chrome-trace on the built CLI (dist/cli.js): both files written after a demo run, their
// times the JSON report's own; an unwritable path refused in one line before anything runs; a write that
// fails afterwards costs only that file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutputs } from '../../src/cli/outputs';
import { TIMING_KEYS } from '../../src/probe/model';
import type { Report } from '../../src/probe/model';
import { healthyReport } from '../fixtures/reports';
import { runCli } from '../helpers/runCli';
import { makeTempDir } from '../helpers/tmp';
import { CONTRACT_STAGES } from '../fixtures/stageNames';

const STAGES = CONTRACT_STAGES;

test('demo --trace F --chrome-trace G: both written, one trace, every stage at the report’s own time', async (t) => {
  const dir = makeTempDir(t, 'cp-trace-');
  const [trace, chrome, json] = ['t.otlp.json', 't.chrome.json', 'r.json'].map((f) => join(dir, f)) as [string, string, string];
  const r = await runCli(t, ['demo', '--quiet', '--trace', trace, '--chrome-trace', chrome, '--json', json], { killAfterMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;

  const otlp = JSON.parse(readFileSync(trace, 'utf8'));
  const spans: any[] = otlp.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
  assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, 'one job, one trace');
  const root = spans.find((s) => !s.parentSpanId);
  assert.equal(root.name, `probe job ${report.jobId}`);
  const epochNs = BigInt(Date.parse(report.startedAt)) * 1_000_000n;
  assert.equal(root.startTimeUnixNano, String(epochNs));
  STAGES.forEach((stage, i) => {
    const span = spans.find((s) => s.name === stage);
    assert.ok(span, `a span for ${stage}`);
    assert.equal(span.parentSpanId, root.spanId);
    const ms = report.timings[TIMING_KEYS[i]!]!;
    assert.equal(span.endTimeUnixNano, String(epochNs + BigInt(Math.round(ms * 1000)) * 1000n), `${stage} ends at ${ms} ms`);
  });

  const events: any[] = JSON.parse(readFileSync(chrome, 'utf8')).traceEvents;
  const tracks = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
  for (const stage of STAGES) assert.ok(tracks.includes(stage), `a track for ${stage}`);
  assert.ok(events.every((e) => typeof e.ts === 'number' && typeof e.pid === 'number' && typeof e.tid === 'number'));
});

test('an unwritable --trace or --chrome-trace: exit 2 and one line, before the run starts', async (t) => {
  const dir = makeTempDir(t, 'cp-trace-');
  const missing = join(dir, 'no-such-folder', 't.json');
  const r = await runCli(t, ['demo', '--trace', missing]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `consumer-probe: --trace ${missing}: folder ${join(dir, 'no-such-folder')} does not exist\n`);
  assert.equal(r.stdout, '', 'nothing ran: not even the demo preface');

  const r2 = await runCli(t, ['demo', '--chrome-trace', dir]);
  assert.equal(r2.code, 2);
  assert.equal(r2.stderr, `consumer-probe: --chrome-trace ${dir} is a folder\n`);
  assert.equal(r2.stdout, '');
});

test('a trace write that fails after the run is one line; the other files are still written', (t) => {
  const dir = makeTempDir(t, 'cp-trace-');
  const gone = join(dir, 'gone');
  mkdirSync(gone);
  rmSync(gone, { recursive: true }); // the folder vanished while the probe ran
  const flags = { quiet: true, markdown: join(dir, 'r.md'), chromeTrace: join(dir, 'c.json'), trace: join(gone, 't.json') };
  const err: string[] = [];
  const problems = writeOutputs(
    healthyReport(),
    flags,
    () => undefined,
    (text) => err.push(text),
  );
  assert.deepEqual(problems, [`cannot write --trace ${join(gone, 't.json')}: ENOENT`]);
  assert.equal(err[0], `consumer-probe: ${problems[0]}\n`);
  assert.match(readFileSync(flags.markdown, 'utf8'), /Consumer ready/);
  assert.ok(JSON.parse(readFileSync(flags.chromeTrace, 'utf8')).traceEvents.length > 0);
});
