// The five looks a pod row can have, read from the report's pod the way a person reads kubectl.
import type { ReportPod } from '../../probe/model';
import { FAILED_WAITING_REASONS } from '../../probe/podState';

export type PodVisualState = 'pending' | 'running' | 'ready' | 'failed' | 'terminated';

export function podVisualState(pod: Pick<ReportPod, 'phase' | 'ready' | 'reason'>): PodVisualState {
  const reason = pod.reason ?? '';
  if (reason === 'Deleted' || pod.phase === 'Succeeded') return 'terminated';
  if (pod.phase === 'Failed' || isFailureReason(reason)) return 'failed';
  if (pod.phase === 'Running') return pod.ready ? 'ready' : 'running';
  return 'pending';
}

function isFailureReason(reason: string): boolean {
  const word = reason.replace(/^Init:/, '');
  return FAILED_WAITING_REASONS.has(word) || word === 'OOMKilled' || word === 'Error' || word.startsWith('ExitCode:');
}

/** Codicon and theme colour per state: icons differ in shape too, so colour is never the only cue. */
export const POD_STATE_ICONS: Record<PodVisualState, { icon: string; color: string }> = {
  pending: { icon: 'clock', color: 'charts.yellow' },
  running: { icon: 'circle-large-outline', color: 'charts.blue' },
  ready: { icon: 'pass-filled', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  terminated: { icon: 'circle-slash', color: 'disabledForeground' },
};
