// A kubeconfig for the simulated cluster, usable unchanged by kubectl and @kubernetes/client-node.
// It is written as JSON (a subset of YAML, which both accept) with the CA inline, so the file alone is
// enough to connect with full certificate verification.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  token: string;
  namespace: string;
  contextName?: string;
  userName?: string;
  clusterName?: string;
}

export function kubeconfigDocument(opts: KubeconfigOptions): object {
  const cluster = opts.clusterName ?? 'consumer-probe-sandbox';
  const context = opts.contextName ?? 'consumer-probe-sandbox';
  const user = opts.userName ?? 'consumer-probe';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: cluster,
        cluster: { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token: opts.token } }],
    contexts: [{ name: context, context: { cluster, user, namespace: opts.namespace } }],
    'current-context': context,
  };
}

/** Writes the kubeconfig (owner-only: it holds a token) and returns its path. */
export function writeKubeconfigFile(path: string, opts: KubeconfigOptions): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(kubeconfigDocument(opts), null, 2) + '\n', { mode: 0o600 });
  return path;
}
