// The run(s) in the Chrome Trace Event Format (`{"traceEvents": […]}`, DESIGN.md "Trace export"), which
// Perfetto (ui.perfetto.dev → Open trace file) and chrome://tracing open.
//
// One process per job (pid = its burst index, 1 for a single run), named after the job and its scenario.
// Within it one track (tid) per stage — the same intervals as the OTLP spans (runSpans.ts) as complete
// events "X" — plus a `run` track (t0 to the last observation, Kubernetes events as instants), a
// `metadata polling` track (each attempt an instant) and one track per pod (its phase transitions as
// instants). Tracks are named by "M" metadata events and kept in this order. ts and dur are whole
// microseconds of unix time (startedAt + ms since t0), so the jobs of a burst line up as they ran.
import type { Report } from '../model';
import { attemptName, epochMsOf, podTransitionName, runLabel, runSpans, unixMicros, type TracedRun } from './runSpans';

type Args = Record<string, string | number | boolean | string[] | null>;

export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  /** Instant events: scoped to their track. */
  s?: 't';
  cat?: string;
  args?: Args;
}

const RUN_TID = 1;
const FIRST_STAGE_TID = 2;

/** The Chrome trace document, one event per line; ends with a newline. */
export function chromeTraceOf(runs: readonly TracedRun[]): string {
  const events = chromeTraceEventsOf(runs);
  return `{"traceEvents":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n],"displayTimeUnit":"ms"}\n`;
}

export function chromeTraceEventsOf(runs: readonly TracedRun[]): TraceEvent[] {
  return runs.flatMap((run, i) => eventsOfRun(run, run.index ?? i + 1));
}

function eventsOfRun(run: TracedRun, pid: number): TraceEvent[] {
  const epochMs = epochMsOf(run);
  const ts = (atMs: number) => unixMicros(epochMs, atMs);
  const layout = runSpans(run);
  const events: TraceEvent[] = [];
  const t0 = ts(0);

  const meta = (name: string, tid: number, args: Args) => events.push({ name, ph: 'M', ts: t0, pid, tid, args });
  const track = (tid: number, name: string) => {
    meta('thread_name', tid, { name });
    meta('thread_sort_index', tid, { sort_index: tid });
  };
  const complete = (tid: number, cat: string, name: string, fromMs: number, toMs: number, args: Args) => {
    const start = ts(fromMs);
    events.push({ name, cat, ph: 'X', ts: start, dur: Math.max(0, ts(toMs) - start), pid, tid, args });
  };
  const instant = (tid: number, cat: string, name: string, atMs: number, args: Args) =>
    events.push({ name, cat, ph: 'i', s: 't', ts: ts(atMs), pid, tid, args });

  meta('process_name', 0, { name: `probe ${runLabel(run)} — ${scenarioLabel(run)}` });
  meta('process_sort_index', 0, { sort_index: pid });

  track(RUN_TID, 'run');
  complete(RUN_TID, 'run', `probe ${runLabel(run)}`, 0, layout.endMs, {
    jobId: run.jobId,
    startedAt: run.startedAt,
    scenario: run.scenario.id,
    cause: run.scenario.cause,
    severity: run.scenario.severity,
    title: run.scenario.title,
    ...(run.index !== undefined ? { burstIndex: run.index } : {}),
    ...(run.sentAtMs !== undefined ? { sentAtMs: run.sentAtMs } : {}),
  });
  for (const e of run.events) instant(RUN_TID, 'event', `${e.type} ${e.reason}`, e.atMs, { object: e.object, message: e.message });

  layout.stages.forEach((st, i) => {
    const tid = FIRST_STAGE_TID + i;
    track(tid, st.stage);
    complete(tid, 'stage', st.stage, st.startMs, st.endMs, {
      reached: st.atMs !== null,
      sinceConfigureMs: st.atMs,
      notBeforeMs: st.window?.afterMs ?? null,
    });
  });

  const metadataTid = FIRST_STAGE_TID + layout.stages.length;
  if (run.metadataAttempts.length > 0) {
    track(metadataTid, 'metadata polling');
    const times = run.metadataAttempts.map((a) => a.atMs);
    complete(metadataTid, 'metadata', 'metadata polling', times.reduce(min), times.reduce(max), {
      attemptsListed: times.length,
    });
    for (const a of run.metadataAttempts) instant(metadataTid, 'metadata', attemptName(a), a.atMs, { status: a.status, error: a.error });
  }

  run.pods.forEach((p, i) => {
    const tid = metadataTid + 1 + i;
    track(tid, `pod ${p.name}`);
    complete(tid, 'pod', `pod ${p.name}`, p.firstSeenMs, layout.endMs, {
      namespace: p.namespace,
      node: p.node,
      role: p.role,
      phase: p.phase,
      ready: p.ready,
      reason: p.reason,
      restartCount: p.restartCount,
    });
    for (const h of p.history) instant(tid, 'pod', podTransitionName(h), h.atMs, { phase: h.phase, ready: h.ready, reason: h.reason });
  });
  return events;
}

const min = (a: number, b: number) => Math.min(a, b);
const max = (a: number, b: number) => Math.max(a, b);

function scenarioLabel(r: Report): string {
  return r.scenario.cause ? `${r.scenario.id}/${r.scenario.cause}` : r.scenario.id;
}
