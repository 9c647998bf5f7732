// Runs the in-extension-host suite (out/e2e/inHostSuite.js) in code-server, the way test-electron runs
// a suite in desktop VS Code: the workbench is opened with extensionDevelopmentPath/extensionTestsPath in
// its `payload`, which the web workbench honours only with the smoke-test driver enabled. When the
// suite's run() settles, VS Code calls window.codeAutomationExit(code) in the page.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser';
import { CodeServer } from './codeServer';
import { IN_HOST_SUITE, REPO_ROOT } from './paths';
import type { Teardown } from './teardown';
import type { E2eTools } from './tools';
import type { SuiteResults } from '../inHost/runner';
import { withDeadline } from '../../helpers/waitFor';

export interface InHostRunOptions {
  tools: E2eTools;
  teardown: Teardown;
  /** The extension under development. Default: the repository root. */
  extensionPath?: string;
  /** The bundled suite. Default: out/e2e/inHostSuite.js. */
  suitePath?: string;
  /** Default: a fresh, empty folder. */
  workspace?: string;
  /** Added to code-server's (and so the extension host's) environment. */
  env?: Record<string, string>;
  /** For the whole run, from starting code-server to the exit code. Default 180 s. */
  timeoutMs?: number;
}

export interface InHostRun {
  exitCode: number;
  /** What the suite wrote; null if it wrote nothing. */
  results: SuiteResults | null;
  /** The page's console output (the extension host's console is forwarded there), for failure messages. */
  console: string[];
}

export async function runInHostSuite(opts: InHostRunOptions): Promise<InHostRun> {
  const { tools, teardown } = opts;
  const extensionPath = opts.extensionPath ?? REPO_ROOT;
  const suitePath = opts.suitePath ?? IN_HOST_SUITE;
  if (!existsSync(suitePath)) throw new Error(`${suitePath} is missing: run \`npm run build\` first`);
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  const scratch = teardown.tempDir('consumer-probe-in-host-');
  const resultsPath = join(scratch, 'results.json');
  const workspace = opts.workspace ?? join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });

  const server = await CodeServer.start({
    tools,
    teardown,
    workspace,
    vscodeOptions: ['enable-smoke-test-driver'],
    env: { ...opts.env, CONSUMER_PROBE_E2E_RESULTS: resultsPath },
    startTimeoutMs: left(),
  });
  const { page } = await launchBrowser(tools, teardown);
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));

  let reportExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (reportExit = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));

  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(suitePath)],
  ];
  // The whole payload is one query value: JSON, then encodeURIComponent (measured to work as is).
  await page.goto(server.workbenchUrl(`payload=${encodeURIComponent(JSON.stringify(payload))}`), { timeout: left() });
  let exitCode: number;
  try {
    exitCode = await withDeadline(exited, {
      what: `the in-host suite to finish (codeAutomationExit) within ${timeoutMs} ms`,
      timeoutMs: left(),
    });
  } catch (error) {
    const tail = consoleLines.slice(-40).join('\n');
    throw new Error(`${(error as Error).message}\n--- page console ---\n${tail}\n--- code-server ---\n${server.logTail(3000)}`, {
      cause: error,
    });
  }
  const results = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as SuiteResults) : null;
  return { exitCode, results, console: consoleLines };
}
