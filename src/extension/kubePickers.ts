// QuickPicks for the kube context and namespace, read from the same kubeconfig the probe would use
// (through the engine, loaded on the first pick).
import * as vscode from 'vscode';
import type { Config } from './config';
import { loadEngine } from './lazy';

export async function pickContext(config: Config): Promise<string | undefined> {
  const settings = config.probeSettings();
  const { currentContext, choices } = loadEngine().contextChoices(settings.kubeconfig, settings.context);
  const items = choices.map((c) => ({
    label: c.name,
    description: [c.current ? 'current in kubeconfig' : '', c.namespace ? `namespace ${c.namespace}` : ''].filter(Boolean).join(' · '),
    detail: c.cluster,
    picked: c.chosen,
    iconPath: new vscode.ThemeIcon(c.chosen ? 'check' : 'blank'),
  }));
  const now = choices.find((c) => c.chosen)?.name ?? currentContext;
  const pick = await vscode.window.showQuickPick(items, { title: 'Kubernetes context for Consumer Probe', placeHolder: `now: ${now}` });
  if (!pick) return undefined;
  // The kubeconfig's current context is the default: store nothing for it, so kubectl changes follow.
  await config.update('context', pick.label === currentContext ? undefined : pick.label);
  return pick.label;
}

export async function pickNamespace(config: Config): Promise<string | undefined> {
  const settings = config.probeSettings();
  const { current, names, why } = await loadEngine().namespaceChoices(settings);
  let pick: string | undefined;
  if (names.length > 0) {
    const items = names.map((n) => ({
      label: n,
      description: n === current ? 'current' : '',
      iconPath: new vscode.ThemeIcon(n === current ? 'check' : 'blank'),
    }));
    pick = (await vscode.window.showQuickPick(items, { title: 'Namespace to watch', placeHolder: `now: ${current}` }))?.label;
  } else {
    pick = await vscode.window.showInputBox({
      title: 'Namespace to watch',
      value: current,
      prompt: `Namespaces could not be listed (${why || 'none found'}); type one.`,
      validateInput: (v) =>
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) ? undefined : 'A namespace is lower-case letters, digits and dashes.',
    });
  }
  if (pick === undefined) return undefined;
  await config.update('namespace', pick);
  return pick;
}
