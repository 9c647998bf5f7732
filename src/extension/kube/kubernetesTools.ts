// "Reveal in Kubernetes View" through the public API of the Kubernetes extension
// (ms-kubernetes-tools.vscode-kubernetes-tools; the contract the `vscode-kubernetes-tools-api` package
// documents: `exports.get(component, version)` → `{available, api}`). That API can refresh its Clusters
// view (clusterexplorer v1 `refresh()`) and tell which kubeconfig it shows (configuration v1
// `getKubeconfigPath()`); it cannot select a node nor switch its kubeconfig or context. So the command
// refreshes and focuses the view, copies the pod's name (a tree filters as you type), and says where
// the pod is — or that the view shows another kubeconfig than the run's, when it does.
import * as vscode from 'vscode';
import { describeError } from '../../probe/errors';
import type { RunTarget } from '../runRecord';
import { revealMessage } from './revealMessage';

export const KUBERNETES_TOOLS_ID = 'ms-kubernetes-tools.vscode-kubernetes-tools';
/** The Kubernetes extension's Clusters view (its `<view id>.focus` command is VS Code's own). */
export const KUBERNETES_VIEW = 'extension.vsKubernetesExplorer';
/** Context key for the menus' `when` clauses. */
export const TOOLS_INSTALLED_KEY = 'consumerProbe.kubernetesToolsInstalled';

type Api<T> = { available: true; api: T } | { available: false; reason: string };

interface ApiBroker {
  get(component: string, version: string): Api<unknown>;
}

interface ClusterExplorerV1 {
  refresh(): void;
}

interface ConfigurationV1 {
  getKubeconfigPath(): { pathType: 'host'; hostPath: string } | { pathType: 'wsl'; wslPath: string };
}

export function kubernetesToolsInstalled(): boolean {
  return vscode.extensions.getExtension(KUBERNETES_TOOLS_ID) !== undefined;
}

/** Keeps the `when` key in step with the extension being installed or removed. */
export function trackKubernetesTools(): vscode.Disposable {
  const update = () => void vscode.commands.executeCommand('setContext', TOOLS_INSTALLED_KEY, kubernetesToolsInstalled());
  update();
  return vscode.extensions.onDidChange(update);
}

function component<T>(broker: ApiBroker | undefined, name: string, version: string): T | undefined {
  try {
    const found = broker?.get?.(name, version);
    return found?.available ? (found.api as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Refreshes and focuses the Kubernetes view; resolves with the sentence shown, or undefined when not installed. */
export async function revealInKubernetesView(pod: { name: string; namespace: string }, target: RunTarget): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<ApiBroker>(KUBERNETES_TOOLS_ID);
  if (!extension) {
    void vscode.window
      .showInformationMessage(
        'Reveal in Kubernetes View needs the Kubernetes extension (ms-kubernetes-tools.vscode-kubernetes-tools).',
        'Show Extension',
      )
      .then((choice) => choice && vscode.commands.executeCommand('workbench.extensions.search', KUBERNETES_TOOLS_ID));
    return undefined;
  }
  let broker: ApiBroker | undefined;
  try {
    broker = await extension.activate();
  } catch (e) {
    void vscode.window.showErrorMessage(`The Kubernetes extension did not start: ${describeError(e)}`);
    return undefined;
  }
  component<ClusterExplorerV1>(broker, 'clusterexplorer', 'v1')?.refresh();
  const path = component<ConfigurationV1>(broker, 'configuration', 'v1')?.getKubeconfigPath();
  const viewKubeconfig = path?.pathType === 'host' ? path.hostPath : undefined;
  await vscode.env.clipboard.writeText(pod.name);
  await vscode.commands.executeCommand(`${KUBERNETES_VIEW}.focus`);
  const message = revealMessage(pod, target, viewKubeconfig);
  void vscode.window.showInformationMessage(message);
  return message;
}
