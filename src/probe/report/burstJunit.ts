// The burst as JUnit XML: one test case per job (healthy passes, as in `run --junit`) and one per
// threshold, so a CI job shows which jobs and which limits failed.
import type { BurstReport } from '../burst/model';
import { formatSeconds, reportSpanMs } from './format';
import { stageFigure } from './burstFormat';
import { xmlAttr, xmlText } from './junit';

export function renderBurstJUnit(report: BurstReport, suiteName = 'consumer-probe burst'): string {
  const cases: string[] = [];
  let failures = 0;
  for (const r of report.runs) {
    const s = r.scenario;
    const seconds = (r.timings.consumerReadyMs ?? reportSpanMs(r)) / 1000;
    const name = `job ${r.index}${r.jobId === null ? ' (no job id)' : ` (${r.jobId})`}: consumer ready`;
    cases.push(`  <testcase classname="${xmlAttr(`${suiteName}.jobs`)}" name="${xmlAttr(name)}" time="${seconds.toFixed(3)}">`);
    if (s.id !== 'healthy') {
      failures += 1;
      const body = [`${s.cause ? `${s.id}/${s.cause}` : s.id} [${s.severity}] ${s.title}`, '', ...s.evidence.map((e) => `- ${e}`)].join(
        '\n',
      );
      cases.push(`    <failure message="${xmlAttr(s.summary)}" type="${xmlAttr(s.id)}">${xmlText(body)}</failure>`);
    }
    cases.push('  </testcase>');
  }
  for (const t of report.thresholds) {
    const name = `threshold ${t.stage} ${t.percentile} <= ${formatSeconds(t.limitMs)}`;
    cases.push(`  <testcase classname="${xmlAttr(`${suiteName}.thresholds`)}" name="${xmlAttr(name)}" time="0.000">`);
    if (!t.passed) {
      failures += 1;
      const message = `${t.stage} ${t.percentile} is ${stageFigure(t.valueMs)}, limit ${formatSeconds(t.limitMs)}`;
      cases.push(`    <failure message="${xmlAttr(message)}" type="threshold">${xmlText(message)}</failure>`);
    }
    cases.push('  </testcase>');
  }
  const tests = report.runs.length + report.thresholds.length;
  const span = Math.max(0, ...report.runs.map((r) => r.sentAtMs + reportSpanMs(r))) / 1000;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xmlAttr(suiteName)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${span.toFixed(3)}" timestamp="${xmlAttr(report.startedAt)}">`,
    ...cases,
    `  <system-out>${xmlText(`${report.verdict.title}\n${report.verdict.summary}\n\n${report.verdict.evidence.map((e) => `- ${e}`).join('\n')}`)}</system-out>`,
    '</testsuite>',
    '',
  ].join('\n');
}
