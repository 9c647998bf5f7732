// QuickPicks for the kube context and namespace, read from the same kubeconfig the probe would use.
import * as vscode from 'vscode';
import { describeError } from '../probe/errors';
import { resolveKubeconfig } from '../probe/kube/kubeconfig';
import { kubeGetJson } from '../probe/kube/kubeHttp';
import type { Config } from './config';
import { contextChoices } from './kubeContexts';

export async function pickContext(config: Config): Promise<string | undefined> {
  const settings = config.probeSettings();
  const { currentContext, choices } = contextChoices(settings.kubeconfig, settings.context);
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
  const kube = resolveKubeconfig({ kubeconfig: settings.kubeconfig || undefined, context: settings.context || undefined });
  const current = settings.namespace || kube.namespace;
  let names: string[] = [];
  let why = '';
  if (kube.found) {
    try {
      const list = await kubeGetJson<{ items?: { metadata?: { name?: string } }[] }>(kube.kc, '/api/v1/namespaces', {
        signal: AbortSignal.timeout(8_000),
        timeoutMs: 5_000,
      });
      names = (list.items ?? []).map((i) => i.metadata?.name ?? '').filter(Boolean).sort();
    } catch (e) {
      why = describeError(e);
    }
  } else {
    why = kube.reason;
  }
  let pick: string | undefined;
  if (names.length > 0) {
    const items = names.map((n) => ({ label: n, description: n === current ? 'current' : '', iconPath: new vscode.ThemeIcon(n === current ? 'check' : 'blank') }));
    pick = (await vscode.window.showQuickPick(items, { title: 'Namespace to watch', placeHolder: `now: ${current}` }))?.label;
  } else {
    pick = await vscode.window.showInputBox({
      title: 'Namespace to watch',
      value: current,
      prompt: `Namespaces could not be listed (${why || 'none found'}); type one.`,
      validateInput: (v) => (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) ? undefined : 'A namespace is lower-case letters, digits and dashes.'),
    });
  }
  if (pick === undefined) return undefined;
  await config.update('namespace', pick);
  return pick;
}
