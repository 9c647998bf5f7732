// The "Probe Runs" tree as plain data: runs → pods (primary first), the metadata endpoint and the
// queue, each with its details. Pure, so it is unit-tested without VS Code; runTree.ts only maps these
// nodes to TreeItems.
import type { Report, ReportPod, Severity } from '../../probe/model';
import { describeOutcome, foldAttempts, formatRun, formatSeconds, oneLine } from '../../probe/report/format';
import type { RunRecord } from '../runRecord';
import { POD_STATE_ICONS, podVisualState } from './podVisualState';

export interface TreeIcon {
  /** Codicon id, e.g. `pass-filled` or `sync~spin`. */
  id: string;
  /** Theme colour id, e.g. `testing.iconPassed`. */
  color?: string;
}

export interface TreeNodeModel {
  /** Stable across refreshes, so expansion and selection survive live updates. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: TreeIcon;
  /** What a screen reader says: at least the visible label and description. */
  accessibilityLabel: string;
  /** Drives the context menus (`run.done`, `pod.primary`, …). */
  contextValue?: string;
  /** Initial expansion; leaves have no children. */
  expanded?: boolean;
  children: TreeNodeModel[];
  runId: string;
  pod?: { name: string; namespace: string };
}

const SEVERITY_ICONS: Record<Severity, TreeIcon> = {
  ok: { id: 'pass-filled', color: 'testing.iconPassed' },
  warning: { id: 'warning', color: 'list.warningForeground' },
  error: { id: 'error', color: 'testing.iconFailed' },
  inconclusive: { id: 'question', color: 'disabledForeground' },
};

/** A run the user stopped reads as stopped, not as one more unknown verdict. */
const STOPPED_ICON: TreeIcon = { id: 'debug-stop', color: 'disabledForeground' };

/** `7 s`: the running run's clock, in whole seconds so it changes once a second and no faster. */
export function elapsedLabel(ms: number): string {
  return `${Math.floor(Math.max(0, ms) / 1000)} s`;
}

/** Screen readers pause at commas; the eye reads the middle dots. */
const spoken = (text: string) => text.replace(/ · /g, ', ');

export function buildRunTree(runs: readonly RunRecord[], nowMs: number): TreeNodeModel[] {
  return runs.map((run) => runNode(run, nowMs));
}

function runNode(run: RunRecord, nowMs: number): TreeNodeModel {
  const report = run.report;
  const when = relativeTime(Date.parse(run.startedAt), nowMs);
  const jobLabel = report?.jobId ? `job ${oneLine(report.jobId)}` : run.status === 'running' ? 'starting…' : 'no job id';
  const target = run.target.kind === 'sandbox' ? `sandbox: ${run.target.scenario ?? 'healthy'}` : run.target.backendUrl;
  let description: string;
  let icon: TreeIcon;
  let tooltip: string;
  if (run.status === 'running') {
    description = `running · ${elapsedLabel(run.elapsedMs)} · ${target}`;
    icon = { id: 'sync~spin' };
    tooltip = `Probe running against ${target}`;
  } else if (run.status === 'failed' || !report) {
    description = `could not run · ${when}`;
    icon = { id: 'circle-slash', color: 'testing.iconFailed' };
    tooltip = run.error ?? 'The probe could not run.';
  } else if (report.scenario.id === 'stopped') {
    description = `stopped · after ${formatSeconds(run.elapsedMs)} · ${when}`;
    icon = STOPPED_ICON;
    tooltip = `${report.scenario.title}\n${report.scenario.summary}\n${target}`;
  } else {
    const ready = report.timings.consumerReadyMs;
    description = [report.scenario.id, ready !== null ? `ready ${formatSeconds(ready)}` : 'never ready', when].join(' · ');
    icon = SEVERITY_ICONS[report.scenario.severity];
    tooltip = `${report.scenario.title}\n${report.scenario.summary}\n${target}`;
  }
  return {
    id: `run:${run.id}`,
    label: jobLabel,
    description,
    tooltip,
    accessibilityLabel: `${run.status === 'running' && !report?.jobId ? 'probe run starting' : `probe run, ${jobLabel}`}: ${spoken(description)}`,
    icon,
    contextValue: run.status === 'running' ? 'run.running' : 'run.done',
    // Only the running run opens by itself; the host expands the one the user selects.
    expanded: run.status === 'failed' ? undefined : run.status === 'running',
    children: report ? reportChildren(run.id, report) : [],
    runId: run.id,
  };
}

function reportChildren(runId: string, report: Report): TreeNodeModel[] {
  const pods = [...report.pods].sort((a, b) => rolePriority(a) - rolePriority(b) || a.firstSeenMs - b.firstSeenMs);
  const nodes = pods.map((p) => podNode(runId, p));
  if (report.jobId !== null) nodes.push(metadataNode(runId, report));
  if (report.queue) nodes.push(queueNode(runId, report));
  return nodes;
}

const rolePriority = (p: ReportPod) => (p.role === 'primary' ? 0 : 1);

/** `Running · ready · 0 restarts · node-3`. */
export function podDescription(pod: ReportPod): string {
  const readiness = pod.phase === 'Running' ? (pod.ready ? 'ready' : 'not ready') : pod.reason;
  const restarts = counted(pod.restartCount, 'restart');
  return [pod.phase, readiness, pod.phase === 'Running' && pod.reason && !pod.ready ? pod.reason : null, restarts, pod.node]
    .filter((x): x is string => !!x)
    .map((x) => oneLine(x))
    .join(' · ');
}

