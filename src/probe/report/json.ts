// The JSON report is a contract (DESIGN.md, schemaVersion 1): other tools read it, and people diff it.
// The object is rebuilt field by field so the key order is the contract's whatever order the engine
// assembled it in, and absent optional values come out as `null` rather than vanishing.

import { TIMING_KEYS } from '../model';
import type {
  BackendLogs,
  EndedContainerLog,
  LogLine,
  PodLogs,
  QueueLog,
  QueueState,
  Report,
  ReportLogs,
  ReportPod,
  TimingWindows,
  Timings,
} from '../model';

export function renderJson(report: Report): string {
  return `${JSON.stringify(ordered(report), null, 2)}\n`;
}

function ordered(r: Report): Report {
  return {
    schemaVersion: r.schemaVersion,
    jobId: r.jobId ?? null,
    startedAt: r.startedAt,
    scenario: {
      id: r.scenario.id,
      cause: r.scenario.cause ?? null,
      severity: r.scenario.severity,
      title: r.scenario.title,
      summary: r.scenario.summary,
      evidence: [...r.scenario.evidence],
      suggestions: [...r.scenario.suggestions],
    },
    timings: orderedTimings(r.timings),
    timingWindows: orderedWindows(r.timings, r.timingWindows),
    pods: r.pods.map(orderedPod),
    metadataAttempts: r.metadataAttempts.map((a) => ({ atMs: a.atMs, status: a.status ?? null, error: a.error ?? null })),
    queue: r.queue ? orderedQueue(r.queue) : null,
    events: r.events.map((e) => ({ atMs: e.atMs, type: e.type, reason: e.reason, object: e.object, message: e.message })),
    logs: orderedLogs(r.logs ?? {}),
    probe: {
      apiRequests: r.probe.apiRequests,
      apiBytes: r.probe.apiBytes,
      backendRequests: r.probe.backendRequests,
      startDelayMs: r.probe.startDelayMs,
    },
  };
}

function orderedQueue(q: QueueState): QueueState {
  return { name: q.name, firstSeenMs: q.firstSeenMs, messages: q.messages ?? null, consumers: q.consumers ?? null, source: q.source };
}

function orderedQueueLog(q: QueueLog): QueueLog {
  return {
    consumers: q.consumers.map((c) => ({
      tag: c.tag,
      channel: c.channel ?? null,
      connection: c.connection ?? null,
      peer: c.peer ?? null,
      user: c.user ?? null,
      ackRequired: c.ackRequired ?? null,
      prefetch: c.prefetch ?? null,
      active: c.active ?? null,
    })),
    history: q.history.map((h) => ({ atMs: h.atMs, source: h.source, messages: h.messages ?? null, consumers: h.consumers ?? null })),
  };
}

function orderedLine(l: LogLine): LogLine {
  return {
    atMs: l.atMs,
    time: l.time ?? null,
    pod: l.pod,
    container: l.container,
    instance: l.instance ?? null,
    level: l.level ?? null,
    reason: l.reason,
    mentionsJob: l.mentionsJob,
    text: l.text,
    repeats: l.repeats ?? 0,
  };
}

function orderedEnded(e: EndedContainerLog): EndedContainerLog {
  return { pod: e.pod, container: e.container, instance: e.instance, endedMs: e.endedMs, via: e.via, lines: e.lines.map(orderedLine) };
}

/** Every key always present; null when that source was not watched. */
function orderedLogs(logs: ReportLogs): Required<ReportLogs> {
  const b: BackendLogs | null | undefined = logs.backend;
  const p: PodLogs | null | undefined = logs.pod;
  return {
    queue: logs.queue ? orderedQueueLog(logs.queue) : null,
    backend: b
      ? { selector: b.selector, pods: [...b.pods], lines: b.lines.map(orderedLine), omitted: b.omitted, error: b.error ?? null }
      : null,
    pod: p
      ? {
          pod: p.pod,
          containers: [...p.containers],
          lines: p.lines.map(orderedLine),
          previous: p.previous.map(orderedEnded),
          omitted: p.omitted,
          error: p.error ?? null,
        }
      : null,
  };
}

function orderedTimings(t: Timings): Timings {
  const out = {} as Timings;
  for (const key of TIMING_KEYS) out[key] = t[key] ?? null;
  return out;
}

/**
 * One window per non-null timing, in the timings' order; a report built before windows existed (a stored
 * run) has none, and then nothing is known to bound the event from below.
 */
function orderedWindows(t: Timings, windows: TimingWindows | undefined): TimingWindows {
  const out: TimingWindows = {};
  for (const key of TIMING_KEYS) {
    const at = t[key];
    if (at === null || at === undefined) continue;
    const w = windows?.[key];
    out[key] = { afterMs: w?.afterMs ?? null, atOrBeforeMs: at };
  }
  return out;
}

function orderedPod(p: ReportPod): ReportPod {
  return {
    name: p.name,
    namespace: p.namespace,
    role: p.role,
    matchedBy: [...p.matchedBy],
    phase: p.phase,
    ready: p.ready,
    restartCount: p.restartCount,
    node: p.node ?? null,
    labels: { ...p.labels },
    reason: p.reason ?? null,
    firstSeenMs: p.firstSeenMs,
    history: p.history.map((h) => ({ atMs: h.atMs, phase: h.phase, ready: h.ready, reason: h.reason ?? null })),
  };
}
