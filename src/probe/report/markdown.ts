// The report as Markdown, for PR comments, CI summaries and tickets. Every string that comes from the
// cluster or the backend goes through `md()`, because a pod label or an error body is attacker-shaped
// text: it must not break a table, open a link, embed an image or smuggle HTML into a rendered page.

import { TIMING_KEYS } from '../model';
import type { LogLine, Report } from '../model';
import { count } from '../phrasing';
import {
  NEVER,
  TIMING_LABELS,
  foldAttempts,
  formatRun,
  formatSeconds,
  formatTiming,
  noPodsText,
  oneLine,
  podState,
  timingRows,
  WINDOW_LEGEND,
  whereTimeWent,
  windowNote,
  windowOf,
} from './format';

export function renderMarkdown(report: Report): string {
  const s = report.scenario;
  const out: string[] = [
    `## Consumer Probe: ${md(s.title)} (${md(s.cause ? `${s.id}/${s.cause}` : s.id)}) **${s.severity.toUpperCase()}**`,
    '',
    `Job ${report.jobId === null ? '*none*' : md(report.jobId)} · started ${md(report.startedAt)} · consumer ready ` +
      (report.timings.consumerReadyMs === null ? '*never*' : formatSeconds(report.timings.consumerReadyMs)),
    '',
    md(s.summary),
    '',
    '### Evidence',
    '',
    ...bullets(s.evidence),
    '',
    '### Suggestions',
    '',
    ...bullets(s.suggestions),
    '',
    ...timings(report),
    '',
    ...pods(report),
    '',
    ...events(report),
    '',
    ...queue(report),
    '',
    ...logs(report),
    '',
    ...attempts(report),
  ];
  return `${out.join('\n')}\n`;
}

/** Escapes text for inline Markdown: HTML becomes entities, Markdown punctuation is backslashed,
 *  newlines become spaces (a newline would end a table row or a list item). */
export function md(s: string): string {
  const escaped = oneLine(s)
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`);
  // "(" and "!" stay readable: with "[" and "]" escaped they can no longer form a link or an image.
  // A leading "-", "+", "=" or "1." would turn a paragraph or list item into a list, a rule or a heading.
  return escaped.replace(/^(?:([-+=])|(\d+)([.)]))/, (_m, mark?: string, num?: string, punct?: string) =>
    mark ? `\\${mark}` : `${num}\\${punct}`,
  );
}

function bullets(items: readonly string[]): string[] {
  return items.length ? items.map((i) => `- ${md(i)}`) : [`- ${NEVER}`];
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function timings(r: Report): string[] {
  const lines = ['### Timings', '', row(['Milestone', 'Key', 'Since t0', 'Δ from previous']), row(['---', '---', '---:', '---:'])];
  for (const t of timingRows(r.timings)) {
    lines.push(row([TIMING_LABELS[t.key], `\`${t.key}\``, formatTiming(r, t.key), formatSeconds(t.deltaMs)]));
  }
  lines.push('', `Where the time went: ${whereTimeWent(r)}`);
  if (TIMING_KEYS.some((key) => r.timings[key] !== null && windowNote(windowOf(r, key)) !== null)) {
    lines.push('', WINDOW_LEGEND);
  }
  return lines;
}

function pods(report: Report): string[] {
  const list = report.pods;
  const lines = ['### Pods', ''];
  if (list.length === 0) return [...lines, md(noPodsText(report))];
  lines.push(
    row(['Pod', 'Role', 'Matched by', 'State', 'Restarts', 'Node', 'First seen', 'Labels']),
    row(['---', '---', '---', '---', '---:', '---', '---:', '---']),
  );
  for (const p of list) {
    const labels = Object.entries(p.labels).map(([k, v]) => `${k}=${v}`);
    lines.push(
      row([
        md(p.name),
        p.role,
        md(p.matchedBy.join(', ')) || NEVER,
        md(podState(p.phase, p.ready, p.reason)),
        String(p.restartCount),
        p.node === null ? NEVER : md(p.node),
        formatSeconds(p.firstSeenMs),
        labels.length ? labels.map(md).join('<br>') : NEVER,
      ]),
    );
  }
  return lines;
}

