// The command table. Each entry is a small function of the context; commands that need a run, a
// pod or a report say so instead of doing nothing.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { userMessage } from '../probe/errors';
import { renderJson } from '../probe/report/json';
import { oneLine, podsNotObserved } from '../probe/report/format';
import { renderMarkdown } from '../probe/report/markdown';
import type { ProbeCtx } from './ctx';
import { traceExport } from './exportTrace';
import { registerPodActions } from './kube/podCommands';
import { pickContext, pickNamespace } from './kubePickers';
import { noBackendConfigured, noProbeRunning, noRunYet, showFailure } from './messages';
import { podLogUri } from './podLogDocuments';
import type { RunRecord } from './runRecord';
import { clusterRunTarget, probeOptionsFromSettings } from './settings';
import { exportBaseName } from './exportName';
import { pickSandboxScenario } from './sandboxScenarios';

/** What tree items, the status bar and the report page pass to commands. */
interface RunRef {
  runId?: string;
  pod?: { name: string; namespace: string };
}

type Handler = (ctx: ProbeCtx, ...args: unknown[]) => unknown;

function runRef(arg: unknown): RunRef {
  if (typeof arg === 'string') return { runId: arg };
  if (arg && typeof arg === 'object') return arg as RunRef;
  return {};
}

function reportOf(ctx: ProbeCtx, arg: unknown): RunRecord | undefined {
  const run = ctx.runById(runRef(arg).runId);
  if (!run?.report) noRunYet();
  return run?.report ? run : undefined;
}

/**
 * An export opens as an untitled document that already has its file name, `<job>-<scenario>.md`, in
 * the workspace folder: the tab says what it is, and Save writes it there without asking where.
 */
async function openExport(ctx: ProbeCtx, run: RunRecord, content: string, extension: string): Promise<void> {
  const uri = await exportUri(ctx, exportBaseName(run), extension);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  await editor.edit((edit) => edit.replace(all, content));
}

async function exportUri(ctx: ProbeCtx, base: string, extension: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
  const exists = (file: vscode.Uri) =>
    vscode.workspace.fs.stat(file).then(
      () => true,
      () => false,
    );
  // An open export of the same run is reused; a file already on disk gets a numbered sibling instead.
  for (let n = 1; n < 100; n++) {
    const file = vscode.Uri.joinPath(folder, n === 1 ? `${base}.${extension}` : `${base}-${n}.${extension}`);
    const untitled = file.with({ scheme: 'untitled' });
    if (open.has(untitled.toString()) || !(await exists(file))) return untitled;
  }
  ctx.log.warn(`export: ${base}.${extension} and 98 numbered siblings exist in ${folder.fsPath}`);
  return vscode.Uri.joinPath(folder, `${base}.${extension}`).with({ scheme: 'untitled' });
}

