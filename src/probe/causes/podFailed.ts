// pod_failed: the first rule whose cause the pod shows names it. The order matters where one failure
// looks like another: an evicted pod's containers were killed (not crashed), an OOMKilled container
// also loops in CrashLoopBackOff, an image that cannot be pulled also leaves the pod waiting, and a Job
// that gave up did so because its container kept failing.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import type { RuleContext } from './context';
import { containerConfigFinding } from './containerConfig';
import { containerErrorFinding, jobFailedFinding } from './containerError';
import { crashLoopFinding } from './crashLoop';
import { evictedFinding } from './evicted';
import { imagePullFinding } from './imagePull';
import { initContainerFinding } from './initContainer';
import { oomKilledFinding } from './oomKilled';
import { readinessFinding } from './readiness';

type PodRule = (a: Analysis, pod: AnalysedPod, ctx: RuleContext) => Scenario | null;

const RULES: readonly PodRule[] = [
  evictedFinding,
  imagePullFinding,
  containerConfigFinding,
  oomKilledFinding,
  initContainerFinding,
  // The Job controller's verdict outranks the restarts that led to it (backoffLimit 0 allows one failure).
  jobFailedFinding,
  crashLoopFinding,
  containerErrorFinding,
  readinessFinding,
];

/** The pod's failure, or null when nothing says it failed (then it is pending, or it ran). */
export function podFailedFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  for (const rule of RULES) {
    const found = rule(a, pod, ctx);
    if (found) return found;
  }
  return null;
}
