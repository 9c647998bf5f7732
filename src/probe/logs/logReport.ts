// The report's `logs` from the run's log observations: the backend's lines from t0 and the job pod's
// lines, folded (runs of lines that differ only in numbers become one with a count) and capped, plus
// the last lines of every container instance that ended. Pure.
import type { BackendLogs, EndedContainerLog, LogAccess, LogLine, LogSource, Observation, PodLogs, ReportLogs } from '../model';
import { lineShapeKey } from './logLines';

export const DEFAULT_REPORT_LOG_LINES = 200;
const MAX_ENDED = 3;
const VIA_RANK: Record<EndedContainerLog['via'], number> = { follow: 0, log: 1, previous: 2 };

/** Consecutive lines of one stream with the same shape and reason fold into the first (tracebacks never fold). */
export function foldLines(lines: readonly LogLine[]): LogLine[] {
  const out: LogLine[] = [];
  let lastKey = '';
  for (const line of lines) {
    const last = out[out.length - 1];
    const key = `${line.pod}\0${line.container}\0${line.reason}\0${lineShapeKey(line.text)}`;
    if (last && key === lastKey && line.reason !== 'traceback') {
      last.repeats += 1;
      continue;
    }
    out.push({ ...line, repeats: 0 });
    lastKey = key;
  }
  return out;
}

function capped(lines: readonly LogLine[], max: number): { lines: LogLine[]; omitted: number } {
  const folded = foldLines(lines);
  return folded.length > max ? { lines: folded.slice(0, max), omitted: folded.length - max } : { lines: folded, omitted: 0 };
}

interface SourceState {
  lines: LogLine[];
  target: string | null;
  pods: Set<string>;
  error: string | null;
  omitted: number;
  seen: boolean;
}

export function analyseLogs(ordered: readonly Observation[], maxLines = DEFAULT_REPORT_LOG_LINES): ReportLogs {
  const state: Record<LogSource, SourceState> = {
    backend: { lines: [], target: null, pods: new Set(), error: null, omitted: 0, seen: false },
    pod: { lines: [], target: null, pods: new Set(), error: null, omitted: 0, seen: false },
  };
  const ended = new Map<string, EndedContainerLog>();

  const onAccess = (s: SourceState, a: LogAccess) => {
    s.seen = true;
    s.target = a.target;
    if (a.state === 'following') {
      a.pods.forEach((p) => s.pods.add(p));
      s.error = null;
    } else if (a.state === 'unavailable') s.error = a.reason;
    else s.omitted += a.omitted;
  };

  for (const o of ordered) {
    if (o.kind === 'log.access') onAccess(state[o.source], o.access);
    else if (o.kind === 'log.line') {
      // The backend's logs count from t0 (its streams open a moment before).
      if (o.source === 'backend' && o.atMs < 0) continue;
      state[o.source].seen = true;
      state[o.source].lines.push({ ...o.line, atMs: o.atMs, repeats: 0 });
    } else if (o.kind === 'log.tail') {
      const t = o.tail;
      state.pod.seen = true;
      const key = `${t.pod}\0${t.container}\0${t.instance}`;
      const before = ended.get(key);
      if (before && VIA_RANK[before.via] >= VIA_RANK[t.via]) continue;
      ended.set(key, {
        pod: t.pod,
        container: t.container,
        instance: t.instance,
        endedMs: before?.endedMs ?? o.atMs,
        via: t.via,
        lines: t.lines.map(({ beforeMs, ...l }) => ({ ...l, atMs: Math.round((o.atMs - beforeMs) * 1000) / 1000, repeats: 0 })),
      });
    }
  }

  const byTime = (a: LogLine, b: LogLine) => a.atMs - b.atMs;
  let backend: BackendLogs | null = null;
  if (state.backend.seen) {
    const { lines, omitted } = capped([...state.backend.lines].sort(byTime), maxLines);
    backend = {
      selector: state.backend.target ?? '',
      pods: [...state.backend.pods].sort(),
      lines,
      omitted: omitted + state.backend.omitted,
      error: state.backend.error,
    };
  }
  let pod: PodLogs | null = null;
  if (state.pod.seen) {
    const { lines, omitted } = capped([...state.pod.lines].sort(byTime), maxLines);
    const previous = [...ended.values()].sort((a, b) => a.instance - b.instance || a.endedMs - b.endedMs).slice(-MAX_ENDED);
    const name = state.pod.lines[0]?.pod ?? previous[0]?.pod ?? state.pod.target?.replace(/^pod\//, '') ?? '';
    const containers = [...new Set([...state.pod.lines.map((l) => l.container), ...previous.map((p) => p.container)])];
    pod = { pod: name, containers, lines, previous, omitted: omitted + state.pod.omitted, error: state.pod.error };
  }
  return { backend, pod };
}