function podNode(runId: string, pod: ReportPod): TreeNodeModel {
  const state = podVisualState(pod);
  const style = POD_STATE_ICONS[state];
  const id = `run:${runId}/pod:${pod.namespace}/${pod.name}`;
  const detail = (key: string, label: string, description: string, children: TreeNodeModel[] = []): TreeNodeModel => ({
    id: `${id}/${key}`,
    label,
    description,
    tooltip: `${label}: ${description}`,
    accessibilityLabel: `${pod.name} ${label}: ${description}`,
    children,
    expanded: children.length ? false : undefined,
    runId,
  });
  const labels = Object.entries(pod.labels).map(([k, v]) => detail(`label:${k}`, oneLine(k), oneLine(v)));
  const details = [
    detail('labels', 'labels', `${labels.length}`, labels),
    detail('matchedBy', 'matched by', pod.matchedBy.map((m) => oneLine(m)).join(', ') || 'name only'),
    detail('reason', 'reason', pod.reason ? oneLine(pod.reason) : 'none'),
    detail('node', 'node', pod.node ? oneLine(pod.node) : 'not scheduled'),
    detail('firstSeen', 'first seen', formatSeconds(pod.firstSeenMs)),
  ];
  return {
    id,
    label: oneLine(pod.name),
    description: podDescription(pod),
    accessibilityLabel: `${pod.role === 'primary' ? 'pod' : 'related pod'} ${oneLine(pod.name)}: ${spoken(podDescription(pod))}`,
    tooltip: [
      `${pod.name} (${pod.role})`,
      `namespace ${pod.namespace}`,
      `${pod.phase}${pod.ready ? ', ready' : ''}${pod.reason ? `, ${pod.reason}` : ''}`,
      `first seen ${formatSeconds(pod.firstSeenMs)} after POST /configure`,
    ]
      .map((l) => oneLine(l))
      .join('\n'),
    icon: { id: style.icon, color: style.color },
    contextValue: `pod.${pod.role}`,
    expanded: false,
    children: details,
    runId,
    pod: { name: pod.name, namespace: pod.namespace },
  };
}

function metadataNode(runId: string, report: Report): TreeNodeModel {
  const attempts = report.metadataAttempts;
  const last = attempts[attempts.length - 1];
  const ready = report.timings.consumerReadyMs !== null;
  const id = `run:${runId}/metadata`;
  const runs = foldAttempts(attempts);
  const label = `GET /metadata/${oneLine(report.jobId ?? '')}`;
  const description = `${counted(attempts.length, 'attempt')}${last ? ` · last ${oneLine(describeOutcome(last.status, last.error))}` : ''}`;
  const outcome = ready ? `answered 200 at ${formatSeconds(report.timings.consumerReadyMs)}` : 'never answered 200';
  return {
    id,
    label,
    description,
    tooltip: outcome,
    accessibilityLabel: `${label}: ${outcome}, ${spoken(description)}`,
    icon: ready ? { id: 'pass', color: 'testing.iconPassed' } : { id: 'debug-disconnect', color: 'list.warningForeground' },
    contextValue: 'metadata',
    expanded: runs.length ? false : undefined,
    children: runs.map((r, i) => {
      const text = oneLine(formatRun(r));
      return { id: `${id}/${i}`, label: text, accessibilityLabel: `${label} answered ${text}`, children: [], runId };
    }),
    runId,
  };
}

function queueNode(runId: string, report: Report): TreeNodeModel {
  const q = report.queue!;
  const count = (n: number | null, what: string) => (n === null ? `${what}s unknown` : counted(n, what));
  const id = `run:${runId}/queue`;
  const consumers = (report.logs?.queue?.consumers ?? []).map((c, i) => {
    const description = [
      c.peer ? `from ${c.peer}` : '',
      c.user ? `user ${c.user}` : '',
      c.prefetch !== null ? `prefetch ${c.prefetch}` : '',
    ]
      .filter(Boolean)
      .map((x) => oneLine(x))
      .join(' · ');
    return {
      id: `${id}/consumer:${i}`,
      label: oneLine(c.tag),
      description,
      accessibilityLabel: `consumer ${oneLine(c.tag)}${description ? `: ${spoken(description)}` : ''}`,
      icon: { id: 'person' },
      children: [],
      runId,
    };
  });
  const label = `queue ${oneLine(q.name)}`;
  const description = `${count(q.consumers, 'consumer')} · ${count(q.messages, 'message')}`;
  return {
    id,
    label,
    description,
    accessibilityLabel: `${label}: ${spoken(description)}`,
    tooltip: `first seen ${formatSeconds(q.firstSeenMs)} · source: ${oneLine(q.source)}`,
    icon: { id: 'inbox', color: q.consumers ? 'testing.iconPassed' : 'list.warningForeground' },
    contextValue: 'queue',
    expanded: consumers.length ? false : undefined,
    children: consumers,
    runId,
  };
}

/** `1 restart`, `0 restarts`. */
function counted(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** `just now`, `42 s ago`, `3 min ago`, `2 h ago`, `5 d ago`. */
export function relativeTime(thenMs: number, nowMs: number): string {
  if (!Number.isFinite(thenMs)) return 'unknown time';
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}
