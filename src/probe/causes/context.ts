// What every cause rule is given besides the analysis: the run's thresholds and the cluster the probe
// looked at, with the kubectl builders that aim a suggested command at that same cluster.
import type { Analysis } from '../analysis';
import { formatSeconds } from '../phrasing';
import { kubectlClusterWide, kubectlIn, type Kubectl, type KubectlTarget } from './kubectl';

/** What diagnosis needs to know about the run beyond its observations. */
export interface DiagnoseContext extends KubectlTarget {
  timeoutMs: number;
  slowThresholdMs: number;
}

export interface RuleContext extends DiagnoseContext {
  /** `kubectl [--kubeconfig F] [--context C] -n NS …`. */
  kubectl: Kubectl;
  /** The same without `-n`, for cluster-scoped objects. */
  kubectlClusterWide: Kubectl;
  /** How the run ended, for a sentence: `within the 5.000s timeout`, or `stopped at 2.100s`. */
  ended: string;
}

export function ruleContext(a: Analysis, ctx: DiagnoseContext): RuleContext {
  const ended =
    a.end.reason === 'aborted' ? `stopped at ${formatSeconds(a.end.atMs, 'never')}` : `within the ${formatSeconds(ctx.timeoutMs)} timeout`;
  return { ...ctx, kubectl: kubectlIn(ctx), kubectlClusterWide: kubectlClusterWide(ctx), ended };
}
