// QuickPicks for the kube context and namespace, read from the same kubeconfig the probe would use
// (through the engine, loaded on the first pick). The current choice is the active item, so Enter
// keeps it; a context goes to the workspace or the user settings, as the user says.
import * as vscode from 'vscode';
import type { Config } from './config';
import { loadEngine } from './lazy';

const SECTION = 'consumerProbe';

/** Shows `items` with `active` highlighted (the list opens on it); resolves with the accepted item. */
function pickWithActive<T extends vscode.QuickPickItem>(
  items: T[],
  active: T | undefined,
  title: string,
  placeholder: string,
): Promise<T | undefined> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = title;
  qp.placeholder = placeholder;
  qp.items = items;
  if (active) qp.activeItems = [active];
  return new Promise((resolve) => {
    let chosen: T | undefined;
    qp.onDidAccept(() => {
      chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      resolve(chosen);
    });
    qp.show();
  });
}

/** Where a context choice is stored: asked only when a workspace is open (else there is only one place). */
async function settingsTarget(key: string): Promise<vscode.ConfigurationTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string>(key);
  const items = [
    { label: 'This workspace', description: 'workspace settings', target: vscode.ConfigurationTarget.Workspace },
    {
      label: 'All workspaces',
      description: inspected?.workspaceValue ? 'user settings (the workspace value is removed, else it would win)' : 'user settings',
      target: vscode.ConfigurationTarget.Global,
    },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `Save the ${key} for`,
    placeHolder: 'Where should Consumer Probe remember it?',
  });
  return pick?.target;
}

async function store(key: 'context', value: string | undefined): Promise<boolean> {
  const target = await settingsTarget(key);
  if (target === undefined) return false;
  const cfg = vscode.workspace.getConfiguration(SECTION);
  // A workspace value overrides the user's: choosing the user settings means the workspace one goes.
  if (target === vscode.ConfigurationTarget.Global && cfg.inspect(key)?.workspaceValue !== undefined) {
    await cfg.update(key, undefined, vscode.ConfigurationTarget.Workspace);
  }
  await cfg.update(key, value, target);
  return true;
}

export async function pickContext(config: Config): Promise<string | undefined> {
  const settings = config.probeSettings();
  const { currentContext, choices } = loadEngine().contextChoices(settings.kubeconfig, settings.context);
  const items = choices.map((c) => ({
    label: c.name,
    description: [c.chosen ? 'current' : '', c.current ? 'kubeconfig default' : '', c.namespace ? `namespace ${c.namespace}` : '']
      .filter(Boolean)
      .join(' · '),
    detail: c.cluster,
    iconPath: new vscode.ThemeIcon(c.chosen ? 'check' : 'blank'),
  }));
  const now = choices.find((c) => c.chosen)?.name ?? currentContext;
  const pick = await pickWithActive(
    items,
    items.find((i) => i.label === now),
    'Kubernetes context for Consumer Probe',
    `now: ${now}`,
  );
  if (!pick) return undefined;
  // The kubeconfig's current context is the default: store nothing for it, so kubectl changes follow.
  if (!(await store('context', pick.label === currentContext ? undefined : pick.label))) return undefined;
  return pick.label;
}

export async function pickNamespace(config: Config): Promise<string | undefined> {
  const settings = config.probeSettings();
  const { current, names, why } = await loadEngine().namespaceChoices(settings);
  let pick: string | undefined;
  if (names.length > 0) {
    const listed = names.includes(current);
    const items = [...(listed ? [] : [current]), ...names].map((n) => ({
      label: n,
      description: n === current ? (listed ? 'current' : 'current · not listed by the cluster') : '',
      iconPath: new vscode.ThemeIcon(n === current ? 'check' : 'blank'),
    }));
    pick = (
      await pickWithActive(
        items,
        items.find((i) => i.label === current),
        'Namespace to watch',
        `now: ${current}`,
      )
    )?.label;
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
