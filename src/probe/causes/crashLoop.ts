// The analyzer container starts and dies, again and again: CrashLoopBackOff, or restarts with a last
// termination. Its last words (the exception closing its output) are the decisive line; when the
// kubelet killed it for failing its liveness or startup probe, the probe's message is.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { crashEvidence, crashedContainer } from '../diagnoseEvidence';
import { podFailure } from '../podState';
import type { RuleContext } from './context';
import { containerLabel, containerName, exitText, isInit } from './containers';
import { eventLine, lastEvent } from './events';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

const PROBE_KILLS = /^(Liveness|Startup) probe failed/;

export function crashLoopFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const c = pod.latest.containers.find(
    (x) => !isInit(x) && ((x.state === 'waiting' && x.reason === 'CrashLoopBackOff') || (x.restartCount > 0 && x.lastTerminated !== null)),
  );
  if (!c) return null;
  const label = containerLabel(c);
  const failure = podFailure(pod.latest) ?? `${label} restarted ${c.restartCount} times`;
  const probeKill = lastEvent(a, pod.name, ['Unhealthy'], (m) => PROBE_KILLS.test(m));
  const killing = lastEvent(a, pod.name, ['Killing'], (m) => /probe/.test(m));
  const backOff = lastEvent(a, pod.name, ['BackOff'], (m) => /restarting failed container/.test(m));
  const crash = crashedContainer(a);
  const last = c.lastTerminated;
  return verdict({
    id: 'pod_failed',
    cause: 'crash_loop',
    title: probeKill
      ? `Pod failed: ${label} is restarted because its ${/^Startup/.test(probeKill.event.message) ? 'startup' : 'liveness'} probe fails`
      : `Pod failed: ${label} keeps crashing${last ? `, last ${exitText(last)}` : ''}`,
    summary: `Pod ${pod.name} failed: ${failure}. The consumer never became ready.`,
    evidence: [
      failure,
      last?.message ? `${label}'s last termination message: ${last.message}` : '',
      eventLine(probeKill),
      eventLine(killing),
      eventLine(backOff),
      crashEvidence(a),
      ...failureContext(a),
    ],
    suggestions: [
      ...(crash
        ? [`The container ended with "${crash.line.trim()}" on every start: fix that first (its last lines are in the report).`]
        : []),
      ...(probeKill
        ? [
            'The kubelet kills the container because its probe fails (message above): make the probe match how long the analyzer needs to start and answer (initialDelaySeconds, a startupProbe), or fix what it checks.',
          ]
        : []),
      `Read the crashed container's output: ${ctx.kubectl('logs', pod.name, '-c', containerName(c), '--previous')}`,
      'A crash at start usually means bad configuration from the backend (payload, stream settings) or an unreachable RabbitMQ.',
    ],
  });
}
