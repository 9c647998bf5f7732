// CreateContainerConfigError: the kubelet could not build the container's configuration, almost always
// because something the pod template refers to is missing: `secret "rabbitmq-credentials" not found`,
// `configmap "focus-config" not found`, `couldn't find key password in Secret panda/rabbitmq-credentials`.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import type { RuleContext } from './context';
import { containerLabel } from './containers';
import { eventLine, lastEvent } from './events';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

export interface MissingReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** Set when the object exists but lacks this key. */
  key: string | null;
}

/** The ConfigMap or Secret (and key) the kubelet's message names as missing; null when it names none. */
export function missingReference(message: string): MissingReference | null {
  const object = /\b(configmap|secret) "([^"]+)" not found/i.exec(message);
  if (object) return { kind: object[1]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: object[2]!, key: null };
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) (?:[^/\s]+\/)?(\S+)/i.exec(message);
  if (key) return { kind: key[2]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: key[3]!, key: key[1]! };
  return null;
}

export function containerConfigFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const c = pod.latest.containers.find((x) => x.state === 'waiting' && x.reason === 'CreateContainerConfigError');
  if (!c) return null;
  const event = lastEvent(a, pod.name, ['Failed'], (m) => m.startsWith('Error: ') && !/ErrImagePull|ImagePullBackOff/.test(m));
  const message = c.message ?? event?.event.message.replace(/^Error: /, '') ?? '';
  const missing = missingReference(message);
  const label = containerLabel(c);
  const title = !missing
    ? `Pod failed: ${label} could not be configured (CreateContainerConfigError)`
    : missing.key
      ? `Pod failed: key ${missing.key} is missing from ${missing.kind} ${missing.name}`
      : `Pod failed: ${missing.kind} ${missing.name} not found`;
  const kind = missing?.kind === 'Secret' ? 'secret' : 'configmap';
  return verdict({
    id: 'pod_failed',
    cause: 'create_container_config_error',
    title,
    summary: `Pod ${pod.name} never ran: ${label} could not be created (CreateContainerConfigError${message ? `: ${message}` : ''}). The consumer never became ready.`,
    evidence: [c.message ? `${label} CreateContainerConfigError: ${c.message}` : '', eventLine(event), ...failureContext(a)],
    suggestions: missing
      ? [
          `The Job's pod template refers to ${missing.kind} ${missing.name}${missing.key ? ` and its key ${missing.key}` : ''}, which namespace ${ctx.namespace} does not have: create it there, or fix the reference.`,
          // describe lists a Secret's keys without their values.
          `Check which keys it has: ${ctx.kubectl('describe', kind, missing.name)}`,
        ]
      : [`See what the kubelet could not resolve: ${ctx.kubectl('describe', 'pod', pod.name)}`],
  });
}
