// The report as JUnit XML, so a CI job that runs the probe shows a red or green test without a plugin.

import type { Report } from '../model';
import { formatSeconds, reportSpanMs } from './format';
import { renderTextReport } from './text';

export interface JUnitOptions {
  suiteName?: string;
  testName?: string;
}

export function renderJUnit(report: Report, opts: JUnitOptions = {}): string {
  const s = report.scenario;
  // Only `healthy` passes. The `slow_*` scenarios (severity "warning") fail too: the consumer did
  // become ready, but past the agreed threshold, and a CI run that stays green would let that drift
  // go unnoticed. `inconclusive` fails as well, since nothing was proven ready.
  const failed = s.id !== 'healthy';
  const seconds = (report.timings.consumerReadyMs ?? reportSpanMs(report)) / 1000;
  const suiteName = opts.suiteName ?? 'consumer-probe';
  const testName = opts.testName ?? (report.jobId === null ? 'consumer ready (no job id)' : `consumer ready for job ${report.jobId}`);

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${attr(suiteName)}" tests="1" failures="${failed ? 1 : 0}" errors="0" skipped="0" ` +
      `time="${seconds.toFixed(3)}" timestamp="${attr(report.startedAt)}">`,
    `  <testcase classname="${attr(suiteName)}" name="${attr(testName)}" time="${seconds.toFixed(3)}">`,
  ];
  if (failed) {
    lines.push(`    <failure message="${attr(s.summary)}" type="${attr(s.id)}">${text(failureBody(report))}</failure>`);
  }
  lines.push(`    <system-out>${text(renderTextReport(report))}</system-out>`, '  </testcase>', '</testsuite>');
  return `${lines.join('\n')}\n`;
}

function failureBody(r: Report): string {
  const s = r.scenario;
  const consumer = r.timings.consumerReadyMs === null ? 'never' : formatSeconds(r.timings.consumerReadyMs);
  return [
    `${s.cause ? `${s.id}/${s.cause}` : s.id} [${s.severity}] ${s.title}`,
    `consumer ready: ${consumer}`,
    '',
    'Evidence:',
    ...s.evidence.map((e) => `- ${e}`),
    '',
    'Suggestions:',
    ...s.suggestions.map((e) => `- ${e}`),
  ].join('\n');
}

/** Characters XML 1.0 forbids even as references (control chars, lone surrogates, U+FFFE/FFFF). */
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text content: `]]>` needs no special care because `>` is always escaped. */
function text(s: string): string {
  return s
    .replace(ILLEGAL_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Attribute values: newlines and tabs as references, or parsers would normalise them to spaces. */
function attr(s: string): string {
  return text(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** The escapes, for the other JUnit renderers (burstJunit.ts). */
export { text as xmlText, attr as xmlAttr };
