// The final summary on stdout. Its sections and wording follow the team's old Python test log
// (RESULTS, POD MONITORING RESULTS, TIMING ANALYSIS, …) because its readers already know where to look.

import { TIMING_KEYS } from '../model';
import type { Report, Severity } from '../model';
import {
  NEVER,
  TIMING_LABELS,
  count,
  describeOutcome,
  foldAttempts,
  formatBytes,
  formatRun,
  formatSeconds,
  milestoneDurations,
  noPodsText,
  oneLine,
  podState,
  stalledAfter,
  WINDOW_LEGEND,
  whereTimeWent,
  windowNote,
  windowOf,
  wrap,
} from './format';
import { logSectionLines, queueLines } from './logsText';

export interface TextReportOptions {
  /** ANSI colours for headings and the severity marker; off by default so logs and pipes stay clean. */
  color?: boolean;
}

const WIDTH = 100;
/** Beyond this many runs of metadata outcomes the list stops helping; the JSON keeps them all. */
const MAX_RUNS = 12;

export function renderTextReport(report: Report, opts: TextReportOptions = {}): string {
  const paint = painter(opts.color === true);
  const sections: [string, string[]][] = [
    ['RESULTS', results(report, paint)],
    ['POD MONITORING RESULTS', podSection(report)],
    ['TIMING ANALYSIS', timingSection(report)],
    ['EVENTS', eventSection(report)],
    ['QUEUE', queueLines(report)],
    ['LOGS', logSectionLines(report)],
    ['DIAGNOSIS', diagnosisSection(report, paint)],
  ];
  const rule = '='.repeat(WIDTH);
  const out: string[] = [];
  for (const [title, body] of sections) out.push(rule, paint.bold(title), rule, ...body, '');
  return `${out.join('\n').trimEnd()}\n`;
}

type Paint = ReturnType<typeof painter>;

