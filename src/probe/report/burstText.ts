// The burst as text: live lines while it runs (one per job state change, and a progress line as jobs
// finish) and the final summary (stage table, thresholds, verdict).
import type { BurstJobEvent } from '../burst/runBurst';
import type { BurstReport } from '../burst/model';
import { formatStamp, oneLine } from './format';
import { STAGE_COLUMNS, stageRows, thresholdLine } from './burstFormat';

/** `[  1.234s] job 3 (12-70788) pod Running`: one job state change. */
export function burstEventLine(e: BurstJobEvent, jobs: number): string {
  const width = String(jobs).length;
  const id = e.jobId ? ` (${oneLine(e.jobId, 40)})` : '';
  return `${formatStamp(e.atMs)} job ${String(e.index).padStart(width)}${id} ${e.state.text}`;
}

/** Live text for a burst: returns the sink for job events; `write` takes one line without newline. */
export function createBurstLiveText(write: (line: string) => void, plan: { jobs: number }): (e: BurstJobEvent) => void {
  const scenarios = new Map<string, number>();
  let finished = 0;
  return (e) => {
    write(burstEventLine(e, plan.jobs));
    if (e.state.kind !== 'finished' || !e.run) return;
    finished += 1;
    scenarios.set(e.run.scenario.id, (scenarios.get(e.run.scenario.id) ?? 0) + 1);
    const counts = [...scenarios].map(([id, n]) => `${n} ${id}`).join(', ');
    write(`${formatStamp(e.atMs)} progress: ${finished}/${plan.jobs} jobs done (${counts})`);
  };
}

export function renderBurstText(report: BurstReport): string {
  const rows = stageRows(report);
  const header = ['stage', 'reached', ...STAGE_COLUMNS];
  const table = [header, ...rows.map((r) => [r.stage, r.reached, ...r.figures])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const v = report.verdict;
  const out = [
    '='.repeat(70),
    `BURST RESULTS — ${report.jobs} jobs, concurrency ${report.concurrency}, ramp ${report.rampMs / 1000} s`,
    '='.repeat(70),
    `Verdict [${v.severity}]: ${v.title}`,
    v.summary,
    '',
    'Stage times (each job from its own POST /configure; jobs that never reached a stage count as +∞,',
    'so a percentile among them reads "> timeout"; nearest-rank percentiles):',
    line(header),
    ...table.slice(1).map(line),
  ];
  if (report.thresholds.length > 0) out.push('', 'Thresholds:', ...report.thresholds.map((t) => `  ${thresholdLine(t)}`));
  out.push('', 'Evidence:', ...v.evidence.map((e) => `  - ${e}`));
  if (v.suggestions.length > 0) out.push('', 'Suggestions:', ...v.suggestions.map((s) => `  - ${s}`));
  out.push('', 'Jobs:');
  for (const r of report.runs) {
    const s = r.scenario;
    out.push(
      `  ${String(r.index).padStart(String(report.jobs).length)}  ${(r.jobId ?? '(no job id)').padEnd(12)} ${s.cause ? `${s.id}/${s.cause}` : s.id}`,
    );
  }
  return `${out.join('\n')}\n`;
}