/** A pod from the argument, else one picked from the latest run. */
async function podOf(ctx: ProbeCtx, arg: unknown): Promise<{ run: RunRecord; name: string; namespace: string } | undefined> {
  const ref = runRef(arg);
  const run = ctx.runById(ref.runId);
  if (!run?.report) {
    noRunYet();
    return undefined;
  }
  if (ref.pod) return { run, ...ref.pod };
  const pods = run.report.pods;
  if (pods.length === 0) {
    const why = podsNotObserved(run.report);
    void vscode.window.showInformationMessage(
      why === null ? 'The latest run saw no pods of its job.' : `The latest run could not observe pods: ${oneLine(why)}`,
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    pods.map((p) => ({ label: p.name, description: `${p.role} · ${p.phase}`, pod: p })),
    { title: 'Pod of the latest run' },
  );
  return pick ? { run, name: pick.pod.name, namespace: pick.pod.namespace } : undefined;
}

export const COMMANDS: Record<string, Handler> = {
  'consumerProbe.runProbe': async (ctx) => {
    const settings = ctx.config.probeSettings();
    if (!settings.backendUrl.trim()) return void (await noBackendConfigured());
    if (!vscode.workspace.isTrusted) ctx.log.warn('untrusted workspace: host settings come from your user settings only');
    return ctx.startRun('Run Probe', async () => {
      const options = probeOptionsFromSettings(settings, await ctx.secrets.read());
      return { options, target: clusterRunTarget(options) };
    });
  },

  'consumerProbe.runSandbox': async (ctx, arg) => {
    const scenario = (arg as { scenario?: string } | undefined)?.scenario ?? (await pickSandboxScenario(ctx));
    if (!scenario) return undefined;
    return ctx.startRun(`Sandbox (${scenario})`, () => ctx.sandboxes.prepare(scenario, ctx.config.sandboxSettings));
  },

  'consumerProbe.stopProbe': (ctx) => {
    if (!ctx.stopRun()) noProbeRunning();
  },

  'consumerProbe.selectContext': async (ctx) => {
    try {
      const chosen = await pickContext(ctx.config);
      if (chosen) void vscode.window.showInformationMessage(`Consumer Probe will use the context "${chosen}" from the next run.`);
    } catch (e) {
      await showFailure(ctx.log, 'Cannot list Kubernetes contexts', userMessage(e));
    }
  },

  'consumerProbe.selectNamespace': async (ctx) => {
    const chosen = await pickNamespace(ctx.config);
    if (chosen) void vscode.window.showInformationMessage(`Consumer Probe will watch the namespace "${chosen}" from the next run.`);
  },

  'consumerProbe.openReport': (ctx, arg) => {
    if (!ctx.openReport(runRef(arg).runId)) noRunYet();
  },

  'consumerProbe.openReportToSide': (ctx, arg) => {
    if (!ctx.pinReport(runRef(arg).runId)) noRunYet();
  },

  'consumerProbe.exportMarkdown': async (ctx, arg) => {
    const run = reportOf(ctx, arg);
    if (run?.report) await openExport(ctx, run, renderMarkdown(run.report), 'md');
  },

  'consumerProbe.exportJson': async (ctx, arg) => {
    const run = reportOf(ctx, arg);
    if (run?.report) await openExport(ctx, run, renderJson(run.report), 'json');
  },

  'consumerProbe.exportTrace': async (ctx, arg) => {
    const run = reportOf(ctx, arg);
    const trace = run?.report ? await traceExport(run.report, ctx.log, arg) : undefined;
    if (run && trace) await openExport(ctx, run, trace.text, trace.extension);
  },

  'consumerProbe.showPodLogs': async (ctx, arg) => {
    const pod = await podOf(ctx, arg);
    if (!pod) return;
    const doc = await vscode.workspace.openTextDocument(podLogUri(pod.run.id, pod.namespace, pod.name));
    await vscode.window.showTextDocument(doc, { preview: true });
  },

  'consumerProbe.copyPodName': async (ctx, arg) => {
    const pod = await podOf(ctx, arg);
    if (!pod) return;
    await vscode.env.clipboard.writeText(pod.name);
    vscode.window.setStatusBarMessage(`Copied ${pod.name}`, 3000);
  },

  'consumerProbe.setBackendToken': async (ctx) => {
    const token = await vscode.window.showInputBox({
      title: 'Backend token',
      prompt:
        'Sent as "Authorization: Bearer …" to the backend; kept in the secret store, never in settings or logs. Leave empty to remove it.',
      password: true,
      ignoreFocusOut: true,
    });
    if (token === undefined) return;
    await ctx.secrets.set('backendToken', token.trim());
    void vscode.window.showInformationMessage(token.trim() ? 'Backend token saved in the secret store.' : 'Backend token removed.');
  },

  'consumerProbe.setBrokerCredentials': async (ctx) => {
    const username = await vscode.window.showInputBox({ title: 'RabbitMQ user (management API)', ignoreFocusOut: true });
    if (username === undefined) return;
    const password = await vscode.window.showInputBox({ title: 'RabbitMQ password', password: true, ignoreFocusOut: true });
    if (password === undefined) return;
    await ctx.secrets.set('brokerUsername', username.trim());
    await ctx.secrets.set('brokerPassword', password);
    void vscode.window.showInformationMessage(
      username.trim() ? 'RabbitMQ credentials saved in the secret store.' : 'RabbitMQ credentials removed.',
    );
  },

  'consumerProbe.clearHistory': async (ctx) => {
    const removed = await ctx.clearHistory();
    if (removed === 0) return void vscode.window.showInformationMessage('The history is already empty.');
    // Not awaited: the command is done once the history is empty; the notification offers the way back.
    void vscode.window
      .showInformationMessage(`Cleared ${removed === 1 ? '1 run' : `${removed} runs`} from the history.`, 'Undo')
      .then((choice) => (choice === 'Undo' ? ctx.undoClearHistory() : undefined));
  },

  'consumerProbe.undoClearHistory': async (ctx) => {
    if (!(await ctx.undoClearHistory())) void vscode.window.showInformationMessage('There is no cleared history to put back.');
  },
};

export function registerCommands(ctx: ProbeCtx): void {
  for (const [id, handler] of Object.entries(COMMANDS)) {
    ctx.ext.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => handler(ctx, ...args)));
  }
  registerPodActions(ctx);
}
