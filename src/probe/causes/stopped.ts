// stopped: the user ended the run before a verdict. What was seen and what was not yet; no cause of
// failure is claimed, whatever the pods looked like when the run was cut short.
import type { Analysis } from '../analysis';
import { TIMING_KEYS, type Scenario } from '../model';
import { clusterUnobservedReason, s } from '../diagnoseEvidence';
import { PODS_NOT_OBSERVED, TIMING_LABELS } from '../phrasing';
import { verdict } from './verdict';

export function stoppedFinding(a: Analysis): Scenario {
  const seen = TIMING_KEYS.filter((k) => a.timings[k] !== null);
  const notYet = TIMING_KEYS.filter((k) => a.timings[k] === null);
  const pod = a.primary;
  // Only a run that got as far as watching says so: before the first word from the cluster, nothing is known yet.
  const unobserved = a.cluster.last?.state === 'unavailable' ? clusterUnobservedReason(a) : null;
  return verdict({
    id: 'stopped',
    cause: 'stopped_by_user',
    title: 'Stopped before a verdict',
    summary:
      `The probe was stopped at ${s(a.end.atMs)}, before ${a.jobId === null ? 'POST /configure answered' : `the consumer for job ${a.jobId} was ready`}. ` +
      `Nothing is concluded: ${seen.length ? `seen so far: ${seen.map((k) => TIMING_LABELS[k]).join(', ')}` : 'nothing was seen yet'}.`,
    evidence: [
      ...seen.map((k) => `${TIMING_LABELS[k]} at ${s(a.timings[k])}`),
      pod ? `pod ${pod.name}: ${pod.phase}${pod.ready ? ', ready' : ''}${pod.reason ? ` (${pod.reason})` : ''} when stopped` : '',
      unobserved ? `${PODS_NOT_OBSERVED}${unobserved}` : '',
      notYet.length ? `not seen before the stop: ${notYet.map((k) => TIMING_LABELS[k]).join(', ')}` : '',
    ],
    suggestions: ['Run the probe again and let it finish: the timeout ends it on its own.'],
  });
}
