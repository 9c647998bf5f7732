// The container runs but never becomes Ready, and the kubelet says why: `Unhealthy: Readiness probe
// failed: HTTP probe failed with statuscode: 503`. Not a crash (nothing restarts), not the backend's
// fault: the analyzer itself reports it is not ready.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { podErrorEvidence, s } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { eventLine, lastEvent } from './events';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

export function readinessFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  if (pod.runningMs === null || pod.readyMs !== null) return null;
  const unhealthy = lastEvent(a, pod.name, ['Unhealthy'], (m) => m.startsWith('Readiness probe failed'));
  if (!unhealthy) return null;
  const notReady = pod.latest.conditions.find((c) => c.type === 'Ready' && c.status !== 'True');
  return verdict({
    id: 'pod_failed',
    cause: 'readiness_probe_failing',
    title: 'Pod running but never Ready: its readiness probe keeps failing',
    summary: `Pod ${pod.name} was Running at ${s(pod.runningMs)} but never became Ready ${ctx.ended}: ${unhealthy.event.message}. The consumer never became ready.`,
    evidence: [
      eventLine(unhealthy),
      notReady
        ? `pod condition Ready ${notReady.status}${notReady.reason ? ` (${notReady.reason})` : ''}${notReady.message ? `: ${notReady.message}` : ''}`
        : '',
      podErrorEvidence(a),
      ...failureContext(a),
    ],
    suggestions: [
      'The analyzer answers its readiness probe with a failure (message above): see what it is still waiting for (RabbitMQ, the GPU, its model) in its output.',
      `Its output: ${ctx.kubectl('logs', pod.name)}`,
      `The probe's settings (path, port, thresholds): ${ctx.kubectl('describe', 'pod', pod.name)}`,
    ],
  });
}
