// Analysis → one scenario with its cause, evidence and what to do next. Pure. The cause families live
// in causes/, one module each, tried here in a fixed order; each names the concrete cause it saw (the
// event message, the waiting reason, the HTTP answer), never just the id, and names none it did not see.
import type { Analysis } from './analysis';
import type { Scenario } from './model';
import { clusterUnobservedReason } from './diagnoseEvidence';
import { clusterUnavailableFinding } from './causes/clusterUnavailable';
import { configureFinding } from './causes/configure';
import { consumerFinding } from './causes/consumer';
import { jobFailedFinding } from './causes/containerError';
import { ruleContext, type DiagnoseContext, type RuleContext } from './causes/context';
import { neverCreatedFinding } from './causes/neverCreated';
import { podFailedFinding } from './causes/podFailed';
import { podPendingFinding } from './causes/podPending';
import { readyFinding } from './causes/ready';
import { stoppedFinding } from './causes/stopped';

export type { DiagnoseContext } from './causes/context';

export function diagnose(a: Analysis, ctx: DiagnoseContext): Scenario {
  // A run stopped by the user before a verdict proves nothing about what would have happened next. A
  // consumer already ready, or a configure already refused, is a verdict the stop cannot take back.
  const verdictReached = a.timings.consumerReadyMs !== null || (a.jobId === null && a.configure.atMs !== null);
  const scenario = a.end.reason === 'aborted' && !verdictReached ? stoppedFinding(a) : diagnoseRun(a, ruleContext(a, ctx));
  const cut = a.configure.bodyCut;
  if (!cut) return scenario;
  const note = `POST /configure answered with a body longer than the probe reads: only its first ${cut.readBytes} bytes were looked at`;
  return { ...scenario, evidence: [...scenario.evidence, note] };
}

function diagnoseRun(a: Analysis, ctx: RuleContext): Scenario {
  if (a.jobId === null) return configureFinding(a, ctx);
  const ready = a.timings.consumerReadyMs;
  if (ready !== null) return readyFinding(a, ctx, ready);
  const pod = a.primary;
  const unobserved = clusterUnobservedReason(a);
  if (pod) {
    return (
      podFailedFinding(a, pod, ctx) ?? (pod.runningMs === null ? podPendingFinding(a, pod, ctx) : consumerFinding(a, pod, ctx, unobserved))
    );
  }
  // A Job that counts a failed pod had one, even when the probe never saw it.
  const jobFailed = unobserved ? null : jobFailedFinding(a, null, ctx);
  if (jobFailed) return jobFailed;
  if (unobserved) return clusterUnavailableFinding(a, ctx, unobserved);
  return neverCreatedFinding(a, ctx);
}
