// Entry of dist/engine.js: what the shell needs from the engine, loaded on the first probe (or the
// first command that reads the kubeconfig) through `./lazy`, never at activation. Everything behind
// it — client-node, undici, amqplib — stays out of dist/extension.js. Import it only from `./lazy`.
import { describeError } from '../probe/errors';
import { resolveKubeconfig } from '../probe/kube/kubeconfig';
import { kubeGetJson } from '../probe/kube/kubeHttp';

export { contextChoices } from './kubeContexts';
export { readPodLog } from './podLogs';
export { podEvents, podYaml, readPod } from './kube/podReads';
export { ProbeSession } from './probeSession';
export { chromeTraceOf } from '../probe/trace/chromeTrace';
export { otlpTraceOf } from '../probe/trace/otlpTrace';
/** For dist/sandbox.js, whose real-broker mode uses amqplib: one copy, the engine's (see esbuild.js). */
export * as amqplib from 'amqplib';

export interface NamespaceChoices {
  /** The namespace the probe would watch now: the setting, else the kube context's. */
  current: string;
  /** The cluster's namespaces, sorted; empty when they could not be listed. */
  names: string[];
  /** Why `names` is empty, in one sentence ('' when the cluster answered). */
  why: string;
}

/**
 * Lists the namespaces through the kubeconfig (file and context) the probe would use. A cluster that
 * cannot be asked leaves `names` empty with the reason; only an unusable kubeconfig or context throws.
 */
export async function namespaceChoices(settings: { kubeconfig: string; context: string; namespace: string }): Promise<NamespaceChoices> {
  const kube = resolveKubeconfig({ kubeconfig: settings.kubeconfig || undefined, context: settings.context || undefined });
  const current = settings.namespace || kube.namespace;
  if (!kube.found) return { current, names: [], why: kube.reason };
  try {
    const list = await kubeGetJson<{ items?: { metadata?: { name?: string } }[] }>(kube.kc, '/api/v1/namespaces', {
      signal: AbortSignal.timeout(8_000),
      timeoutMs: 5_000,
    });
    return {
      current,
      names: (list.items ?? [])
        .map((i) => i.metadata?.name ?? '')
        .filter(Boolean)
        .sort(),
      why: '',
    };
  } catch (e) {
    return { current, names: [], why: describeError(e) };
  }
}
