// Report view-model: the page's whole picture computed from the host's snapshot, as plain data, so
// what the page shows (lanes, bars, markers, strips, rows, trend) is unit-tested without a browser.
import type { LogLine, Report, ReportPod, Severity, TimingKey } from '../src/probe/model';
import {
  describeOutcome,
  foldAttempts,
  formatSeconds,
  logNote,
  milestoneDurations,
  noPodsText,
  podState,
  reportSpanMs,
  windowNote,
  windowOf,
} from '../src/probe/report/format';
import { suggestionParts, type ReportViewState, type SuggestionPart } from '../src/extension/report/protocol';
import { podVisualState } from '../src/extension/tree/podVisualState';
import { fixesFor, type FixAction } from './fixes';
import { niceSpan, ticksFor } from './scale';
import { trendView, type TrendView } from './trendView';

export { fixesFor, type FixAction } from './fixes';
export { ticksFor, trimSeconds } from './scale';
export type { TrendView } from './trendView';

export type Tone = 'ok' | 'warn' | 'error' | 'info' | 'muted';

export interface Bar {
  fromMs: number;
  toMs: number;
  label: string;
  tone: Tone;
  /** Still going when the run ended (drawn with an open end). */
  open?: boolean;
}

export interface Marker {
  atMs: number;
  label: string;
  tone: Tone;
  /**
   * Present when the marker's timing is uncertain by more than WIDE_WINDOW_MS: when it may have happened
   * (`fromMs` null: nothing bounds it from below) and the words for it (`between 2.262s and 2.362s`).
   */
  window?: { fromMs: number | null; toMs: number; note: string };
}

export type LaneId = 'configure' | 'job' | 'pod' | 'queue' | 'consumer';

export interface Lane {
  id: LaneId;
  label: string;
  bars: Bar[];
  markers: Marker[];
}

export interface TimelineView {
  spanMs: number;
  ticks: number[];
  lanes: Lane[];
  /** GET /metadata attempts folded into runs of one outcome, coloured by status. */
  attempts: Bar[];
  durations: { label: string; ms: number | null; text: string }[];
  /** What each colour and mark on this chart means: only the ones it draws. */
  legend: LegendEntry[];
  /** Every marker and attempt run as rows, for the keyboard and screen readers (the chart is an image). */
  details: DetailRow[];
}

export interface LegendEntry {
  /** How it is drawn: a bar, a milestone diamond, a timing window, a metadata-attempt strip. */
  mark: 'bar' | 'marker' | 'window' | 'attempt' | 'cross' | 'line' | 'triangle';
  tone: Tone;
  label: string;
}

export interface DetailRow {
  lane: string;
  what: string;
  at: string;
  /** When it may have happened, where that is wide; '' otherwise. */
  window: string;
}

export interface BannerView {
  tone: Tone;
  /** The severity in words: "Error", "Warning", "Healthy", "Inconclusive", "Running"… */
  badge: string;
  /** The scenario id, as secondary text; null before a verdict. */
  scenarioId: string | null;
  title: string;
  summary: string;
  evidence: string[];
  suggestions: SuggestionView[];
  /** Buttons that open the fix for what went wrong (a setting, a picker). */
  fixes: FixAction[];
  /** What a screen reader should hear once when this verdict arrives; null while there is none. */
  announcement: string | null;
}

export interface SuggestionView {
  text: string;
  /** Prose and kubectl commands, in order: each command gets Copy and Run in Terminal. */
  parts: SuggestionPart[];
}

export interface PodRow {
  name: string;
  namespace: string;
  role: string;
  state: string;
  restarts: string;
  node: string;
  /** The job's labels that matter (job-name, app, controller-uid once, those the matcher used). */
  labels: string[];
  /** Every label, for "show all". */
  allLabels: string[];
  matchedBy: string;
  firstSeen: string;
}

export interface EventRow {
  at: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  tone: Tone;
  warning: boolean;
}

export interface LogRow {
  at: string;
  /** `pod/container` (with the run number after a restart). */
  where: string;
  level: string;
  text: string;
  /** Lines of the same shape folded into this one. */
  repeats: number;
  tone: Tone;
}

