// The first sentence every pod_pending finding starts with: when the pod appeared, that it never started,
// and the one word `kubectl get pods` would show for it.
import type { AnalysedPod } from '../analysis';
import { s } from '../diagnoseEvidence';
import type { RuleContext } from './context';

export function pendingSummary(pod: AnalysedPod, ctx: RuleContext): string {
  return `Pod ${pod.name} appeared at ${s(pod.firstSeenMs)} but never started ${ctx.ended}${pod.reason ? ` (${pod.reason})` : ''}`;
}
