// What the cluster autoscaler said about the waiting pod. `TriggeredScaleUp` (`pod triggered scale-up:
// [{gpu-pool 2->3 (max: 4)}]`): a node is on its way and the pod is waiting for it, which is not the same
// as a full cluster. `NotTriggerScaleUp` (`pod didn't trigger scale-up: 1 max node group size reached`):
// the cluster cannot grow for it. Its latest word counts.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { backendErrorEvidence, gpuHolderEvidence, metadataEvidence, s } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { eventLine, lastEvent } from './events';
import { pendingSummary } from './pendingSummary';
import { readSchedulerMessage, schedulerMessage } from './scheduling';
import { verdict } from './verdict';

export const AUTOSCALER_REASONS = ['TriggeredScaleUp', 'NotTriggerScaleUp'] as const;

export function autoscalerFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const said = lastEvent(a, pod.name, AUTOSCALER_REASONS);
  if (!said) return null;
  const scheduler = schedulerMessage(a, pod);
  const waitsForGpu = scheduler !== null && readSchedulerMessage(scheduler.message).cause === 'unschedulable_gpu';
  const common = [scheduler?.line ?? '', ...(waitsForGpu ? gpuHolderEvidence(a) : []), metadataEvidence(a), backendErrorEvidence(a)];
  const autoscalerStatus = ctx.kubectlClusterWide('-n', 'kube-system', 'describe', 'configmap', 'cluster-autoscaler-status');
  if (said.event.reason === 'TriggeredScaleUp') {
    const endMs = a.end.atMs ?? ctx.timeoutMs;
    const waited = Math.max(0, endMs - said.event.atMs);
    return verdict({
      id: 'pod_pending',
      cause: 'waiting_for_scale_up',
      title: 'Pod waiting for a new node: the cluster autoscaler is scaling up',
      summary:
        `${pendingSummary(pod, ctx)}: the cluster autoscaler started adding a node for it at ${s(said.event.atMs)}, ` +
        `and the pod had waited ${s(waited)} for that node when the run ended.`,
      evidence: [eventLine(said), `waiting for the new node: ${s(waited)} (from ${s(said.event.atMs)} to ${s(endMs)})`, ...common],
      suggestions: [
        'A node is being added for this pod: probe again once it has joined, or with a longer --timeout (a new GPU node often takes minutes to become ready).',
        `Watch the node join: ${ctx.kubectlClusterWide('get', 'nodes', '--watch')}`,
        `See the scale-up's progress: ${autoscalerStatus}`,
      ],
    });
  }
  return verdict({
    id: 'pod_pending',
    cause: 'scale_up_impossible',
    title: 'Pod never started: the cluster autoscaler cannot add a node for it',
    summary: `${pendingSummary(pod, ctx)}: no node has room and the cluster autoscaler will not add one (${said.event.message}).`,
    evidence: [eventLine(said), ...common],
    suggestions: [
      "The autoscaler's message says why no node group can take the pod: raise that node group's maximum size, or add a node group whose nodes have what the pod requests.",
      `The autoscaler's view of its node groups: ${autoscalerStatus}`,
    ],
  });
}
