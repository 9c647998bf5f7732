// The consumer became ready: healthy within the threshold; beyond it, slow — on the pod's side when the
// pod's start took more of the time than what came after it, else on the backend's.
import type { Analysis } from '../analysis';
import type { Scenario } from '../model';
import { brokerEvidence, clusterUnobservedReason, s } from '../diagnoseEvidence';
import { PODS_NOT_OBSERVED } from '../phrasing';
import type { RuleContext } from './context';
import { slowConsumerFinding } from './slowConsumer';
import { slowPodStartFinding } from './slowPodStart';
import { verdict } from './verdict';

export function readyFinding(a: Analysis, ctx: RuleContext, ready: number): Scenario {
  const t = a.timings;
  const evidence = [`GET /metadata/${a.jobId} answered ${a.metadataAttempts.find((m) => m.atMs === ready)?.status ?? 200} at ${s(ready)}`];
  if (t.podReadyMs !== null) evidence.push(`pod ${a.primary?.name} ready at ${s(t.podReadyMs)}`);
  const unobserved = clusterUnobservedReason(a);
  if (unobserved) evidence.push(`${PODS_NOT_OBSERVED}${unobserved}`);
  if (a.namespaceMissing !== null)
    evidence.push(`${PODS_NOT_OBSERVED}the namespace ${ctx.namespace} does not exist (${a.namespaceMissing})`);
  if (ready <= ctx.slowThresholdMs) {
    return verdict({
      id: 'healthy',
      cause: null,
      title: 'Consumer ready',
      summary: `The consumer for job ${a.jobId} was ready after ${s(ready)} (threshold ${s(ctx.slowThresholdMs)}).`,
      evidence: [...evidence, ...brokerEvidence(a)],
      suggestions: [],
    });
  }
  const podStart = t.podReadyMs ?? t.podRunningMs;
  if (podStart !== null && podStart > ready - podStart) return slowPodStartFinding(a, ctx, ready, podStart, evidence);
  return slowConsumerFinding(a, ctx, ready, podStart, [...evidence, ...brokerEvidence(a)]);
}
