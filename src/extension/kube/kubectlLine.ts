// The kubectl command lines the pod actions type into a terminal, and the check that a line handed to
// "Run in Terminal" is one kubectl command and nothing else. Pure (no `vscode`), so both are unit-tested.
//
// Lines are built with the engine's POSIX quoting (the report's suggestions use the same), so the line
// a user sees in the terminal is the one the report printed, and it aims at the run's cluster by itself:
// `--kubeconfig` (when the run named one), `--context` (when it chose one) and `-n`.
import { kubectlIn } from '../../probe/causes/kubectl';
import type { RunTarget } from '../runRecord';

export interface PodRef {
  name: string;
  namespace: string;
}

/** What Follow Logs reads: one container, now or its previous (restarted) instance. */
export interface LogChoice {
  container: string | null;
  previous: boolean;
}

function kubectlFor(target: RunTarget, namespace: string) {
  return kubectlIn({ namespace, context: target.context ?? null, kubeconfig: target.kubeconfig ?? null });
}

export function describeLine(target: RunTarget, pod: PodRef): string {
  return kubectlFor(target, pod.namespace)('describe', 'pod', pod.name);
}

/** Follows the live container; the previous instance has ended, so it is printed, not followed. */
export function logsLine(target: RunTarget, pod: PodRef, choice: LogChoice): string {
  const container = choice.container ? ['-c', choice.container] : [];
  const mode = choice.previous ? ['--previous'] : ['-f', '--tail', '200'];
  return kubectlFor(target, pod.namespace)('logs', pod.name, ...container, ...mode);
}

/** Characters a POSIX shell reads literally outside quotes (the engine's shellQuote leaves these bare). */
const LITERAL = /[A-Za-z0-9_@%+=:,./-]/;

/**
 * Why `line` may not be typed into a shell, or null when it may: it must be `kubectl` followed by words
 * as the report's suggestions quote them (plain words, text in single quotes, `\'`). Anything a shell
 * would read as more than arguments — `;`, `|`, `&&`, `$(…)`, redirections, globs, a new line — is
 * refused, so a button can only ever run the kubectl command it shows.
 */
export function refuseTerminalLine(line: unknown): string | null {
  if (typeof line !== 'string' || line.trim() === '') return 'There is no command to run.';
  if (!line.startsWith('kubectl ')) return 'Only kubectl commands from the report can run in a terminal.';
  if (/[\r\n\0]/.test(line)) return 'Only one kubectl command, on one line, can run in a terminal.';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === "'") quoted = false;
    } else if (c === "'") {
      quoted = true;
    } else if (c === '\\' && line[i + 1] === "'") {
      i++;
    } else if (c !== ' ' && !LITERAL.test(c)) {
      return `The command has ${JSON.stringify(c)}, which a shell would not pass to kubectl as it is; it was not run.`;
    }
  }
  return quoted ? 'The command has an unclosed quote; it was not run.' : null;
}

/** The job id from the run, else the pod, for a terminal's name. */
export function terminalName(what: string): string {
  return `Consumer Probe: ${what}`;
}
