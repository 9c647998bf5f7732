// The "Consumer Probe" log channel: the same live text the CLI prints, plus what went wrong in detail.
// Users see one sentence in a notification; the detail lives here (see messages.ts).
import * as vscode from 'vscode';

export interface Logger extends vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  show(): void;
}

export function createLogger(): Logger {
  const channel = vscode.window.createOutputChannel('Consumer Probe', { log: true });
  return {
    channel,
    info: (line) => channel.info(line),
    warn: (line) => channel.warn(line),
    error: (line) => channel.error(line),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
