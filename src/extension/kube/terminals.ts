// kubectl in a VS Code terminal, aimed at the run's cluster: the terminal's KUBECONFIG is the run's
// kubeconfig (so a user's next kubectl in it looks at the same cluster), and the line itself carries
// --kubeconfig/--context/-n (so it means the same when copied elsewhere). The line is typed into the
// user's shell and run, as the button that asked for it says.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import type { RunTarget } from '../runRecord';

const INSTALL_KUBECTL = 'https://kubernetes.io/docs/tasks/tools/';

/** Where kubectl is on PATH, or null (PATHEXT on Windows, as a shell finds it). */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = join(dir, command + ext);
      if (existsSync(file)) return file;
    }
  }
  return null;
}

/**
 * False (after saying so, with a button to install it) when kubectl cannot be found. The message is not
 * awaited: the command ends at once, and the button acts whenever it is pressed.
 */
export function kubectlAvailable(alternative?: { label: string; run: () => unknown }): boolean {
  if (findOnPath('kubectl')) return true;
  const buttons = ['Install kubectl', ...(alternative ? [alternative.label] : [])];
  void vscode.window.showWarningMessage('kubectl is not on PATH: this action runs it in a terminal.', ...buttons).then((choice) => {
    if (choice === 'Install kubectl') void vscode.env.openExternal(vscode.Uri.parse(INSTALL_KUBECTL));
    else if (choice && alternative) void alternative.run();
  });
  return false;
}

/** The environment a terminal needs to reach the run's cluster; nothing secret (a path, never a token). */
export function terminalEnv(target: RunTarget): Record<string, string> {
  return target.kubeconfig ? { KUBECONFIG: target.kubeconfig } : {};
}

export interface TerminalRequest {
  name: string;
  target: RunTarget;
  line: string;
  /** A fresh terminal (the old one of that name closed): for commands that keep running, like `logs -f`. */
  fresh?: boolean;
}

/**
 * The terminals these actions opened, by the name they were given (a shell may retitle a terminal, so
 * its `name` is not a key), forgotten when closed.
 */
const opened = new Map<string, { terminal: vscode.Terminal; env: string }>();

export function trackTerminals(): vscode.Disposable {
  return vscode.window.onDidCloseTerminal((closed) => {
    for (const [name, { terminal }] of opened) if (terminal === closed) opened.delete(name);
  });
}

/** Types `line` into the terminal named `name` (created with the run's environment) and runs it. */
export function runInTerminal({ name, target, line, fresh }: TerminalRequest): vscode.Terminal {
  const env = terminalEnv(target);
  const key = JSON.stringify(env);
  const known = opened.get(name);
  let terminal = known && known.env === key && known.terminal.exitStatus === undefined ? known.terminal : undefined;
  if (known && (fresh || !terminal)) {
    known.terminal.dispose();
    terminal = undefined;
  }
  if (!terminal) {
    terminal = vscode.window.createTerminal({ name, env, iconPath: new vscode.ThemeIcon('symbol-namespace') });
    opened.set(name, { terminal, env: key });
  }
  terminal.show(false);
  terminal.sendText(line, true);
  return terminal;
}
