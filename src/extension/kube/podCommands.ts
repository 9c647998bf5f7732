// Kubernetes-native actions on a pod of a run — Describe, Show YAML, Show Events, Follow Logs, Reveal in
// Kubernetes View — and Run in Terminal for the report's kubectl suggestions. All of them aim at the
// run's own cluster (its kubeconfig, context and namespace), never at whatever the terminal or the
// settings point at now. Show YAML and Show Events read through the engine (no kubectl needed);
// Describe and Follow Logs are kubectl's own output, in a terminal.
import * as vscode from 'vscode';
import type { ProbeCtx } from '../ctx';
import { loadEngine } from '../lazy';
import type { RunRecord } from '../runRecord';
import { contextMenu, CONTEXT_MENU_COMMAND, ContextStatusBar } from './contextStatusBar';
import { describeLine, logsLine, refuseTerminalLine, terminalName, type LogChoice } from './kubectlLine';
import { revealInKubernetesView, trackKubernetesTools } from './kubernetesTools';
import { logChoices } from './podFacts';
import { podDocUri, PodDocuments, POD_DOC_SCHEME, type PodDocKind } from './podDocuments';
import { kubectlAvailable, runInTerminal, trackTerminals } from './terminals';

type Handler = (ctx: ProbeCtx, ...args: unknown[]) => unknown;

interface PodTarget {
  run: RunRecord;
  name: string;
  namespace: string;
}

/** What a terminal action reports back (the tests read it; menus ignore it). */
export interface TerminalAction {
  terminalName: string;
  line: string;
}

function refOf(arg: unknown): { runId?: string; pod?: { name?: unknown; namespace?: unknown }; command?: unknown } {
  if (typeof arg === 'string') return { runId: arg };
  return arg && typeof arg === 'object' ? (arg as object) : {};
}

/** A label for the run's terminal: its job id, else what played. */
function jobLabel(run: RunRecord): string {
  return run.report?.jobId ?? run.target.scenario ?? run.id;
}

/** False (after one sentence with the fix, not awaited) when the run's cluster is gone: its sandbox has stopped. */
function clusterStillThere(ctx: ProbeCtx, run: RunRecord): boolean {
  if (ctx.sandboxes.serves(run.target)) return true;
  const scenario = run.target.scenario;
  void vscode.window
    .showWarningMessage(
      'The sandbox that ran this probe has stopped, and its pods with it: run a new sandbox probe.',
      'Run Probe in Sandbox',
    )
    .then((choice) => choice && vscode.commands.executeCommand('consumerProbe.runSandbox', scenario ? { scenario } : undefined));
  return false;
}

/** The pod from a tree row or the report, else one picked from the latest run's pods. */
async function podOf(ctx: ProbeCtx, arg: unknown): Promise<PodTarget | undefined> {
  const ref = refOf(arg);
  const run = ctx.runById(ref.runId);
  if (!run?.report) {
    void vscode.window.showInformationMessage('No probe run yet. Run one first ("Consumer Probe: Run Probe in Sandbox" needs no cluster).');
    return undefined;
  }
  let pod: { name: string; namespace: string } | undefined;
  if (typeof ref.pod?.name === 'string' && typeof ref.pod.namespace === 'string') {
    pod = { name: ref.pod.name, namespace: ref.pod.namespace };
  } else if (run.report.pods.length === 0) {
    void vscode.window.showInformationMessage('The latest run saw no pods of its job.');
  } else {
    const pick = await vscode.window.showQuickPick(
      run.report.pods.map((p) => ({ label: p.name, description: `${p.role} · ${p.phase}`, pod: p })),
      { title: 'Pod of the latest run' },
    );
    pod = pick && { name: pick.pod.name, namespace: pick.pod.namespace };
  }
  if (!pod || !clusterStillThere(ctx, run)) return undefined;
  return { run, ...pod };
}

async function openPodDocument(ctx: ProbeCtx, arg: unknown, kind: PodDocKind): Promise<vscode.TextDocument | undefined> {
  const pod = await podOf(ctx, arg);
  if (!pod) return undefined;
  const doc = await vscode.workspace.openTextDocument(podDocUri(kind, pod.run.id, pod.namespace, pod.name));
  const typed = await vscode.languages.setTextDocumentLanguage(doc, kind === 'yaml' ? 'yaml' : 'log');
  await vscode.window.showTextDocument(typed, { preview: false });
  return typed;
}

