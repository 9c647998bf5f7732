// Finds and loads the kubeconfig the way kubectl does: --kubeconfig, else KUBECONFIG (several paths,
// merged by kubectl's rules: see kubeconfigMerge.ts), else ~/.kube/config, else — in a pod — the pod's
// service account (inCluster.ts). An explicit file that cannot be read stops the probe (exit 2); an
// absent default only means the cluster cannot be observed.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '../options';
import { ProbeError, describeError } from '../errors';
import { inClusterConfig } from './inCluster';
import { attachUserAuth } from './kubeCredentials';
import { KubeconfigFileError, mergeKubeconfigFiles } from './kubeconfigMerge';

export interface KubeconfigRequest {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export type ResolvedKubeconfig =
  | {
      found: true;
      kc: KubeConfig;
      files: string[];
      /** '' in a pod: kubectl there finds the same service account without a context. */
      context: string;
      namespace: string;
      server: string;
      /** Set when the credentials are the pod's service account (no kubeconfig files). */
      serviceAccountDir?: string;
    }
  | { found: false; reason: string; namespace: string };

export function kubeconfigCandidates(req: KubeconfigRequest): { files: string[]; explicit: boolean; source: string } {
  if (req.kubeconfig) return { files: [req.kubeconfig], explicit: true, source: '--kubeconfig' };
  const fromEnv = (req.env ?? process.env).KUBECONFIG;
  if (fromEnv) return { files: fromEnv.split(delimiter).filter(Boolean), explicit: false, source: 'KUBECONFIG' };
  return { files: [join(req.home ?? homedir(), '.kube', 'config')], explicit: false, source: '~/.kube/config' };
}

/** Loads and merges the files as kubectl does (kubeconfigMerge.ts); an unreadable one stops the probe. */
function loadFiles(files: string[]): KubeConfig {
  try {
    const { kc, userAuth } = mergeKubeconfigFiles(files);
    attachUserAuth(kc, userAuth);
    return kc;
  } catch (e) {
    if (!(e instanceof KubeconfigFileError)) throw e;
    const cause = e.cause;
    const code = (cause as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : describeError(cause);
    throw new ProbeError('KUBECONFIG_UNREADABLE', `cannot read kubeconfig ${e.file}: ${why}`, { cause });
  }
}

export function resolveKubeconfig(req: KubeconfigRequest): ResolvedKubeconfig {
  const { files, explicit, source } = kubeconfigCandidates(req);
  const present = explicit ? files : files.filter((f) => existsSync(f));
  if (present.length === 0) {
    const noKubeconfig = `no kubeconfig found (${source}: ${files.join(delimiter)})`;
    const inCluster = inClusterConfig(req.env ?? process.env, req.namespace);
    if (inCluster?.found) {
      if (req.context) {
        throw new ProbeError(
          'BAD_ARGUMENT',
          `context "${req.context}" is not available: ${noKubeconfig}, and the pod's service account has no contexts`,
        );
      }
      return {
        found: true,
        kc: inCluster.kc,
        files: [],
        context: '',
        namespace: inCluster.namespace,
        server: inCluster.server,
        serviceAccountDir: inCluster.serviceAccountDir,
      };
    }
    return {
      found: false,
      reason: inCluster ? `${noKubeconfig}, and ${inCluster.reason}` : noKubeconfig,
      namespace: req.namespace ?? DEFAULT_NAMESPACE,
    };
  }
  const kc = loadFiles(present);

  if (req.context) {
    if (!kc.getContexts().some((c) => c.name === req.context)) {
      const known =
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      throw new ProbeError('BAD_ARGUMENT', `context "${req.context}" is not in the kubeconfig (contexts: ${known})`);
    }
    kc.setCurrentContext(req.context);
  }
  const contextName = kc.getCurrentContext();
  const context = kc.getContextObject(contextName);
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    const which = present.join(delimiter);
    const why = contextName ? `its current context "${contextName}" names no known cluster` : 'has no current context';
    if (explicit) throw new ProbeError('KUBECONFIG_UNREADABLE', `kubeconfig ${which} ${why}`);
    return {
      found: false,
      reason: `kubeconfig ${which} ${why}`,
      namespace: req.namespace ?? DEFAULT_NAMESPACE,
    };
  }
  return {
    found: true,
    kc,
    files: present,
    context: contextName,
    namespace: req.namespace ?? context.namespace ?? DEFAULT_NAMESPACE,
    server: cluster.server,
  };
}