function events(r: Report): string[] {
  const lines = ['### Events', ''];
  if (r.events.length === 0) return [...lines, 'No Kubernetes events were seen for the job.'];
  lines.push(row(['Time', 'Type', 'Reason', 'Object', 'Message']), row(['---:', '---', '---', '---', '---']));
  for (const e of r.events) {
    lines.push(row([formatSeconds(e.atMs), md(e.type), md(e.reason), md(e.object), md(e.message)]));
  }
  return lines;
}

function queue(r: Report): string[] {
  const lines = ['### Queue', ''];
  const q = r.queue;
  if (!q) return [...lines, "The job's queue was not observed."];
  lines.push(
    `${md(q.name)}: first seen ${formatSeconds(q.firstSeenMs)}, consumer attached ${formatSeconds(r.timings.consumerAttachedMs)}; ` +
      `${count(q.consumers, 'consumer')}, ${count(q.messages, 'message')} (source: ${md(q.source)})`,
  );
  const consumers = r.logs?.queue?.consumers ?? [];
  if (consumers.length) {
    lines.push('', row(['Consumer', 'Peer', 'User', 'Prefetch', 'Ack']), row(['---', '---', '---', '---:', '---']));
    for (const c of consumers) {
      lines.push(
        row([
          md(c.tag),
          c.peer ? md(c.peer) : NEVER,
          c.user ? md(c.user) : NEVER,
          c.prefetch === null ? NEVER : String(c.prefetch),
          c.ackRequired ? 'manual' : 'auto',
        ]),
      );
    }
  }
  return lines;
}

function logRows(lines: readonly LogLine[], showPod: boolean): string[] {
  const out = [
    row(['Time', ...(showPod ? ['Pod'] : []), 'Container', 'Level', 'Line']),
    row(['---:', ...(showPod ? ['---'] : []), '---', '---', '---']),
  ];
  for (const l of lines) {
    const repeats = l.repeats > 0 ? ` (+${l.repeats} more like it)` : '';
    out.push(row([formatSeconds(l.atMs), ...(showPod ? [md(l.pod)] : []), md(l.container), l.level ?? '', `${md(l.text)}${repeats}`]));
  }
  return out;
}

function logs(r: Report): string[] {
  const lines = ['### Logs', ''];
  const { backend, pod } = r.logs ?? {};
  if (!backend && !pod) return [...lines, 'No logs were followed.'];
  if (backend) {
    lines.push(`**Backend** (${md(backend.selector)}; pods: ${backend.pods.map(md).join(', ') || NEVER})`, '');
    if (backend.error) lines.push(`Could not read all of it: ${md(backend.error)}`, '');
    lines.push(...(backend.lines.length ? logRows(backend.lines, true) : ['Nothing about the job, no errors or warnings since t0.']));
    if (backend.omitted) lines.push('', `${count(backend.omitted, 'more line')} in the JSON report.`);
    lines.push('');
  }
  if (pod) {
    lines.push(`**Job pod** ${md(pod.pod)}`, '');
    if (pod.error) lines.push(`Could not read all of it: ${md(pod.error)}`, '');
    lines.push(...(pod.lines.length ? logRows(pod.lines, false) : ['No startup lines or errors were read.']));
    for (const e of pod.previous) {
      lines.push(
        '',
        `Last lines of ${md(e.container)} run ${e.instance + 1} (${e.via === 'previous' ? 'read with previous=true' : e.via === 'follow' ? 'end of the live stream' : 'read after it stopped'}):`,
        '',
      );
      lines.push(...logRows(e.lines, false));
    }
  }
  return lines;
}

function attempts(r: Report): string[] {
  const lines = ['### Metadata attempts', ''];
  const runs = foldAttempts(r.metadataAttempts);
  if (runs.length === 0) return [...lines, 'The metadata endpoint was never polled.'];
  lines.push(`${r.metadataAttempts.length} recorded attempts:`, '');
  for (const run of runs) lines.push(`- ${formatRun(run, md)}`);
  return lines;
}
