// The kube contexts a user can pick, read from the same kubeconfig the probe would use. Pure data (no
// `vscode`), so the marking of the current and the chosen context is unit-tested.
import { resolveKubeconfig } from '../probe/kube/kubeconfig';

export interface ContextChoice {
  name: string;
  cluster: string;
  namespace: string | null;
  /** The kubeconfig's current-context. */
  current: boolean;
  /** What the probe will use: the setting when set, else the current context. */
  chosen: boolean;
}

export interface ContextChoices {
  files: string[];
  currentContext: string;
  choices: ContextChoice[];
}

/** Throws an Error with one sentence when there is no usable kubeconfig. */
export function contextChoices(kubeconfig: string, contextSetting: string, env: NodeJS.ProcessEnv = process.env): ContextChoices {
  const kube = resolveKubeconfig({ kubeconfig: kubeconfig || undefined, env });
  if (!kube.found) throw new Error(kube.reason);
  const chosen = contextSetting || kube.context;
  const choices = kube.kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    namespace: c.namespace ?? null,
    current: c.name === kube.context,
    chosen: c.name === chosen,
  }));
  if (choices.length === 0) throw new Error(`the kubeconfig ${kube.files.join(', ')} has no contexts`);
  return { files: kube.files, currentContext: kube.context, choices };
}
