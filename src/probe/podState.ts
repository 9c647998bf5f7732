// Reading a pod the way a person reads `kubectl get pods`: one reason word, and whether it failed.
import type { PodSnapshot } from './model';

/** Waiting reasons that mean the container will not start without someone fixing something. */
export const FAILED_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/**
 * The one word that says why a pod is not simply fine (`ContainerCreating`, `CrashLoopBackOff`,
 * `Unschedulable`, `ContainersNotReady`, …), or null when all is well. Every output uses this one.
 */
export function podReason(pod: PodSnapshot): string | null {
  if (pod.deleted) return 'Deleted';
  if (pod.statusReason) return pod.statusReason;
  const containers = pod.containers.filter((c) => !c.name.startsWith('init:'));
  const inits = pod.containers.filter((c) => c.name.startsWith('init:'));
  for (const c of inits) {
    if (c.state === 'waiting' && c.reason && c.reason !== 'PodInitializing') return `Init:${c.reason}`;
    if (c.state === 'terminated' && c.exitCode !== 0) return `Init:${c.reason ?? 'Error'}`;
  }
  for (const c of [...containers].reverse()) {
    if (c.state === 'waiting' && c.reason) return c.reason;
    if (c.state === 'terminated') return c.reason ?? (c.exitCode !== null ? `ExitCode:${c.exitCode}` : 'Terminated');
  }
  const scheduled = pod.conditions.find((c) => c.type === 'PodScheduled');
  if (pod.phase === 'Pending' && scheduled?.status === 'False') return scheduled.reason ?? 'Unschedulable';
  if (pod.phase === 'Pending' && pod.node && containers.length === 0) return 'ContainerCreating';
  // Last resort, the unmet condition (e.g. ContainersNotReady while the readiness probe has not passed).
  return pod.conditions.find((c) => c.status === 'False' && c.reason)?.reason ?? null;
}

export function isScheduled(pod: PodSnapshot): boolean {
  return pod.conditions.some((c) => c.type === 'PodScheduled' && c.status === 'True') || pod.node !== null;
}

export function isRunning(pod: PodSnapshot): boolean {
  return pod.phase === 'Running' || pod.phase === 'Succeeded' || pod.containers.some((c) => c.state === 'running');
}

/** Why the pod failed, in one line, or null when nothing says it did. */
export function podFailure(pod: PodSnapshot): string | null {
  const containers = pod.containers;
  const restarts = pod.restartCount;
  for (const c of containers) {
    if (c.state === 'waiting' && c.reason && FAILED_WAITING_REASONS.has(c.reason)) {
      if (c.reason === 'CrashLoopBackOff') return crashSummary(c.reason, restarts, c.lastTerminated);
      return c.message ? `${c.reason}: ${c.message}` : c.reason;
    }
  }
  if (pod.phase === 'Failed') {
    const terminated = containers.find((c) => c.state === 'terminated');
    const why = pod.statusReason ?? terminated?.reason ?? 'Failed';
    const code = terminated?.exitCode;
    return `pod Failed (${why}${code !== null && code !== undefined ? `, exit code ${code}` : ''})${pod.statusMessage ? `: ${pod.statusMessage}` : ''}`;
  }
  for (const c of containers) {
    if (c.state === 'terminated' && c.exitCode !== null && c.exitCode !== 0) {
      return `container ${c.name} terminated: ${c.reason ?? 'Error'}, exit code ${c.exitCode}`;
    }
  }
  if (restarts > 0) {
    const last = containers.find((c) => c.lastTerminated)?.lastTerminated ?? null;
    return crashSummary('restarted', restarts, last);
  }
  return null;
}

function crashSummary(what: string, restarts: number, last: { reason: string | null; exitCode: number | null } | null): string {
  const lastPart = last ? `, last exit code ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}` : '';
  return what === 'restarted'
    ? `container restarted ${restarts} time${restarts === 1 ? '' : 's'}${lastPart}`
    : `${what} after ${restarts} restart${restarts === 1 ? '' : 's'}${lastPart}`;
}
