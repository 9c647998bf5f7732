// The built CLI (dist/cli.js) as a user runs it, in its own process, without blocking this one (the test
// may serve the backend it talks to). Each run gets a fresh HOME and no KUBECONFIG, so nothing of the
// machine's own cluster setup leaks in.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { makeTempDir, type CleanupScope } from './tmp';

export const CLI = resolve(__dirname, '../../dist/cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  env?: Record<string, string>;
  /** Arguments for node itself, before the CLI (e.g. `--require FILE`). */
  nodeArgs?: string[];
  /** Killed (and the test fails on its output) after this long. Default 30 s. */
  killAfterMs?: number;
}

export function runCli(
  scope: CleanupScope,
  args: string[],
  { env = {}, nodeArgs = [], killAfterMs = 30_000 }: RunCliOptions = {},
): Promise<CliRun> {
  const home = makeTempDir(scope, 'cp-cli-');
  const { KUBECONFIG: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { env: { ...base, HOME: home, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      done({ code, stdout, stderr });
    }),
  );
}
