// Columns and cells per resource, after the real apiserver's printers (pkg/printers/internalversion):
// the pod STATUS is the kubectl-style reason (`ContainerCreating`, `CrashLoopBackOff`, `Completed`, …),
// not the bare phase, because that is what people read in `kubectl get pods`.
import { ageSince, humanDuration } from './humanDuration';
import type { KubeObject } from './store';
import type { TableColumnDefinition } from './table';
import type { UntypedJson } from './untypedJson';

function column(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

const NAME = column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
const AGE = column('Age', 'string', 'CreationTimestamp is the server time when this object was created.');

const COLUMNS: Record<string, TableColumnDefinition[]> = {
  pods: [
    NAME,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    column('IP', 'string', 'IP address allocated to the pod.', 1),
    column('Node', 'string', 'NodeName is the node the pod is scheduled onto.', 1),
    column('Nominated Node', 'string', 'nominatedNodeName is set when this pod preempts other pods on a node.', 1),
    column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  jobs: [
    NAME,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The completion status of the job.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE,
    column('Containers', 'string', 'Names of each container in the template.', 1),
    column('Images', 'string', 'Images referenced by each container in the template.', 1),
    column('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
  ],
  events: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning).'),
    column('Reason', 'string', 'A short, machine understandable string that gives the reason for the transition.'),
    column('Object', 'string', 'The object that this event is about.'),
    column('Subobject', 'string', 'The field of the object this event is about.', 1),
    column('Source', 'string', 'The component reporting this event.', 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded.', 1),
    column('Count', 'integer', 'The number of times this event has occurred.', 1),
    column('Name', 'string', 'Name must be unique within a namespace.', 1, 'name'),
  ],
  namespaces: [NAME, column('Status', 'string', 'The status of the namespace.'), AGE],
  deployments: [
    NAME,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE,
  ],
  statefulsets: [NAME, column('Ready', 'string', 'Number of the pod with ready state'), AGE],
};

export function columnsFor(plural: string): TableColumnDefinition[] {
  return COLUMNS[plural] ?? [NAME, AGE];
}

export function rowCellsFor(plural: string, object: KubeObject, now: number): unknown[] {
  const o: UntypedJson = object;
  switch (plural) {
    case 'pods':
      return podCells(o, now);
    case 'jobs':
      return jobCells(o, now);
    case 'events':
      return eventCells(o, now);
    case 'namespaces':
      return [o.metadata.name, o.status?.phase ?? '', ageSince(o.metadata.creationTimestamp, now)];
    case 'deployments':
      return [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        o.status?.updatedReplicas ?? 0,
        o.status?.availableReplicas ?? 0,
        ageSince(o.metadata.creationTimestamp, now),
      ];
    case 'statefulsets':
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, ageSince(o.metadata.creationTimestamp, now)];
    default:
      return [o.metadata.name, ageSince(o.metadata.creationTimestamp, now)];
  }
}

function podCells(pod: UntypedJson, now: number): unknown[] {
  const { ready, total, reason, restarts, lastRestartAt } = podStatusSummary(pod);
  const restartsCell =
    restarts !== 0 && lastRestartAt !== undefined ? `${restarts} (${humanDuration(now - lastRestartAt)} ago)` : String(restarts);
  const ip: string | undefined = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
  const gates: UntypedJson[] = pod.spec?.readinessGates ?? [];
  const gatesCell = gates.length
    ? `${gates.filter((g) => conditionIsTrue(pod.status?.conditions, g.conditionType)).length}/${gates.length}`
    : '<none>';
  return [
    pod.metadata.name,
    `${ready}/${total}`,
    reason,
    restartsCell,
    ageSince(pod.metadata.creationTimestamp, now),
    ip || '<none>',
    pod.spec?.nodeName || '<none>',
    pod.status?.nominatedNodeName || '<none>',
    gatesCell,
  ];
}

export interface PodStatusSummary {
  ready: number;
  total: number;
  /** What kubectl shows in STATUS. */
  reason: string;
  restarts: number;
  lastRestartAt?: number;
}

/** kubectl's STATUS logic: the last container with a waiting/terminated reason wins over the phase. */
export function podStatusSummary(pod: UntypedJson): PodStatusSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const containers: UntypedJson[] = spec.containers ?? [];
  const initContainers: UntypedJson[] = spec.initContainers ?? [];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let reason: string = status.reason || status.phase || 'Pending';
  let restarts = 0;
  let ready = 0;
  let lastRestartAt: number | undefined;
  const noteRestart = (cs: UntypedJson) => {
    restarts += cs.restartCount ?? 0;
    const finished = Date.parse(cs.lastState?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(finished) && (lastRestartAt === undefined || finished > lastRestartAt)) lastRestartAt = finished;
  };

  let initializing = false;
  const initStatuses: UntypedJson[] = status.initContainerStatuses ?? [];
  for (const [i, cs] of initStatuses.entries()) {
    noteRestart(cs);
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (sidecars.has(cs.name) && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated && terminated.exitCode === 0) continue;
    initializing = true;
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    break;
  }

  if (!initializing || conditionIsTrue(status.conditions, 'Initialized')) {
    restarts = 0;
    lastRestartAt = undefined;
    let hasRunning = false;
    const statuses: UntypedJson[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      noteRestart(cs);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A finished container next to a running one: the pod as a whole is still up.
    if (reason === 'Completed' && hasRunning) {
      reason = conditionIsTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { ready, total: containers.length + sidecars.size, reason, restarts, lastRestartAt };
}

function conditionIsTrue(conditions: UntypedJson[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function jobCells(job: UntypedJson, now: number): unknown[] {
  const spec = job.spec ?? {};
  const status = job.status ?? {};
  const succeeded = status.succeeded ?? 0;
  let completions: string;
  if (spec.completions != null) completions = `${succeeded}/${spec.completions}`;
  else completions = (spec.parallelism ?? 0) > 1 ? `${succeeded}/1 of ${spec.parallelism}` : `${succeeded}/1`;

  const started = Date.parse(status.startTime ?? '');
  const completed = Date.parse(status.completionTime ?? '');
  let duration = '';
  if (!Number.isNaN(started)) duration = humanDuration((Number.isNaN(completed) ? now : completed) - started);

  const containers: UntypedJson[] = spec.template?.spec?.containers ?? [];
  return [
    job.metadata.name,
    jobStatus(job),
    completions,
    duration,
    ageSince(job.metadata.creationTimestamp, now),
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image).join(','),
    formatLabelSelector(spec.selector),
  ];
}

function jobStatus(job: UntypedJson): string {
  const conditions = job.status?.conditions;
  if (conditionIsTrue(conditions, 'Complete')) return 'Complete';
  if (conditionIsTrue(conditions, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (conditionIsTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  if (conditionIsTrue(conditions, 'Suspended')) return 'Suspended';
  return 'Running';
}

function formatLabelSelector(selector: UntypedJson): string {
  if (!selector) return '<none>';
  const parts: string[] = Object.entries((selector.matchLabels ?? {}) as Record<string, string>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const e of (selector.matchExpressions ?? []) as UntypedJson[]) {
    const op = String(e.operator).toLowerCase();
    if (op === 'exists') parts.push(e.key);
    else if (op === 'doesnotexist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function eventCells(event: UntypedJson, now: number): unknown[] {
  const involved = event.involvedObject ?? {};
  let lastSeen = ageSince(event.lastTimestamp || event.eventTime, now);
  const firstSeen = ageSince(event.firstTimestamp || event.eventTime, now);
  let count: number = event.count ?? 0;
  if (event.series) {
    lastSeen = ageSince(event.series.lastObservedTime, now);
    count = event.series.count ?? count;
  } else if (count > 1) {
    lastSeen = `${lastSeen} (x${count} over ${firstSeen})`;
  }
  const kind = String(involved.kind ?? '').toLowerCase();
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return [
    lastSeen,
    event.type ?? '',
    event.reason ?? '',
    involved.name ? `${kind}/${involved.name}` : kind,
    involved.fieldPath ?? '',
    component && instance ? `${component}, ${instance}` : component,
    String(event.message ?? '').trim(),
    firstSeen,
    count,
    event.metadata.name,
  ];
}
