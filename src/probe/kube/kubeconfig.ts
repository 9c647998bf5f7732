// Finds and loads the kubeconfig the way kubectl does: --kubeconfig, else KUBECONFIG (several paths,
// merged, first one wins for the current context), else ~/.kube/config. An explicit file that cannot be
// read stops the probe (exit 2); an absent default only means the cluster cannot be observed.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '../options';
import { ProbeError, describeError } from '../errors';

export interface KubeconfigRequest {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export type ResolvedKubeconfig =
  | { found: true; kc: KubeConfig; files: string[]; context: string; namespace: string; server: string }
  | { found: false; reason: string; namespace: string };

export function kubeconfigCandidates(req: KubeconfigRequest): { files: string[]; explicit: boolean; source: string } {
  if (req.kubeconfig) return { files: [req.kubeconfig], explicit: true, source: '--kubeconfig' };
  const fromEnv = (req.env ?? process.env).KUBECONFIG;
  if (fromEnv) return { files: fromEnv.split(delimiter).filter(Boolean), explicit: false, source: 'KUBECONFIG' };
  return { files: [join(req.home ?? homedir(), '.kube', 'config')], explicit: false, source: '~/.kube/config' };
}

function loadFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : describeError(e);
    throw new ProbeError('KUBECONFIG_UNREADABLE', `cannot read kubeconfig ${file}: ${why}`, { cause: e });
  }
  return kc;
}

export function resolveKubeconfig(req: KubeconfigRequest): ResolvedKubeconfig {
  const { files, explicit, source } = kubeconfigCandidates(req);
  const present = explicit ? files : files.filter((f) => existsSync(f));
  if (present.length === 0) {
    return {
      found: false,
      reason: `no kubeconfig found (${source}: ${files.join(delimiter)})`,
      namespace: req.namespace ?? DEFAULT_NAMESPACE,
    };
  }
  const kc = loadFile(present[0]!);
  for (const file of present.slice(1)) kc.mergeConfig(loadFile(file), true);

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
    if (explicit) throw new ProbeError('KUBECONFIG_UNREADABLE', `kubeconfig ${present[0]} has no usable current context`);
    return {
      found: false,
      reason: `kubeconfig ${present[0]} has no usable current context`,
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
