// Every sentence the extension shows in a notification, in one place. Failures are one sentence plus
// "Open Log"; the detail went to the log channel before.
import * as vscode from 'vscode';
import type { Logger } from './log';

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