/** Which log Follow Logs shows: asked only when the pod has several containers or a previous instance. */
async function chooseLog(pod: PodTarget): Promise<LogChoice | undefined> {
  let choices;
  try {
    const object = await loadEngine().readPod(pod.run.target, pod.namespace, pod.name, AbortSignal.timeout(12_000));
    choices = logChoices(object);
  } catch {
    // The pod cannot be read here: let kubectl try, and say in the terminal what it finds.
    return { container: null, previous: false };
  }
  if (choices.length <= 1) return choices[0] ?? { container: null, previous: false };
  return vscode.window.showQuickPick(choices, {
    title: `Logs of ${pod.name}`,
    placeHolder: 'Container (previous: the instance before the last restart)',
  });
}

export const POD_COMMANDS: Record<string, Handler> = {
  'consumerProbe.showPodYaml': (ctx, arg) => openPodDocument(ctx, arg, 'yaml'),

  'consumerProbe.showPodEvents': (ctx, arg) => openPodDocument(ctx, arg, 'events'),

  'consumerProbe.describePod': async (ctx, arg): Promise<TerminalAction | undefined> => {
    const pod = await podOf(ctx, arg);
    if (!pod || !kubectlAvailable({ label: 'Show YAML', run: () => vscode.commands.executeCommand('consumerProbe.showPodYaml', arg) })) {
      return undefined;
    }
    const line = describeLine(pod.run.target, pod);
    const name = terminalName(jobLabel(pod.run));
    runInTerminal({ name, target: pod.run.target, line });
    return { terminalName: name, line };
  },

  'consumerProbe.followPodLogs': async (ctx, arg): Promise<TerminalAction | undefined> => {
    const pod = await podOf(ctx, arg);
    if (
      !pod ||
      !kubectlAvailable({ label: 'Show Pod Logs', run: () => vscode.commands.executeCommand('consumerProbe.showPodLogs', arg) })
    ) {
      return undefined;
    }
    const choice = await chooseLog(pod);
    if (!choice) return undefined;
    const line = logsLine(pod.run.target, pod, choice);
    const which = `${pod.name}${choice.container ? `/${choice.container}` : ''}${choice.previous ? ' (previous)' : ''}`;
    const name = terminalName(`logs ${which}`);
    runInTerminal({ name, target: pod.run.target, line, fresh: true });
    return { terminalName: name, line };
  },

  'consumerProbe.revealInKubernetesView': async (ctx, arg) => {
    const pod = await podOf(ctx, arg);
    return pod ? revealInKubernetesView(pod, pod.run.target) : undefined;
  },

  'consumerProbe.runInTerminal': async (ctx, arg): Promise<TerminalAction | undefined> => {
    const ref = refOf(arg);
    const refused = refuseTerminalLine(ref.command);
    if (refused) {
      void vscode.window.showWarningMessage(refused);
      return undefined;
    }
    const line = ref.command as string;
    const run = ctx.runById(ref.runId);
    if (run && !clusterStillThere(ctx, run)) return undefined;
    if (!kubectlAvailable()) return undefined;
    const name = terminalName(run ? jobLabel(run) : 'kubectl');
    runInTerminal({ name, target: run?.target ?? { kind: 'cluster', backendUrl: '', namespace: '' }, line });
    return { terminalName: name, line };
  },

  [CONTEXT_MENU_COMMAND]: () => contextMenu(),
};

/** Registers the pod actions, their documents, the context status bar and the Kubernetes-extension key. */
export function registerPodActions(ctx: ProbeCtx): void {
  const failed = (what: string, reason: string) => {
    ctx.log.error(`cannot ${what}: ${reason}`);
    void vscode.window.showErrorMessage(`Cannot ${what}: ${reason}`);
  };
  const statusBar = new ContextStatusBar(ctx.config);
  ctx.ext.subscriptions.push(
    ...Object.entries(POD_COMMANDS).map(([id, handler]) =>
      vscode.commands.registerCommand(id, (...args: unknown[]) => handler(ctx, ...args)),
    ),
    vscode.workspace.registerTextDocumentContentProvider(POD_DOC_SCHEME, new PodDocuments((id) => ctx.runById(id), failed)),
    statusBar,
    ctx.onDidEndRun(() => statusBar.refresh()),
    trackKubernetesTools(),
    trackTerminals(),
  );
}
