// Activation: build the context, register the commands, and hand tests a small API. VS Code shows
// nothing when activation throws, so say it and rethrow.
import * as vscode from 'vscode';
import { userMessage } from '../probe/errors';
import { registerCommands } from './commands';
import { ProbeCtx } from './ctx';
import type { RunRecord } from './runRecord';
import type { RunTreeProvider } from './tree/runTree';
import type { Sandbox } from '../sandbox/sandbox';

/** What `activate` returns: used by the in-VS-Code tests, stable enough for other extensions. */
export interface ConsumerProbeApi {
  runs(): readonly RunRecord[];
  isRunning(): boolean;
  readonly tree: RunTreeProvider;
  readonly onDidEndRun: vscode.Event<RunRecord>;
  /** The embedded sandbox, once a sandbox run started it. */
  sandbox(): Sandbox | undefined;
  /** The status bar's text, undefined while it is hidden. */
  statusText(): string | undefined;
  /** The report tabs open now: the run each shows, and whether it is pinned to it. */
  reportPanels(): { runId: string | undefined; pinned: boolean }[];
  /** The ids of the tree nodes selected now. */
  treeSelection(): string[];
}

let ctx: ProbeCtx | undefined;

export function activate(context: vscode.ExtensionContext): ConsumerProbeApi {
  try {
    const c = new ProbeCtx(context);
    ctx = c;
    registerCommands(c);
    return {
      runs: () => c.allRuns,
      isRunning: () => c.running,
      tree: c.tree,
      onDidEndRun: c.onDidEndRun,
      sandbox: () => c.sandbox,
      statusText: () => c.statusText,
      reportPanels: () => c.reportPanels,
      treeSelection: () => c.treeSelection,
    };
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot activate Consumer Probe: ${userMessage(e)}`);
    throw e;
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.shutdown();
  ctx = undefined;
}
