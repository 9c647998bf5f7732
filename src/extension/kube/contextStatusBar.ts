// The status-bar item "⌘ context / namespace": where the next Run Probe looks. One click offers Select
// Context and Select Namespace. The names come from the kubeconfig through the engine, which activation
// does not load: until something loads it (a run, a pick) or a few seconds after activation, the item
// shows the settings as they are ("kubeconfig's context" for an empty one).
import * as vscode from 'vscode';
import { describeError } from '../../probe/errors';
import { DEFAULT_NAMESPACE } from '../../probe/options';
import type { Config } from '../config';
import { loadEngine } from '../lazy';

export const CONTEXT_MENU_COMMAND = 'consumerProbe.kubeContextMenu';
const RESOLVE_AFTER_MS = 3000;

export interface ContextLabel {
  context: string;
  namespace: string;
  tooltip: string;
}

/** The names the next cluster run will use, read from the kubeconfig (engine loaded). */
function resolvedLabel(config: Config): ContextLabel {
  const s = config.probeSettings();
  try {
    const { currentContext, choices, files } = loadEngine().contextChoices(s.kubeconfig, s.context);
    const chosen = choices.find((c) => c.chosen);
    const context = chosen?.name ?? currentContext;
    const namespace = s.namespace || chosen?.namespace || DEFAULT_NAMESPACE;
    return {
      context,
      namespace,
      tooltip: `Consumer Probe looks at context ${context}, namespace ${namespace} (kubeconfig ${files.join(', ')}).`,
    };
  } catch (e) {
    return { context: 'no kubeconfig', namespace: s.namespace || DEFAULT_NAMESPACE, tooltip: `Consumer Probe: ${describeError(e)}.` };
  }
}

function settingsLabel(config: Config): ContextLabel {
  const s = config.probeSettings();
  return {
    context: s.context || "kubeconfig's context",
    namespace: s.namespace || "context's namespace",
    tooltip: 'Consumer Probe: the context and namespace of the next Run Probe.',
  };
}

export class ContextStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('consumerProbe.kubeContext', vscode.StatusBarAlignment.Left, 9);
  private readonly subscriptions: vscode.Disposable[] = [];
  private resolved = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly config: Config) {
    this.item.name = 'Consumer Probe: Kubernetes context';
    this.item.command = CONTEXT_MENU_COMMAND;
    this.show(settingsLabel(config));
    this.item.show();
    this.timer = setTimeout(() => this.refresh(), RESOLVE_AFTER_MS);
    this.timer.unref?.();
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration('consumerProbe.kubeconfig') ||
          e.affectsConfiguration('consumerProbe.context') ||
          e.affectsConfiguration('consumerProbe.namespace')
        ) {
          this.refresh();
        }
      }),
      // `kubectl config use-context` elsewhere changes the kubeconfig: look again when the user comes back.
      vscode.window.onDidChangeWindowState((w) => w.focused && this.resolved && this.refresh()),
    );
  }

  /** The label shown now (for tests). */
  get label(): ContextLabel {
    return this.current;
  }

  private current: ContextLabel = { context: '', namespace: '', tooltip: '' };

  refresh(): void {
    this.resolved = true;
    this.show(resolvedLabel(this.config));
  }

  private show(label: ContextLabel): void {
    this.current = label;
    this.item.text = `$(symbol-namespace) ${label.context} / ${label.namespace}`;
    this.item.tooltip = `${label.tooltip} Click to change.`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/** What a click on the item offers. */
export async function contextMenu(): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: '$(symbol-namespace) Select Kubernetes Context…', command: 'consumerProbe.selectContext' },
      { label: '$(list-tree) Select Namespace…', command: 'consumerProbe.selectNamespace' },
    ],
    { title: 'Consumer Probe: where the next probe looks' },
  );
  if (pick) await vscode.commands.executeCommand(pick.command);
}
