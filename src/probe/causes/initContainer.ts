// An init container failed, so the analyzer container never started: it exited non-zero (`Init:Error`)
// or keeps doing so (`Init:CrashLoopBackOff`). Its own output says why, under its own name.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { FAILED_WAITING_REASONS } from '../podState';
import type { RuleContext } from './context';
import { containerLabel, containerName, exitText, isInit } from './containers';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

export function initContainerFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const c = pod.latest.containers.find(
    (x) =>
      isInit(x) &&
      ((x.state === 'terminated' && x.exitCode !== 0) ||
        (x.state === 'waiting' && x.reason !== null && (FAILED_WAITING_REASONS.has(x.reason) || x.lastTerminated !== null))),
  );
  if (!c) return null;
  const termination = c.state === 'terminated' ? { reason: c.reason, exitCode: c.exitCode, message: c.message } : c.lastTerminated;
  const label = containerLabel(c);
  const name = containerName(c);
  const how = termination ? exitText(termination) : (c.reason ?? 'failed');
  const restarts = c.restartCount > 0 ? ` after ${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}` : '';
  return verdict({
    id: 'pod_failed',
    cause: 'init_container_failed',
    title: `Pod failed: init container ${name} failed${termination ? ` with ${how}` : ` (${how})`}`,
    summary: `Pod ${pod.name} never started its containers: ${label} ended with ${how}${restarts}. The consumer never became ready.`,
    evidence: [
      termination ? `${label} terminated with ${exitText(termination)}${termination.message ? `: ${termination.message}` : ''}` : '',
      c.state === 'waiting' ? `${label} ${c.reason}${c.message ? `: ${c.message}` : ''}` : '',
      ...failureContext(a),
    ],
    suggestions: [
      `Read the init container's output: ${ctx.kubectl('logs', pod.name, '-c', name, ...(c.state === 'waiting' ? ['--previous'] : []))}`,
      'An init container usually waits for or prepares something the analyzer needs (a service, a file, a migration): make that available.',
    ],
  });
}
