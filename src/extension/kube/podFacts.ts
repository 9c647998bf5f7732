// What the pod actions read from a pod and its events: which logs Follow Logs can offer, and the events
// as the table `kubectl events --for pod/NAME` prints. Pure data in, text out (no `vscode`, no network),
// so the choices and the table are unit-tested.
import type { LogChoice } from './kubectlLine';

/** The parts of a Pod the actions read (the API object as JSON). */
export interface PodObject {
  metadata?: { name?: string; namespace?: string; uid?: string; managedFields?: unknown };
  spec?: { containers?: { name?: string }[]; initContainers?: { name?: string }[] };
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

interface ContainerStatus {
  name?: string;
  restartCount?: number;
  state?: Record<string, { reason?: string } | undefined>;
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

/** The parts of an Event (core/v1 or events.k8s.io as served by core/v1) the table shows. */
export interface EventObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  metadata?: { creationTimestamp?: string };
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  source?: { component?: string };
  reportingComponent?: string;
}

export interface LogPick extends LogChoice {
  label: string;
  description: string;
}

/**
 * Every log Follow Logs can show: each container (init containers too), and its previous instance when
 * it restarted or ended before. One entry means there is nothing to ask.
 */
export function logChoices(pod: PodObject): LogPick[] {
  const statuses = new Map<string, ContainerStatus>();
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    if (s.name) statuses.set(s.name, s);
  }
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c) => ({ name: c.name ?? '', init: true })),
    ...(pod.spec?.containers ?? []).map((c) => ({ name: c.name ?? '', init: false })),
  ].filter((c) => c.name);
  const picks: LogPick[] = [];
  for (const { name, init } of containers) {
    const status = statuses.get(name);
    const state = Object.keys(status?.state ?? {}).find((k) => status?.state?.[k]) ?? 'not started';
    const restarts = status?.restartCount ?? 0;
    const kind = init ? 'init container · ' : '';
    picks.push({ label: name, description: `${kind}${state}`, container: name, previous: false });
    const last = status?.lastState?.terminated;
    if (restarts > 0 || last) {
      const ended = last ? `${last.reason ?? 'ended'}${last.exitCode === undefined ? '' : ` (exit ${last.exitCode})`}` : 'ended';
      const times = restarts === 1 ? '1 restart' : `${restarts} restarts`;
      picks.push({ label: `${name} (previous)`, description: `${kind}${times} · last ${ended}`, container: name, previous: true });
    }
  }
  return picks;
}

function whenOf(e: EventObject): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';
}

/** `5s`, `3m12s`, `2h4m`, `3d`: how long ago, as kubectl prints LAST SEEN. */
export function ago(fromIso: string, now: number): string {
  const ms = now - Date.parse(fromIso);
  if (!Number.isFinite(ms)) return '<unknown>';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Oldest first, like `kubectl events`; Warnings keep their word so a reader (and the log grammar) sees them. */
export function eventsTable(events: readonly EventObject[], now: number): string {
  if (events.length === 0) return 'No events (a cluster keeps events for about an hour).\n';
  const sorted = [...events].sort((a, b) => whenOf(a).localeCompare(whenOf(b)));
  const rows = sorted.map((e) => [
    ago(whenOf(e), now),
    e.type ?? '',
    e.reason ?? '',
    `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}${e.involvedObject?.fieldPath ? ` ${e.involvedObject.fieldPath}` : ''}`,
    `${(e.message ?? '').replace(/\s+/g, ' ').trim()}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`,
  ]);
  const header = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The pod as `kubectl get -o yaml` shows it: without managedFields (kubectl hides them by default). */
export function podForDisplay<T extends PodObject>(pod: T): T {
  const copy = structuredClone(pod);
  if (copy.metadata) delete copy.metadata.managedFields;
  return copy;
}