function painter(on: boolean) {
  const wrapWith = (code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  const bySeverity: Record<Severity, (s: string) => string> = {
    ok: wrapWith('32'),
    warning: wrapWith('33'),
    error: wrapWith('31'),
    inconclusive: wrapWith('35'),
  };
  return { bold: wrapWith('1'), severity: (sev: Severity) => bySeverity[sev](`[${sev.toUpperCase()}]`) };
}

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(20)}${value}`;
}

/** `pod_pending/unschedulable_gpu`: the scenario and its cause, as tools filter them. */
function scenarioCode(s: Report['scenario']): string {
  return s.cause ? `${s.id}/${s.cause}` : s.id;
}

function results(r: Report, paint: Paint): string[] {
  const s = r.scenario;
  const lines = [
    field('Job id', r.jobId === null ? '(none)' : oneLine(r.jobId)),
    field('Started at', oneLine(r.startedAt)),
    field('Scenario', `${scenarioCode(s)} — ${oneLine(s.title)} ${paint.severity(s.severity)}`),
    field('Consumer ready', r.timings.consumerReadyMs === null ? 'never' : formatSeconds(r.timings.consumerReadyMs)),
  ];
  const attempts = r.metadataAttempts;
  const last = attempts[attempts.length - 1];
  lines.push(
    field(
      'Metadata attempts',
      last
        ? `${attempts.length} (last: ${describeOutcome(last.status, last.error)} at ${formatSeconds(last.atMs)})`
        : '0 (the metadata endpoint was never polled)',
    ),
  );
  const runs = foldAttempts(attempts);
  for (const run of runs.slice(0, MAX_RUNS)) lines.push(`${' '.repeat(20)}${formatRun(run)}`);
  if (runs.length > MAX_RUNS) lines.push(`${' '.repeat(20)}… ${runs.length - MAX_RUNS} more runs (see the JSON report)`);
  const q = r.queue;
  lines.push(
    field(
      'Queue',
      q
        ? `${oneLine(q.name)} first seen ${formatSeconds(q.firstSeenMs)}, consumers ${q.consumers ?? '?'}, ` +
            `messages ${q.messages ?? '?'} (via ${oneLine(q.source)})`
        : 'not observed',
    ),
  );
  const c = r.probe;
  lines.push(
    field(
      'Probe cost',
      `${count(c.apiRequests, 'API request')} (${formatBytes(c.apiBytes)}), ${count(c.backendRequests, 'backend request')}`,
    ),
    field('Probe start', `configure sent ${formatSeconds(c.startDelayMs)} after the first API request`),
  );
  return lines;
}

function podSection(report: Report): string[] {
  const pods = report.pods;
  if (pods.length === 0) return wrap(noPodsText(report), WIDTH);
  const lines = [`Pods seen: ${pods.length}`];
  for (const p of pods) {
    lines.push(
      '',
      `  ${oneLine(p.name)}  [${p.role}]  namespace ${oneLine(p.namespace)}`,
      ...wrap(`matched by: ${p.matchedBy.length ? p.matchedBy.join(', ') : NEVER}`, WIDTH, '    '),
      `    phase: ${oneLine(p.phase)}   ready: ${p.ready ? 'yes' : 'no'}   restarts: ${p.restartCount}   ` +
        `node: ${p.node === null ? NEVER : oneLine(p.node)}`,
      ...wrap(`reason: ${p.reason === null ? NEVER : p.reason}`, WIDTH, '    '),
      `    first seen: ${formatSeconds(p.firstSeenMs)}`,
    );
    if (p.history.length) lines.push('    history:');
    let previous: string | null = null;
    for (const h of p.history) {
      const state = oneLine(podState(h.phase, h.ready, h.reason));
      const change = previous === null ? `${state} (first seen)` : `${previous} → ${state}`;
      lines.push(`      +${formatSeconds(h.atMs)} ${change}`);
      previous = state;
    }
  }
  return lines;
}

function timingSection(r: Report): string[] {
  const lines = ['Milestones (seconds since t0):'];
  let windows = false;
  for (const key of TIMING_KEYS) {
    const ms = r.timings[key];
    const note = ms === null ? null : windowNote(windowOf(r, key));
    windows ||= note !== null;
    lines.push(`  ${key.padEnd(20)}${TIMING_LABELS[key].padEnd(20)}${formatSeconds(ms).padStart(10)}${note ? `  (${note})` : ''}`);
  }
  if (windows) lines.push(...wrap(WINDOW_LEGEND, WIDTH, '  '));
  const durations = milestoneDurations(r.timings);
  lines.push('', 'Durations between milestones:');
  for (const d of durations) lines.push(`  ${d.label.padEnd(30)}${formatSeconds(d.ms).padStart(10)}`);
  lines.push('');
  lines.push(`Where the time went: ${whereTimeWent(r)}`);
  const stall = stalledAfter(r.timings);
  if (stall) {
    const reached = stall.reached ? `${TIMING_LABELS[stall.reached]} (${formatSeconds(r.timings[stall.reached])})` : 'nothing';
    lines.push(`Stalled: last milestone reached was ${reached}; ${TIMING_LABELS[stall.missing]} was never observed.`);
  }
  return lines;
}

function eventSection(r: Report): string[] {
  if (r.events.length === 0) return ['No Kubernetes events were seen for the job.'];
  const lines: string[] = [];
  for (const e of r.events) {
    const time = formatSeconds(e.atMs).padStart(9);
    lines.push(`${time}  ${oneLine(e.type).padEnd(8)} ${oneLine(e.reason).padEnd(18)} ${oneLine(e.object)}`);
    lines.push(...wrap(e.message, WIDTH, ' '.repeat(11)));
  }
  return lines;
}

function diagnosisSection(r: Report, paint: Paint): string[] {
  const s = r.scenario;
  const lines = [`${scenarioCode(s)} — ${oneLine(s.title)} ${paint.severity(s.severity)}`, '', ...wrap(s.summary, WIDTH)];
  const list = (title: string, items: readonly string[]) => {
    lines.push('', `${title}:`);
    if (items.length === 0) lines.push(`  ${NEVER}`);
    for (const item of items) {
      const [first = '', ...rest] = wrap(item, WIDTH, '    ');
      lines.push(`  - ${first.trimStart()}`, ...rest);
    }
  };
  list('Evidence', s.evidence);
  list('Suggestions', s.suggestions);
  return lines;
}
