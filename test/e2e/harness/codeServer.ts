// A real VS Code (code-server) for one test: its own HOME/XDG dirs, user-data and extensions dirs, a
// free port on 127.0.0.1, no auth, no telemetry, no update check, no workspace-trust prompt.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ProcessGroup } from './processGroup';
import type { Teardown } from './teardown';
import type { E2eTools } from './tools';
import { waitFor, withDeadline } from '../../helpers/waitFor';

export interface CodeServerOptions {
  tools: E2eTools;
  teardown: Teardown;
  /** The folder VS Code opens. */
  workspace: string;
  /** Default: a fresh, empty directory. */
  extensionsDir?: string;
  /** Added to the environment of code-server and its extension host. */
  env?: Record<string, string>;
  /** Passed as `--vscode-option X` each, e.g. `enable-smoke-test-driver`. */
  vscodeOptions?: string[];
  /** Written to the user's settings.json, over {@link DEFAULT_USER_SETTINGS}. */
  userSettings?: Record<string, unknown>;
  /** Until /healthz answers. Default 60 s. */
  startTimeoutMs?: number;
}

/** Quiet, deterministic workbench: no welcome page or tips in the way of the tests and screenshots. */
export const DEFAULT_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Variables that would make code-server open in another instance, pick another port, or carry secrets. */
const DROPPED_ENV = /^(VSCODE_|CODE_SERVER_|ELECTRON_|PASSWORD$|HASHED_PASSWORD$|GITHUB_TOKEN$|PORT$|NODE_OPTIONS$)/;

/** The environment for a code-server child: isolated dirs, Node 24 first on PATH, nothing inherited that matters. */
export function isolatedEnv(tools: E2eTools, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!DROPPED_ENV.test(key)) env[key] = value;
  const dirs = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), TMPDIR: join(home, 'tmp') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return { ...env, ...dirs, PATH: `${dirname(tools.node)}:${process.env.PATH ?? ''}`, ...extra };
}

export class CodeServer {
  private constructor(
    private readonly proc: ProcessGroup,
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
    readonly port: number,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
  ) {}

  static async start(opts: CodeServerOptions): Promise<CodeServer> {
    const { tools, teardown } = opts;
    const home = teardown.tempDir('consumer-probe-code-server-');
    const userDataDir = join(home, 'user-data');
    const extensionsDir = opts.extensionsDir ?? join(home, 'extensions');
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...opts.userSettings }, null, 2));
    mkdirSync(extensionsDir, { recursive: true });
    const args = [
      tools.codeServerEntry,
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--ignore-last-opened',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      ...(opts.vscodeOptions ?? []).flatMap((option) => ['--vscode-option', option]),
      opts.workspace,
    ];
    const proc = new ProcessGroup('code-server', tools.node, args, { cwd: home, env: isolatedEnv(tools, home, opts.env) });
    // Registered after the temp dir, so it runs before the directory is removed.
    teardown.add('stop code-server', () => proc.stop());

    const timeoutMs = opts.startTimeoutMs ?? 60_000;
    const started = Date.now();
    const [, url, port] = await proc.waitForOutput(
      /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))/,
      timeoutMs,
      'code-server to listen',
    );
    const server = new CodeServer(proc, url!, Number(port), opts.workspace, userDataDir, extensionsDir);
    await waitFor(async () => (await fetch(`${server.url}/healthz`)).ok, {
      what: `${server.url}/healthz to answer`,
      timeoutMs: Math.max(1000, timeoutMs - (Date.now() - started)),
      intervalMs: 100,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- code-server output ---\n${proc.tail()}`);
    });
    return server;
  }

  /** The workbench URL; `query` is appended as-is after `?folder=…&` (encode its values). */
  workbenchUrl(query = ''): string {
    return `${this.url}/?folder=${encodeURIComponent(this.workspace)}${query ? `&${query}` : ''}`;
  }

  /** code-server's own log so far (for failure messages). */
  logTail(chars?: number): string {
    return this.proc.tail(chars);
  }

  /** Whether code-server or any process it started (same process group) is still running. */
  processesLeft(): boolean {
    return !this.proc.hasExited || this.proc.groupAlive();
  }

  /** Kills code-server and everything it started; resolves when they are gone. Idempotent. */
  stop(): Promise<void> {
    return this.proc.stop();
  }
}

/** `code-server --install-extension VSIX --extensions-dir DIR`, bounded by a deadline. */
export async function installExtension(
  tools: E2eTools,
  teardown: Teardown,
  vsix: string,
  extensionsDir: string,
  timeoutMs = 60_000,
): Promise<string> {
  const home = teardown.tempDir('consumer-probe-install-');
  const proc = new ProcessGroup(
    'code-server --install-extension',
    tools.node,
    [tools.codeServerEntry, '--user-data-dir', join(home, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { cwd: home, env: isolatedEnv(tools, home) },
  );
  teardown.add('stop code-server --install-extension', () => proc.stop());
  const { code, signal } = await withDeadline(proc.exited, { what: `code-server to install ${vsix}`, timeoutMs }).catch((error: Error) => {
    throw new Error(`${error.message}\n${proc.tail()}`);
  });
  const output = proc.tail();
  if (code !== 0 || !/was successfully installed/.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${code ?? signal}):\n${output}`);
  }
  return output;
}
