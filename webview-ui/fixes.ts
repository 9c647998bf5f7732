// Which buttons lead to the fix of a diagnosis (a setting, a picker), decided from its cause code and,
// where the code is not enough, its words. Only fixes from the closed list in protocol.ts: the host
// runs nothing else.
import type { Fix } from '../src/extension/report/protocol';
import type { Scenario } from '../src/probe/model';

export interface FixAction {
  label: string;
  fix: Fix;
}

const FIX = {
  kubeconfig: { label: 'Open Setting: Kubeconfig', fix: { kind: 'openSetting', key: 'consumerProbe.kubeconfig' } },
  backendUrl: { label: 'Open Setting: Backend URL', fix: { kind: 'openSetting', key: 'consumerProbe.backendUrl' } },
  backendCa: { label: 'Open Setting: Backend CA', fix: { kind: 'openSetting', key: 'consumerProbe.backendCaFile' } },
  context: { label: 'Select Context', fix: { kind: 'command', id: 'consumerProbe.selectContext' } },
  namespace: { label: 'Select Namespace', fix: { kind: 'command', id: 'consumerProbe.selectNamespace' } },
  broker: { label: 'Set RabbitMQ Credentials', fix: { kind: 'command', id: 'consumerProbe.setBrokerCredentials' } },
  token: { label: 'Set Backend Token', fix: { kind: 'command', id: 'consumerProbe.setBackendToken' } },
} as const satisfies Record<string, FixAction>;

/** The broker refused the probe's credentials (management API 401, AMQP ACCESS_REFUSED). */
const BROKER_REFUSED = /(rabbitmq|management api|amqp|broker)[^\n]*(\b401\b|refused the credentials|access_refused|unauthori[sz]ed)/i;
/** The backend wants credentials. */
const BACKEND_REFUSED = /\b40[13]\b|wants credentials|unauthori[sz]ed|forbidden/i;

/** The buttons that lead to the fix of a diagnosis: decided from its cause code, and its words where the code is not enough. */
export function fixesFor(s: Pick<Scenario, 'id' | 'cause' | 'summary' | 'evidence'>): FixAction[] {
  const fixes: FixAction[] = [];
  const text = [s.summary, ...s.evidence].join('\n');
  if (s.id === 'cluster_unavailable') {
    if (s.cause === 'no_kubeconfig') fixes.push(FIX.kubeconfig, FIX.context);
    else fixes.push(FIX.context, FIX.kubeconfig);
  } else if (s.id === 'configure_failed') {
    if (s.cause === 'tls_error') fixes.push(FIX.backendCa, FIX.backendUrl);
    else if (s.cause === 'http_error' && BACKEND_REFUSED.test(text)) fixes.push(FIX.token);
    else fixes.push(FIX.backendUrl);
  } else if (s.id === 'pod_never_created' && s.cause === 'namespace_not_found') {
    fixes.push(FIX.namespace);
  } else if (s.id === 'consumer_never_ready' && (s.cause === 'metadata_failing' || s.cause === 'backend_error')) {
    if (s.evidence.some((e) => /metadata/i.test(e) && BACKEND_REFUSED.test(e))) fixes.push(FIX.token);
  }
  if (s.evidence.some((e) => BROKER_REFUSED.test(e))) fixes.push(FIX.broker);
  return fixes;
}
