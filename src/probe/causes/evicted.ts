// The pod was put out by the cluster, not crashed by its program: the kubelet evicted it when the node
// ran short of a resource (`The node was low on resource: memory. Threshold quantity: 100Mi, available:
// 63500Ki. Container baby-analyzer was using 3812532Ki, request is 2Gi, …`), or the scheduler preempted
// it for a pod of higher priority. Its logs show nothing wrong, so no crash advice is given here.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { s } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { eventLine, lastEvent } from './events';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

/** Why the pod was put out, in the cluster's own words; null when it was not. */
function eviction(a: Analysis, pod: AnalysedPod): { how: 'evicted' | 'preempted'; lines: string[]; message: string } | null {
  const snapshot = pod.latest;
  const event = lastEvent(a, pod.name, ['Evicted']);
  const preempted = lastEvent(a, pod.name, ['Preempted']);
  const target = snapshot.conditions.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  if (snapshot.statusReason === 'Evicted' || event) {
    const status = snapshot.statusReason === 'Evicted' ? snapshot.statusMessage : null;
    const message = status ?? event?.event.message ?? '';
    // The kubelet writes the same words into the pod's status and its event: quote them once.
    const lines = [status !== null ? `pod Evicted: ${status}` : '', event && event.event.message !== status ? eventLine(event) : ''];
    return { how: 'evicted', lines, message };
  }
  if (preempted || target?.reason === 'PreemptionByScheduler') {
    const message = preempted?.event.message ?? target?.message ?? '';
    return { how: 'preempted', lines: [preempted ? eventLine(preempted) : `DisruptionTarget (${target!.reason}): ${message}`], message };
  }
  if (target) {
    const message = target.message ?? target.reason ?? '';
    return { how: 'evicted', lines: [`DisruptionTarget (${target.reason ?? 'unknown'}): ${message}`], message };
  }
  return null;
}

export function evictedFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const found = eviction(a, pod);
  if (!found) return null;
  const resource = /low on resource: ([\w.-]+?)\.?(\s|$)/.exec(found.message)?.[1] ?? null;
  const node = pod.node;
  const title =
    found.how === 'preempted'
      ? 'Pod failed: preempted by a pod of higher priority'
      : resource
        ? `Pod failed: evicted, the node was low on ${resource}`
        : 'Pod failed: evicted by the cluster';
  const advice =
    found.how === 'preempted'
      ? [
          "A higher-priority pod took the pod's place: give the Job's pods a PriorityClass that fits their importance, or keep capacity free for them.",
        ]
      : resource === 'memory' || resource === 'ephemeral-storage'
        ? [
            `The node ran short of ${resource}, and the kubelet put out the pods using more than they requested: set the container's ${resource} request to what it really uses, so the scheduler only places it where that fits.`,
          ]
        : ['The kubelet evicted the pod to protect the node (its message above says what ran short).'];
  return verdict({
    id: 'pod_failed',
    cause: 'evicted',
    title,
    summary: `Pod ${pod.name} was ${found.how === 'preempted' ? 'preempted' : 'evicted'}${node ? ` from ${node}` : ''} (seen at ${s(pod.lastSeenMs)})${found.message.trim() ? `: ${found.message.trim().replace(/\.$/, '')}` : ''}. The consumer never became ready.`,
    evidence: [...found.lines, ...failureContext(a)],
    suggestions: [
      ...advice,
      node ? `See the node's conditions and what runs on it: ${ctx.kubectlClusterWide('describe', 'node', node)}` : '',
    ],
  });
}
