// What the report page's action buttons do on the host: copy a command, run it in a terminal aimed at
// the run's cluster, or open the fix for what went wrong. The page is not trusted to name what runs:
// a command must be one its run's report suggested, and a fix one of the closed list in protocol.ts.
import * as vscode from 'vscode';
import { knownFix, kubectlCommands, type Fix } from './protocol';

export interface ReportActionSources {
  /** The suggestions of the run's report; undefined when the run is gone. */
  suggestions(runId: string): readonly string[] | undefined;
}

export interface ReportActions {
  copyText(text: string): void;
  runInTerminal(runId: string, command: string): void;
  runFix(runId: string, fix: unknown): void;
}

const STATUS_MS = 3000;

export function reportActions(sources: ReportActionSources): ReportActions {
  return {
    copyText(text) {
      void vscode.env.clipboard.writeText(text).then(
        () => vscode.window.setStatusBarMessage('$(copy) Copied to the clipboard', STATUS_MS),
        () => vscode.window.setStatusBarMessage('$(error) Could not copy to the clipboard', STATUS_MS),
      );
    },
    runInTerminal(runId, command) {
      const suggested = (sources.suggestions(runId) ?? []).some((s) => kubectlCommands(s).includes(command));
      if (!suggested) {
        void vscode.window.showWarningMessage('That command is not one the report suggested, so it was not run.');
        return;
      }
      vscode.commands.executeCommand('consumerProbe.runInTerminal', { runId, command }).then(undefined, (e: unknown) => {
        void vscode.window.showErrorMessage(`Could not open a terminal for the command: ${e instanceof Error ? e.message : String(e)}`);
      });
    },
    runFix(_runId, value) {
      const fix: Fix | null = knownFix(value);
      if (!fix) return;
      if (fix.kind === 'openSetting') void vscode.commands.executeCommand('workbench.action.openSettings', fix.key);
      else void vscode.commands.executeCommand(fix.id);
    },
  };
}
