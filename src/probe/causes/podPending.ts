// pod_pending: the job's pod appeared and never ran. A pod with a node is stuck being created; one
// without waits for the autoscaler's new node, or for a node the scheduler cannot find (in that order:
// the autoscaler's word is the more recent and the more telling).
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { backendErrorEvidence, metadataEvidence } from '../diagnoseEvidence';
import { autoscalerFinding } from './autoscaler';
import { containerCreatingFinding } from './containerCreating';
import type { RuleContext } from './context';
import { pendingSummary } from './pendingSummary';
import { unschedulableFinding } from './scheduling';
import { verdict } from './verdict';

export function podPendingFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario {
  if (pod.scheduledMs !== null) return containerCreatingFinding(a, pod, ctx);
  return autoscalerFinding(a, pod, ctx) ?? unschedulableFinding(a, pod, ctx) ?? unscheduledInSilence(a, pod, ctx);
}

/** Not scheduled, and no scheduler message reached the probe: no cause can be named. */
function unscheduledInSilence(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario {
  return verdict({
    id: 'pod_pending',
    cause: null,
    title: 'Pod never started: it was never scheduled, and the scheduler said nothing',
    summary: `${pendingSummary(pod, ctx)}.`,
    evidence: [
      'the pod was never scheduled; no FailedScheduling event or PodScheduled message was seen',
      metadataEvidence(a),
      backendErrorEvidence(a),
    ],
    suggestions: [`See why it is not scheduled: ${ctx.kubectl('describe', 'pod', pod.name)}`],
  });
}
