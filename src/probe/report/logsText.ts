// The queue and the log excerpts as plain lines, shared by the text report (and the look of the
// Markdown one): one line per log line with its time, where it came from, and how often it repeated.
import type { EndedContainerLog, LogLine, Report } from '../model';
import { count } from '../phrasing';
import { NEVER, formatSeconds, logNote, oneLine, wrap } from './format';

const WIDTH = 100;

/** `   0.180s ERROR text (+48 more like it)`, wrapped under the text so no line passes the width. */
export function logLineText(l: LogLine, indent: string): string[] {
  const head = `${indent}${formatSeconds(l.atMs).padStart(9)} ${(l.level ?? '').padEnd(5)} `;
  const repeats = l.repeats > 0 ? ` (+${l.repeats} more like it)` : '';
  // Keep a traceback's indentation: it is how frames and code lines read apart.
  const lead = /^\s*/.exec(oneLine(l.text))![0].slice(0, 8);
  const [first = '', ...rest] = wrap(`${l.text}${repeats}`, WIDTH - head.length - lead.length);
  return [`${head}${lead}${first}`, ...rest.map((r) => `${' '.repeat(head.length + lead.length)}${r}`)];
}

/** Lines grouped under a `pod/container:` heading whenever the stream changes. */
function streamLines(lines: readonly LogLine[], indent: string): string[] {
  const out: string[] = [];
  let stream = '';
  for (const l of lines) {
    const next = `${l.pod}/${l.container}`;
    if (next !== stream) out.push(...wrap(`${next}:`, WIDTH, indent));
    stream = next;
    out.push(...logLineText(l, `${indent}  `));
  }
  return out;
}

export function endedTitle(e: EndedContainerLog): string {
  const how = { previous: 'read with previous=true after the restart', follow: 'the end of the live stream', log: 'read after it stopped' }[
    e.via
  ];
  return oneLine(`${e.container} run ${e.instance + 1} (restart count ${e.instance}), ended by ${formatSeconds(e.endedMs)} — ${how}`);
}

export function queueLines(r: Report): string[] {
  const q = r.queue;
  if (!q) return ["The job's queue was not observed (no broker given, or no queue appeared)."];
  const lines = [
    ...wrap(
      `Queue ${q.name}: first seen ${formatSeconds(q.firstSeenMs)}, consumer attached ${formatSeconds(r.timings.consumerAttachedMs)}`,
      WIDTH,
    ),
    `Last figures: ${count(q.consumers, 'consumer')}, ${count(q.messages, 'message')}`,
    ...wrap(`Source: ${q.source}`, WIDTH),
  ];
  const consumers = r.logs?.queue?.consumers ?? [];
  if (consumers.length) {
    lines.push('Consumers (management API):');
    for (const c of consumers) {
      const extras = [
        c.peer ? `from ${c.peer}` : '',
        c.user ? `user ${c.user}` : '',
        c.prefetch !== null ? `prefetch ${c.prefetch}` : '',
        c.ackRequired ? 'manual ack' : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(...wrap(`${c.tag}${extras ? ` (${extras})` : ''}`, WIDTH, '  '));
    }
  }
  const history = r.logs?.queue?.history ?? [];
  if (history.length) {
    lines.push('Changes seen:');
    for (const h of history) {
      lines.push(
        `  ${formatSeconds(h.atMs).padStart(9)} ${h.source.padEnd(10)} consumers ${h.consumers ?? '?'}, messages ${h.messages ?? '?'}`,
      );
    }
  }
  return lines;
}

export function logSectionLines(r: Report): string[] {
  const { backend, pod } = r.logs ?? {};
  if (!backend && !pod) return ['No logs were followed (no cluster access, or turned off).'];
  const lines: string[] = [];
  if (backend) {
    lines.push(...wrap(`Backend (${backend.selector}; pods: ${backend.pods.length ? backend.pods.join(', ') : NEVER}):`, WIDTH));
    const readAny = backend.pods.length > 0;
    if (backend.error) lines.push(...wrap(logNote(backend.error, readAny, 0)!, WIDTH, '  '));
    if (backend.lines.length === 0 && readAny) lines.push('  nothing about the job, no errors or warnings since t0');
    lines.push(...streamLines(backend.lines, '  '));
    if (backend.omitted) lines.push(`  … ${count(backend.omitted, 'more line')} (see the JSON report)`);
  }
  if (pod) {
    if (lines.length) lines.push('');
    lines.push(...wrap(`Job pod ${pod.pod} (${pod.containers.join(', ') || 'no container'}):`, WIDTH));
    const readAny = pod.lines.length > 0 || pod.previous.length > 0;
    if (pod.error) lines.push(...wrap(logNote(pod.error, readAny, 0)!, WIDTH, '  '));
    if (pod.lines.length === 0 && !pod.error) lines.push('  no startup lines or errors were read');
    lines.push(...streamLines(pod.lines, '  '));
    if (pod.omitted) lines.push(`  … ${count(pod.omitted, 'more line')} (see the JSON report)`);
    for (const e of pod.previous) {
      lines.push('', ...wrap(`Last lines of ${endedTitle(e)}:`, WIDTH, '  '));
      for (const l of e.lines) lines.push(...logLineText(l, '    '));
    }
  }
  return lines;
}