/** One source of log lines: the backend, the job's pod, or one ended container run. */
export interface LogGroup {
  id: string;
  title: string;
  /** Why the logs could not be (fully) read, or lines left out; null when all is there. */
  note: string | null;
  /** What stands in for no lines: that nothing worth showing was logged; null when nothing could be read (the note says why). */
  empty: string | null;
  lines: LogRow[];
}

export interface ReportView {
  runId: string | null;
  banner: BannerView;
  timeline: TimelineView | null;
  pods: PodRow[];
  /** What the pods table says when it has no row: none seen, or none could be (and why). */
  noPods: string;
  events: EventRow[];
  logs: LogGroup[];
  trend: TrendView;
  canExport: boolean;
}

const SEVERITY_TONE: Record<Severity, Tone> = { ok: 'ok', warning: 'warn', error: 'error', inconclusive: 'muted' };

export function reportView(state: ReportViewState): ReportView {
  const report = state.report ?? null;
  return {
    runId: state.runId ?? null,
    banner: banner(state),
    timeline: report ? timelineView(report, state.status === 'running' ? (state.elapsedMs ?? 0) : 0, state.status === 'running') : null,
    pods: report ? podRows(report) : [],
    noPods: report ? noPodsText(report) : 'No pod of the job was seen.',
    events: report ? report.events.map(eventRow) : [],
    logs: report ? logGroups(report) : [],
    trend: trendView(state.trend, state.runId, state.slowThresholdMs ?? null),
    canExport: state.status === 'done' && !!report,
  };
}

const SEVERITY_WORD: Record<Severity, string> = { ok: 'Healthy', warning: 'Warning', error: 'Error', inconclusive: 'Inconclusive' };

function banner(state: ReportViewState): BannerView {
  const plain = (tone: Tone, badge: string, title: string, summary: string, announcement: string | null = null): BannerView => ({
    tone,
    badge,
    scenarioId: null,
    title,
    summary,
    evidence: [],
    suggestions: [],
    fixes: [],
    announcement,
  });
  if (state.status === 'idle')
    return plain('muted', 'No run', 'No probe run yet', 'Run "Consumer Probe: Run Probe in Sandbox" to try it without a cluster.');
  if (state.status === 'failed') {
    const why = state.error ?? 'unknown reason';
    return plain('error', 'Could not run', 'The probe could not run', why, `The probe could not run: ${why}`);
  }
  const r = state.report;
  if (state.status === 'running' || !r) {
    const where = r?.jobId ? `job ${r.jobId}` : 'waiting for POST /configure';
    return plain('info', 'Running', 'Probe running…', `${where} · ${formatSeconds(state.elapsedMs ?? 0)} so far`);
  }
  const s = r.scenario;
  return {
    tone: SEVERITY_TONE[s.severity],
    badge: SEVERITY_WORD[s.severity],
    scenarioId: s.id,
    title: s.title,
    summary: s.summary,
    evidence: s.evidence,
    suggestions: s.suggestions.map((text) => ({ text, parts: suggestionParts(text) })),
    fixes: fixesFor(s),
    announcement: `${SEVERITY_WORD[s.severity]}: ${s.title}`,
  };
}

