// A container killed by the kernel for going over its memory limit: terminated with reason OOMKilled,
// exit code 137 (SIGKILL), now or as its last termination before a restart. The limit itself is in the
// pod's spec, which the probe's pod snapshot does not carry: the suggestion reads it.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { crashEvidence } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { containerLabel, containerName, exitText, isInit } from './containers';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

export function oomKilledFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  for (const c of pod.latest.containers) {
    const current = c.state === 'terminated' && c.reason === 'OOMKilled' ? c : null;
    const termination = current ?? (c.lastTerminated?.reason === 'OOMKilled' ? c.lastTerminated : null);
    if (!termination) continue;
    const label = containerLabel(c);
    const when = current ? 'ended' : `was restarted ${c.restartCount === 1 ? 'once' : `${c.restartCount} times`}; its last run ended`;
    const resources = ctx.kubectl(
      'get',
      'pod',
      pod.name,
      '-o',
      `jsonpath={.spec.${isInit(c) ? 'initContainers' : 'containers'}[?(@.name=="${containerName(c)}")].resources}`,
    );
    return verdict({
      id: 'pod_failed',
      cause: 'oom_killed',
      title: `Pod failed: ${label} ran out of memory (OOMKilled)`,
      summary: `Pod ${pod.name} failed: ${label} ${when} with ${exitText(termination)}: it used more memory than its limit allows. The consumer never became ready.`,
      evidence: [
        `${label} terminated with ${exitText(termination)}${termination.message ? `: ${termination.message}` : ''}`,
        c.state === 'waiting' && c.reason ? `${label} now ${c.reason}${c.message ? `: ${c.message}` : ''}` : '',
        crashEvidence(a),
        ...failureContext(a),
      ],
      suggestions: [
        `Raise the container's memory limit in the Job template, or make the job use less (a smaller channel or frequency range in the request). Its current requests and limits: ${resources}`,
      ],
    });
  }
  return null;
}
