// Building what the e2e tests load: the dev bundles (esbuild.js) and the .vsix (`npm run package`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';
import { withDeadline } from '../../helpers/waitFor';

/** Runs a command in the repository root; rejects with its output if it fails or outlives the deadline. */
export async function runInRepo(command: string, args: string[], timeoutMs: number): Promise<string> {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  try {
    const code = await withDeadline(exited, { what: `${command} ${args.join(' ')}`, timeoutMs });
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
    return output;
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output.slice(-4000)}`, { cause: error });
  }
}

/** The dev build: dist/extension.js, dist/webview, out/e2e/inHostSuite.js. */
export async function buildBundles(): Promise<void> {
  await runInRepo(process.execPath, ['esbuild.js'], 120_000);
}

/** `npm run package` → dist/consumer-probe.vsix. */
export async function packageVsix(): Promise<string> {
  // Without the outer `npm test`'s npm_config_* variables, which a nested npm would take as its own.
  await runInRepo('bash', ['scripts/lib/clean-npm-env.sh', 'npm', 'run', 'package', '--silent'], 300_000);
  const vsix = join(REPO_ROOT, 'dist', 'consumer-probe.vsix');
  if (!existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  return vsix;
}
