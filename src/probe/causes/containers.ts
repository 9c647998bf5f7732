// The job pod's containers as the failure rules read them: init containers carry an `init:` prefix in
// the snapshot (snapshots.ts), which a sentence or a kubectl command must not repeat.
import type { ContainerStateSummary } from '../model';

export function isInit(c: ContainerStateSummary): boolean {
  return c.name.startsWith('init:');
}

/** The name kubectl knows the container by (`-c NAME`). */
export function containerName(c: ContainerStateSummary): string {
  return isInit(c) ? c.name.slice('init:'.length) : c.name;
}

/** `container baby-analyzer` or `init container wait-for-rabbitmq`. */
export function containerLabel(c: ContainerStateSummary): string {
  return `${isInit(c) ? 'init container' : 'container'} ${containerName(c)}`;
}

/** `exit code 137 (OOMKilled)`, from a termination. */
export function exitText(t: { reason: string | null; exitCode: number | null }): string {
  return `exit code ${t.exitCode ?? '?'}${t.reason ? ` (${t.reason})` : ''}`;
}
