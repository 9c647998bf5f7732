// The burst as Markdown: the verdict, the stage table ("> timeout" where a percentile falls among the
// jobs that never reached the stage), thresholds and one line per job. Text from the cluster or the
// backend goes through `md()` like the single-run report's.
import type { BurstReport } from '../burst/model';
import { formatSeconds } from './format';
import { STAGE_COLUMNS, stageRows, thresholdLine } from './burstFormat';
import { md } from './markdown';

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

export function renderBurstMarkdown(report: BurstReport): string {
  const v = report.verdict;
  const out = [
    `## Consumer Probe burst: ${md(v.title)} **${v.severity.toUpperCase()}**`,
    '',
    `${report.jobs} jobs · concurrency ${report.concurrency} · ramp ${formatSeconds(report.rampMs)} · started ${md(report.startedAt)}`,
    '',
    md(v.summary),
    '',
    '### Stages',
    '',
    'Each job from its own POST /configure. A job that never reached a stage counts as +∞ (nearest-rank percentiles over all jobs), so a percentile among them reads "&gt; timeout".',
    '',
    row(['Stage', 'Reached', ...STAGE_COLUMNS]),
    row(['---', '---:', ...STAGE_COLUMNS.map(() => '---:')]),
    ...stageRows(report).map((r) => row([`\`${r.stage}\``, r.reached, ...r.figures.map(md)])),
  ];
  if (report.thresholds.length > 0) out.push('', '### Thresholds', '', ...report.thresholds.map((t) => `- ${md(thresholdLine(t))}`));
  out.push('', '### Evidence', '', ...v.evidence.map((e) => `- ${md(e)}`));
  if (v.suggestions.length > 0) out.push('', '### Suggestions', '', ...v.suggestions.map((s) => `- ${md(s)}`));
  out.push('', '### Jobs', '', row(['#', 'Job', 'Scenario', 'Sent at', 'Consumer ready']), row(['---:', '---', '---', '---:', '---:']));
  for (const r of report.runs) {
    const s = r.scenario;
    out.push(
      row([
        String(r.index),
        r.jobId === null ? '*none*' : md(r.jobId),
        md(s.cause ? `${s.id}/${s.cause}` : s.id),
        formatSeconds(r.sentAtMs),
        r.timings.consumerReadyMs === null ? '*never*' : formatSeconds(r.timings.consumerReadyMs),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}
