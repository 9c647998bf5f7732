// Inside a pod, with no kubeconfig: the pod's service account, found where every in-cluster client
// (client-go's rest.InClusterConfig, kubectl in a pod) finds it. The API server is
// https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, trusted through the mounted ca.crt; the
// bearer token is the mounted `token` file, which the kubelet rotates (projected tokens live about an
// hour): it is never copied into the config but read by kubeCredentials.ts as a token file, which looks
// at the file before every request and reads it again when it changed, and again after a 401.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '../options';
import { attachUserAuth } from './kubeCredentials';

/** Where Kubernetes mounts the service account into every pod that automounts it. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Points the probe at another service-account folder (tests; a token mounted elsewhere). */
export const SERVICE_ACCOUNT_DIR_ENV = 'CONSUMER_PROBE_SERVICE_ACCOUNT_DIR';

/** The names the in-cluster KubeConfig gives its one cluster, user and context. */
const NAME = 'in-cluster';

export type InClusterResult =
  { found: true; kc: KubeConfig; server: string; namespace: string; serviceAccountDir: string } | { found: false; reason: string };

/** Not in a pod (no KUBERNETES_SERVICE_HOST/PORT): null, and the caller says what it looked for instead. */
export function inClusterConfig(env: NodeJS.ProcessEnv, namespaceFlag?: string): InClusterResult | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return null;
  const dir = env[SERVICE_ACCOUNT_DIR_ENV] || SERVICE_ACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) {
    return {
      found: false,
      reason: `in a pod (KUBERNETES_SERVICE_HOST is set) but no service-account token at ${tokenFile} (automountServiceAccountToken: false?)`,
    };
  }
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  // Without ca.crt client-go logs and goes on with the system's CAs; so does the probe.
  const caFile = join(dir, 'ca.crt');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: NAME, server, skipTLSVerify: false, ...(existsSync(caFile) ? { caFile } : {}) }],
    users: [{ name: NAME }],
    contexts: [{ name: NAME, cluster: NAME, user: NAME }],
    currentContext: NAME,
  });
  attachUserAuth(kc, new Map([[NAME, { tokenFile, exec: null }]]));
  return { found: true, kc, server, namespace: namespaceFlag ?? namespaceOf(dir) ?? DEFAULT_NAMESPACE, serviceAccountDir: dir };
}

/** The pod's own namespace, from the mounted `namespace` file; null when absent or empty. */
function namespaceOf(dir: string): string | null {
  try {
    return readFileSync(join(dir, 'namespace'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
