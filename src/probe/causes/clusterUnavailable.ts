// cluster_unavailable: the consumer was not ready and Kubernetes could not be watched, so nothing can
// be said about the pods. The reason the cluster gave (401, 403, unreachable, no kubeconfig) is the cause.
import type { Analysis } from '../analysis';
import type { CauseOf, ClusterUnavailableCode, Scenario } from '../model';
import { brokerEvidence, metadataEvidence } from '../diagnoseEvidence';
import { PODS_NOT_OBSERVED } from '../phrasing';
import type { RuleContext } from './context';
import { verdict } from './verdict';

type ClusterCause = CauseOf<'cluster_unavailable'>;

const CAUSES: Record<ClusterUnavailableCode, ClusterCause | null> = {
  NO_KUBECONFIG: 'no_kubeconfig',
  KUBECONFIG_UNREADABLE: 'no_kubeconfig',
  UNREACHABLE: 'unreachable',
  TLS_ERROR: 'tls_error',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  AUTH_PLUGIN_FAILED: 'auth_plugin_failed',
  ERROR: 'unreachable',
  DISABLED: null,
};

const TITLES: Record<ClusterCause, string> = {
  unauthorized: 'Consumer not ready; the cluster refused the credentials (401)',
  forbidden: 'Consumer not ready; the cluster forbids the probe to watch (403)',
  unreachable: 'Consumer not ready; the cluster could not be reached',
  tls_error: "Consumer not ready; the cluster's TLS certificate was refused",
  no_kubeconfig: 'Consumer not ready; no kubeconfig to observe the cluster with',
  auth_plugin_failed: "Consumer not ready; the kubeconfig's credential plugin failed",
};

export function clusterCause(access: Analysis['cluster']['last']): ClusterCause | null {
  if (access === null) return 'no_kubeconfig';
  return access.state === 'unavailable' ? CAUSES[access.code] : null;
}

export function clusterUnavailableFinding(a: Analysis, ctx: RuleContext, unobserved: string): Scenario {
  const cause = clusterCause(a.cluster.last);
  return verdict({
    id: 'cluster_unavailable',
    cause,
    title: cause ? TITLES[cause] : 'Consumer not ready; the cluster could not be observed',
    summary: `The consumer for job ${a.jobId} was not ready ${ctx.ended}, and Kubernetes could not be observed, so the pods are unknown.`,
    evidence: [`${PODS_NOT_OBSERVED}${unobserved}`, ...brokerEvidence(a), metadataEvidence(a)],
    suggestions: [
      'Give the probe read access: a Role with get/list/watch on pods, pods/log, events and batch jobs in the namespace (see README).',
      'Check the kubeconfig, context and namespace (--kubeconfig, --context, --namespace).',
    ],
  });
}