export function timelineView(report: Report, elapsedMs: number, running: boolean): TimelineView {
  const t = report.timings;
  // At least a second: a run that never got an answer (a closed port) still draws a sane axis.
  const end = Math.max(reportSpanMs(report), Number.isFinite(elapsedMs) ? elapsedMs : 0, t.configureMs ?? 0, 1000);
  const spanMs = niceSpan(end);
  const lanes: Lane[] = [];

  // configure
  const configure: Lane = { id: 'configure', label: 'POST /configure', bars: [], markers: [] };
  const at = (key: TimingKey, atMs: number, label: string, tone: Tone): Marker => timingMarker(report, key, atMs, label, tone);
  if (t.configureMs !== null) {
    const failed = report.jobId === null;
    configure.bars.push({
      fromMs: 0,
      toMs: t.configureMs,
      label: `configure ${formatSeconds(t.configureMs)}`,
      tone: failed ? 'error' : 'ok',
    });
    configure.markers.push(
      at('configureMs', t.configureMs, failed ? 'answered without a job id' : `job id ${report.jobId}`, failed ? 'error' : 'ok'),
    );
  } else {
    configure.bars.push({ fromMs: 0, toMs: end, label: 'no answer', tone: running ? 'info' : 'error', open: true });
  }
  lanes.push(configure);

  // Job
  const job: Lane = { id: 'job', label: 'Job', bars: [], markers: [] };
  if (t.jobCreatedMs !== null) job.markers.push(at('jobCreatedMs', t.jobCreatedMs, 'Job created', 'ok'));
  lanes.push(job);

  // pod: created → scheduled → running → ready
  const primary = report.pods.find((p) => p.role === 'primary');
  lanes.push(podLane(report, primary, end, running));

  // queue
  const queue: Lane = { id: 'queue', label: 'queue', bars: [], markers: [] };
  if (t.queueCreatedMs !== null) {
    queue.markers.push(at('queueCreatedMs', t.queueCreatedMs, 'queue declared', 'ok'));
    if (t.consumerAttachedMs !== null) {
      queue.bars.push({ fromMs: t.queueCreatedMs, toMs: t.consumerAttachedMs, label: 'no consumer', tone: 'warn' });
      queue.bars.push({ fromMs: t.consumerAttachedMs, toMs: end, label: 'consumer attached', tone: 'ok', open: true });
      queue.markers.push(at('consumerAttachedMs', t.consumerAttachedMs, 'consumer attached', 'ok'));
    } else {
      queue.bars.push({ fromMs: t.queueCreatedMs, toMs: end, label: 'no consumer', tone: running ? 'info' : 'warn', open: true });
    }
  }
  lanes.push(queue);

  // consumer: from the configure answer until GET /metadata answers 200
  const consumer: Lane = { id: 'consumer', label: 'consumer (GET /metadata)', bars: [], markers: [] };
  const from = t.configureMs ?? 0;
  if (t.consumerReadyMs !== null) {
    consumer.bars.push({
      fromMs: from,
      toMs: t.consumerReadyMs,
      label: `waiting ${formatSeconds(t.consumerReadyMs - from)}`,
      tone: 'info',
    });
    consumer.markers.push(
      at('consumerReadyMs', t.consumerReadyMs, `ready ${formatSeconds(t.consumerReadyMs)}`, SEVERITY_TONE[report.scenario.severity]),
    );
  } else if (report.jobId !== null) {
    consumer.bars.push({
      fromMs: from,
      toMs: end,
      label: running ? 'waiting' : 'never ready',
      tone: running ? 'info' : 'error',
      open: true,
    });
  }
  lanes.push(consumer);

  const attempts = attemptBars(report, end);
  return {
    spanMs,
    ticks: ticksFor(spanMs),
    lanes,
    attempts,
    durations: durations(report),
    legend: timelineLegend(lanes, attempts),
    details: timelineDetails(lanes, attempts),
  };
}

const BAR_MEANING: Record<Tone, string> = {
  ok: 'done, or ready',
  info: 'in progress, or waiting',
  warn: 'stalled: waiting longer than it should',
  error: 'failed, or never happened',
  muted: 'no verdict',
};

const ATTEMPT_MEANING: Record<Tone, string> = {
  ok: 'GET /metadata answered 2xx (ready)',
  warn: 'GET /metadata answered 404 (not ready yet)',
  error: 'GET /metadata: no answer, or 5xx',
  muted: 'GET /metadata: another status (e.g. 400 "Invalid job_id")',
  info: 'GET /metadata',
};

const TONE_ORDER: Tone[] = ['ok', 'info', 'warn', 'error', 'muted'];

/** One legend entry per kind of mark and tone the chart actually draws. */
function timelineLegend(lanes: Lane[], attempts: Bar[]): LegendEntry[] {
  const barTones = new Set(lanes.flatMap((l) => l.bars.map((b) => b.tone)));
  const attemptTones = new Set(attempts.map((a) => a.tone));
  const markers = lanes.flatMap((l) => l.markers);
  return [
    ...TONE_ORDER.filter((t) => barTones.has(t)).map((tone): LegendEntry => ({ mark: 'bar', tone, label: BAR_MEANING[tone] })),
    ...(markers.length > 0 ? [{ mark: 'marker', tone: 'info', label: 'milestone (time in the table below)' } as LegendEntry] : []),
    ...(markers.some((m) => m.window)
      ? [{ mark: 'window', tone: 'muted', label: 'timing window: it happened somewhere in this span' } as LegendEntry]
      : []),
    ...TONE_ORDER.filter((t) => attemptTones.has(t)).map((tone): LegendEntry => ({ mark: 'attempt', tone, label: ATTEMPT_MEANING[tone] })),
  ];
}

