// Every sentence the extension shows in a notification, in one place. Every failure is one sentence
// plus the buttons that fix it (problems.ts decides which), then "Open Log"; the detail went to the log
// channel before.
import * as vscode from 'vscode';
import type { Logger } from './log';
import type { Problem, ProblemFix } from './problems';
import type { RunRecord } from './runRecord';

export async function showProblem(log: Logger, problem: Problem): Promise<void> {
  (problem.severity === 'error' ? log.error : log.warn)(problem.sentence);
  const show = problem.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const choice = await show(problem.sentence, ...problem.fixes.map((f) => f.title), 'Open Log');
  if (choice === 'Open Log') return log.show();
  const fix = problem.fixes.find((f) => f.title === choice);
  if (fix) await applyFix(fix);
}

export async function applyFix(fix: ProblemFix): Promise<void> {
  if (fix.kind === 'setting') await vscode.commands.executeCommand('workbench.action.openSettings', fix.key);
  else await vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
}

export async function showFailure(log: Logger, what: string, reason: string): Promise<void> {
  log.error(`${what}: ${reason}`);
  const choice = await vscode.window.showErrorMessage(`${what}: ${reason}`, 'Open Log');
  if (choice === 'Open Log') log.show();
}

export function noRunYet(): void {
  void vscode.window.showInformationMessage('No probe run yet. Run one first ("Consumer Probe: Run Probe in Sandbox" needs no cluster).');
}

export function noProbeRunning(): void {
  void vscode.window.showInformationMessage('No probe is running.');
}

export function alreadyRunning(): void {
  void vscode.window.showInformationMessage('A probe is already running. Stop it first ("Consumer Probe: Stop Probe").');
}

export async function noBackendConfigured(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    'No backend URL is set. Set consumerProbe.backendUrl, or try the embedded sandbox.',
    'Open Settings',
    'Run in Sandbox',
  );
  if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'consumerProbe.backendUrl');
  if (choice === 'Run in Sandbox') await vscode.commands.executeCommand('consumerProbe.runSandbox');
}

/** Logs asked of a run whose sandbox has stopped: one sentence and the way to fresh ones, no error dump. */
export async function sandboxGone(run: RunRecord): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    'The sandbox that ran this probe has stopped, so its pods and their logs are gone.',
    'Run Scenario Again',
  );
  if (choice) await vscode.commands.executeCommand('consumerProbe.runSandbox', { scenario: run.target.scenario ?? 'healthy' });
}
