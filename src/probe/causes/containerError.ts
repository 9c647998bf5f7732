// Every other way the job's container or its Job failed: the runtime could not start the container
// (CreateContainerError, RunContainerError: `exec: "python": executable file not found in $PATH`), it
// exited non-zero once (the Job has backoffLimit 0, so once is all it gets), the pod failed for its own
// reason (DeadlineExceeded), or the Job controller gave up (`BackoffLimitExceeded: Job has reached the
// specified backoff limit`) — even when the probe never saw the pod.
import type { AnalysedPod, Analysis } from '../analysis';
import type { ContainerStateSummary, Scenario } from '../model';
import { crashEvidence, crashedContainer } from '../diagnoseEvidence';
import { FAILED_WAITING_REASONS, podFailure } from '../podState';
import type { RuleContext } from './context';
import { containerLabel, containerName, exitText } from './containers';
import { eventLine, lastEvent } from './events';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

const JOB_FAILURE_REASONS = ['BackoffLimitExceeded', 'DeadlineExceeded', 'PodFailurePolicy', 'MaxFailedIndexesExceeded', 'FailedIndexes'];

/** The Job's Failed condition or the Job controller's event saying it gave up; null when it did not. */
export function jobFailure(a: Analysis): { reason: string; line: string } | null {
  const name = a.names?.job;
  if (!name) return null;
  const condition = a.job?.conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  const event = lastEvent(a, name, JOB_FAILURE_REASONS);
  if (condition) {
    const line = `Job ${name} condition Failed (${condition.reason ?? 'no reason'})${condition.message ? `: ${condition.message}` : ''}`;
    return { reason: condition.reason ?? event?.event.reason ?? 'Failed', line };
  }
  return event ? { reason: event.event.reason, line: eventLine(event) } : null;
}

function failedContainer(pod: AnalysedPod): ContainerStateSummary | null {
  return (
    pod.latest.containers.find((c) => c.state === 'waiting' && c.reason !== null && FAILED_WAITING_REASONS.has(c.reason)) ??
    pod.latest.containers.find((c) => c.state === 'terminated' && c.exitCode !== null && c.exitCode !== 0) ??
    null
  );
}

/** The Job controller gave up (BackoffLimitExceeded, DeadlineExceeded): its word decides, the pod's failure is the evidence. */
export function jobFailedFinding(a: Analysis, pod: AnalysedPod | null, ctx: RuleContext): Scenario | null {
  const job = jobFailure(a);
  if (!job) return null;
  const name = a.names!.job;
  const describeJob = `See what the Job controller says: ${ctx.kubectl('describe', 'job', name)}`;
  if (!pod) {
    // A Job that counts a failed pod had one, even if the probe never saw it.
    const failed = a.job?.failed ?? 0;
    if (failed === 0) return null;
    return verdict({
      id: 'pod_failed',
      cause: 'container_error',
      title: `Pod failed: the Job gave up (${job.reason}) before the probe saw its pod`,
      summary: `The Job ${name} failed (${job.reason}) with ${failed} failed pod${failed === 1 ? '' : 's'}, none of which the probe saw. The consumer never became ready.`,
      evidence: [job.line, ...failureContext(a)],
      suggestions: [
        describeJob,
        'The failed pod may be gone already (the Job deletes it): its events and logs stay in the cluster only for a short while.',
      ],
    });
  }
  const failure = podFailure(pod.latest);
  // A Job that gave up on a pod that never ran (a deadline passed while it was Pending) is pending's story.
  if (!failure && pod.runningMs === null) return null;
  const c = failedContainer(pod) ?? pod.latest.containers.find((x) => x.lastTerminated !== null) ?? null;
  const crash = crashedContainer(a);
  return verdict({
    id: 'pod_failed',
    cause: 'container_error',
    title: `Pod failed: the Job gave up (${job.reason})`,
    summary: `The Job ${name} failed (${job.reason})${failure ? ` after its pod ${pod.name} failed: ${failure}` : ` while its pod ${pod.name} ran`}. The consumer never became ready.`,
    evidence: [
      job.line,
      failure ?? '',
      c?.message && !failure?.includes(c.message) ? `${containerLabel(c)}: ${c.message}` : '',
      crashEvidence(a),
      ...failureContext(a),
    ],
    suggestions: [
      crash ? `The container ended with "${crash.line.trim()}": fix that first (its last lines are in the report).` : '',
      c
        ? `Read the container's output: ${ctx.kubectl('logs', pod.name, '-c', containerName(c), ...(c.state === 'terminated' ? [] : ['--previous']))}`
        : '',
      describeJob,
    ],
  });
}

/** The container could not be started, or exited non-zero once, or the pod failed for its own reason. */
export function containerErrorFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const failure = podFailure(pod.latest);
  if (!failure) return null;
  const c = failedContainer(pod);
  const label = c ? containerLabel(c) : null;
  const title =
    c && label && c.state === 'waiting'
      ? `Pod failed: ${label} could not be started (${c.reason})`
      : c && label
        ? `Pod failed: ${label} exited with ${exitText(c)}`
        : `Pod failed (${pod.latest.statusReason ?? pod.phase})`;
  return verdict({
    id: 'pod_failed',
    cause: 'container_error',
    title,
    summary: `Pod ${pod.name} failed: ${failure}. The consumer never became ready.`,
    evidence: [failure, c?.message && !failure.includes(c.message) ? `${label}: ${c.message}` : '', crashEvidence(a), ...failureContext(a)],
    suggestions: [
      c?.state === 'terminated'
        ? `Read the container's output: ${ctx.kubectl('logs', pod.name, '-c', containerName(c))}`
        : `See the error in full: ${ctx.kubectl('describe', 'pod', pod.name)}`,
    ],
  });
}