function timelineDetails(lanes: Lane[], attempts: Bar[]): DetailRow[] {
  const rows: DetailRow[] = lanes.flatMap((lane) =>
    lane.markers.map((m) => ({ lane: lane.label, what: m.label, at: formatSeconds(m.atMs), window: m.window?.note ?? '' })),
  );
  rows.sort((a, b) => parseFloat(a.at) - parseFloat(b.at));
  for (const a of attempts) {
    rows.push({ lane: 'metadata attempts', what: a.label, at: `${formatSeconds(a.fromMs)} – ${formatSeconds(a.toMs)}`, window: '' });
  }
  return rows;
}

function podLane(report: Report, primary: ReportPod | undefined, end: number, running: boolean): Lane {
  const t = report.timings;
  const lane: Lane = { id: 'pod', label: primary ? `pod ${primary.name}` : 'pod', bars: [], markers: [] };
  type Stage = { key: TimingKey; at: number | null; marker: string; until: string };
  const stages: Stage[] = [
    { key: 'podCreatedMs', at: t.podCreatedMs, marker: 'created', until: 'pending' },
    { key: 'podScheduledMs', at: t.podScheduledMs, marker: 'scheduled', until: 'starting' },
    { key: 'podRunningMs', at: t.podRunningMs, marker: 'running', until: 'not ready' },
    { key: 'podReadyMs', at: t.podReadyMs, marker: 'ready', until: 'ready' },
  ];
  const reached = stages.filter((s): s is Stage & { at: number } => s.at !== null);
  reached.forEach((s, i) => {
    lane.markers.push(timingMarker(report, s.key, s.at, `${s.marker} ${formatSeconds(s.at)}`, s.marker === 'ready' ? 'ok' : 'info'));
    const next = reached[i + 1];
    const last = !next;
    const stuck = last && s.marker !== 'ready';
    const reason = stuck && primary?.reason ? ` (${primary.reason})` : '';
    const tone: Tone = s.marker === 'ready' ? 'ok' : stuck && !running ? (primary && isFailed(primary) ? 'error' : 'warn') : 'info';
    lane.bars.push({ fromMs: s.at, toMs: next?.at ?? end, label: `${s.until}${reason}`, tone, open: last });
  });
  if (primary && isFailed(primary))
    lane.markers.push({ atMs: end, label: podState(primary.phase, primary.ready, primary.reason), tone: 'error' });
  return lane;
}

/** A milestone's marker, with its window when that is wide (the same rule and words as the text report). */
function timingMarker(report: Report, key: TimingKey, atMs: number, label: string, tone: Tone): Marker {
  const window = windowOf(report, key);
  const note = windowNote(window);
  if (!window || note === null) return { atMs, label, tone };
  return { atMs, label, tone, window: { fromMs: window.afterMs, toMs: window.atOrBeforeMs, note } };
}

function isFailed(pod: ReportPod): boolean {
  return podVisualState(pod) === 'failed';
}

function attemptBars(report: Report, end: number): Bar[] {
  const runs = foldAttempts(report.metadataAttempts);
  return runs.map((run, i) => {
    const next = runs[i + 1];
    const toMs = next ? next.firstMs : Math.max(run.lastMs, Math.min(end, run.lastMs + 50));
    return { fromMs: run.firstMs, toMs, label: `${describeOutcome(run.status, run.error)} × ${run.count}`, tone: statusTone(run.status) };
  });
}

export function statusTone(status: number | null): Tone {
  if (status === null) return 'error';
  if (status >= 200 && status < 300) return 'ok';
  if (status === 404) return 'warn';
  if (status >= 500) return 'error';
  return 'muted';
}

function durations(report: Report): TimelineView['durations'] {
  return milestoneDurations(report.timings).map((d) => ({ label: d.label, ms: d.ms, text: formatSeconds(d.ms) }));
}

