// The JSON report is a contract (DESIGN.md, schemaVersion 1): other tools read it, and people diff it.
// The object is rebuilt field by field so the key order is the contract's whatever order the engine
// assembled it in, and absent optional values come out as `null` rather than vanishing.

import { TIMING_KEYS } from '../model';
import type { Report, ReportPod, Timings } from '../model';

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
      severity: r.scenario.severity,
      title: r.scenario.title,
      summary: r.scenario.summary,
      evidence: [...r.scenario.evidence],
      suggestions: [...r.scenario.suggestions],
    },
    timings: orderedTimings(r.timings),
    pods: r.pods.map(orderedPod),
    metadataAttempts: r.metadataAttempts.map((a) => ({ atMs: a.atMs, status: a.status ?? null, error: a.error ?? null })),
    queue: r.queue
      ? {
          name: r.queue.name,
          firstSeenMs: r.queue.firstSeenMs,
          messages: r.queue.messages ?? null,
          consumers: r.queue.consumers ?? null,
          source: r.queue.source,
        }
      : null,
    events: r.events.map((e) => ({ atMs: e.atMs, type: e.type, reason: e.reason, object: e.object, message: e.message })),
    logs: r.logs ?? {},
  };
}

function orderedTimings(t: Timings): Timings {
  const out = {} as Timings;
  for (const key of TIMING_KEYS) out[key] = t[key] ?? null;
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
