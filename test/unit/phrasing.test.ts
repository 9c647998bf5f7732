// One way to word a time and a count, for diagnosis and every output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { buildReport } from '../../src/probe/buildReport';
import { DEFAULT_MATCH_RULES, DEFAULT_QUEUE_NAMES } from '../../src/probe/options';
import { count, formatSeconds, formatStamp, quote } from '../../src/probe/phrasing';
import { createLiveTextLog } from '../../src/probe/report/liveText';
import { renderJUnit } from '../../src/probe/report/junit';
import { renderMarkdown } from '../../src/probe/report/markdown';
import { renderTextReport } from '../../src/probe/report/text';
import { TimelineBuilder, podReadyTimeline } from '../fixtures/timelines';

const ctx = { timeoutMs: 8000, slowThresholdMs: 4000, namespace: 'panda' };

test("a time reads 2.362s everywhere; never observed reads — (or the sentence's word)", () => {
  assert.equal(formatSeconds(2362), '2.362s');
  assert.equal(formatSeconds(-0.2), '0.000s');
  assert.equal(formatSeconds(null), '—');
  assert.equal(formatSeconds(null, 'never'), 'never');
  assert.equal(formatStamp(231), '[  0.231s]');
});

test('counts agree with their noun; unknown counts say so', () => {
  assert.equal(count(1, 'consumer'), '1 consumer');
  assert.equal(count(0, 'consumer'), '0 consumers');
  assert.equal(count(3, 'consumer'), '3 consumers');
  assert.equal(count(null, 'consumer'), '? consumers');
  assert.equal(count(null, 'consumer', 'consumers', 'unknown'), 'unknown consumers');
  assert.equal(quote('line one\nline two  '), '"line one line two"');
});

/** A run whose pod ran with one restart and whose queue got one consumer, but metadata never answered. */
function oneConsumerNeverReady(): TimelineBuilder {
  const b = podReadyTimeline('4-2').queue(1600, 1);
  b.observations.push({ kind: 'metadata.attempt', atMs: 2362, status: 404, error: 'Invalid job_id' });
  return b.end(8000, 'timeout');
}

test('every output (diagnosis, text, Markdown, JUnit, live log) writes a time the same way', () => {
  const b = oneConsumerNeverReady();
  const report = buildReport(b.observations, DEFAULT_MATCH_RULES, ctx, { queueNames: DEFAULT_QUEUE_NAMES });
  const live: string[] = [];
  const log = createLiveTextLog((l) => live.push(l), { match: DEFAULT_MATCH_RULES });
  b.observations.forEach(log);
  const outputs = {
    diagnosis: [report.scenario.summary, ...report.scenario.evidence, ...report.scenario.suggestions].join('\n'),
    text: renderTextReport(report),
    markdown: renderMarkdown(report),
    junit: renderJUnit(report),
    live: live.join('\n'),
  };
  for (const [name, out] of Object.entries(outputs)) {
    assert.ok(out.includes('2.362s') || out.includes('8.000s'), `${name} states a time:\n${out}`);
    assert.doesNotMatch(out, /\d\.\d{3} s\b/, `${name} writes no "2.362 s"`);
    assert.doesNotMatch(out, /\b\d+\.\d{1,2}s\b|\b\d+\.\d{4,}s\b/, `${name} writes three decimals`);
  }
  assert.match(outputs.diagnosis, /with 1 consumer\b/);
  assert.doesNotMatch(Object.values(outputs).join('\n'), /\b1 (consumers|attempts|restarts|messages)\b/);
});

test("diagnosis (diagnose*.ts and the cause rules in causes/) does not import the renderers' helpers", () => {
  const files = [
    ...readdirSync('src/probe')
      .filter((f) => /^diagnose.*\.ts$/.test(f))
      .map((f) => `src/probe/${f}`),
    ...readdirSync('src/probe/causes').map((f) => `src/probe/causes/${f}`),
  ];
  assert.ok(files.length > 10, files.join(', '));
  for (const file of files) {
    const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    for (const from of imports) assert.doesNotMatch(from, /report\//, `${file} imports ${from}`);
  }
});