function podRows(report: Report): PodRow[] {
  const order = (p: ReportPod) => (p.role === 'primary' ? 0 : 1);
  return [...report.pods]
    .sort((a, b) => order(a) - order(b) || a.firstSeenMs - b.firstSeenMs)
    .map((p) => ({
      name: p.name,
      namespace: p.namespace,
      role: p.role,
      state: podState(p.phase, p.ready, p.reason),
      restarts: String(p.restartCount),
      node: p.node ?? '—',
      labels: relevantLabels(p).map(([k, v]) => `${k}=${v}`),
      allLabels: Object.entries(p.labels).map(([k, v]) => `${k}=${v}`),
      matchedBy: p.matchedBy.join(', '),
      firstSeen: formatSeconds(p.firstSeenMs),
    }));
}

function eventRow(e: Report['events'][number]): EventRow {
  return {
    at: formatSeconds(e.atMs),
    type: e.type,
    reason: e.reason,
    object: e.object,
    message: e.message,
    tone: e.type === 'Warning' ? 'warn' : 'muted',
    warning: e.type === 'Warning',
  };
}

/** Labels that tell which job a pod belongs to; `batch.kubernetes.io/…` copies of them are shown only when the short one is missing. */
const JOB_LABELS = ['job-name', 'app', 'controller-uid'];

/** The pod's labels that matter to the probe: the job's own and those the matcher used, each key once. */
export function relevantLabels(pod: Pick<ReportPod, 'labels' | 'matchedBy'>): [string, string][] {
  const used = new Set(pod.matchedBy.filter((m) => m.startsWith('label:')).map((m) => m.slice('label:'.length).split('=')[0]!));
  const keep = (key: string): boolean => {
    if (JOB_LABELS.includes(key) || used.has(key)) return true;
    const short = key.startsWith('batch.kubernetes.io/') ? key.slice('batch.kubernetes.io/'.length) : null;
    return short !== null && JOB_LABELS.includes(short) && !(short in pod.labels);
  };
  return Object.entries(pod.labels).filter(([k]) => keep(k));
}

function logRow(l: LogLine): LogRow {
  const run = l.instance !== null && l.instance > 0 ? ` (run ${l.instance})` : '';
  const tone: Tone = l.level === 'ERROR' || l.reason === 'traceback' ? 'error' : l.level === 'WARN' ? 'warn' : 'muted';
  return {
    at: formatSeconds(l.atMs),
    where: `${l.pod}/${l.container}${run}`,
    level: l.level ?? '',
    text: l.text,
    repeats: l.repeats,
    tone,
  };
}

/** The report's log excerpts: backend lines, the job pod's lines, then the last lines of each ended container run. */
export function logGroups(report: Report): LogGroup[] {
  const groups: LogGroup[] = [];
  const { backend, pod } = report.logs ?? {};
  if (backend) {
    const pods = backend.pods.length ? backend.pods.join(', ') : 'no pod matched';
    const readAny = backend.pods.length > 0;
    groups.push({
      id: 'backend',
      title: `Backend (${backend.selector}: ${pods})`,
      note: logNote(backend.error, readAny, backend.omitted),
      // Nothing to say of lines that were never read: the note says why.
      empty: readAny ? 'Nothing about the job, and no errors or warnings, since the probe started.' : null,
      lines: backend.lines.map(logRow),
    });
  }
  if (pod) {
    groups.push({
      id: 'pod',
      title: `Pod ${pod.pod} (${pod.containers.join(', ') || 'no container yet'})`,
      note: logNote(pod.error, pod.lines.length > 0 || pod.previous.length > 0, pod.omitted),
      empty: pod.error ? null : 'No startup lines, errors or lines naming the job were read.',
      lines: pod.lines.map(logRow),
    });
    for (const ended of pod.previous) {
      groups.push({
        id: `ended-${ended.container}-${ended.instance}`,
        title: `Last lines of ${ended.container}, run ${ended.instance}, ended by ${formatSeconds(ended.endedMs)}`,
        note: null,
        empty: 'The container wrote nothing before it ended.',
        lines: ended.lines.map(logRow),
      });
    }
  }
  return groups;
}
