// Runs a kubeconfig `exec` credential plugin the way kubectl does (client.authentication.k8s.io
// v1/v1beta1): the plugin gets KUBERNETES_EXEC_INFO, its `env` on top of ours and its `args`, may talk
// to the terminal when interactive, and prints an ExecCredential whose status holds a token or a client
// certificate, optionally with an expiry. A missing plugin is reported with its installHint.
import { spawn } from 'node:child_process';
import type { Cluster } from '@kubernetes/client-node';
import { oneLine } from '../text';
import type { ExecPlugin } from './kubeconfigMerge';

export interface ExecCredential {
  token: string | null;
  clientCertificateData: string | null;
  clientKeyData: string | null;
  /** Epoch ms after which the credential must be fetched again; null = valid for the run. */
  expiresAt: number | null;
}

export class ExecPluginError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExecPluginError';
  }
}

/** A plugin's output beyond this is not a credential: stop reading (bounded memory). */
const MAX_OUTPUT_BYTES = 1024 * 1024;
/** A plugin that neither answers nor asks anything within this is stopped (kubectl waits forever). */
export const EXEC_PLUGIN_TIMEOUT_MS = 60_000;

export interface ExecContext {
  /** Whether standard input is a terminal the plugin may use (the CLI in a terminal; never in VS Code). */
  stdinIsTerminal: boolean;
  cluster: Cluster | null;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

function execInfo(plugin: ExecPlugin, interactive: boolean, cluster: Cluster | null): string {
  const spec: Record<string, unknown> = { interactive };
  if (plugin.provideClusterInfo && cluster) {
    spec.cluster = {
      server: cluster.server,
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
      ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
    };
  }
  return JSON.stringify({ apiVersion: plugin.apiVersion, kind: 'ExecCredential', spec });
}

function parseCredential(stdout: string, plugin: ExecPlugin): ExecCredential {
  let parsed: { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new ExecPluginError(`exec plugin ${plugin.command} printed something that is not an ExecCredential (not JSON)`);
  }
  if (parsed.kind !== 'ExecCredential')
    throw new ExecPluginError(`exec plugin ${plugin.command} printed a ${String(parsed.kind)}, not an ExecCredential`);
  if (parsed.apiVersion !== plugin.apiVersion) {
    throw new ExecPluginError(
      `exec plugin ${plugin.command} answered ${String(parsed.apiVersion)}, but the kubeconfig asks for ${plugin.apiVersion}`,
    );
  }
  const status = parsed.status ?? {};
  const text = (key: string) => (typeof status[key] === 'string' && status[key] !== '' ? (status[key] as string) : null);
  const credential = {
    token: text('token'),
    clientCertificateData: text('clientCertificateData'),
    clientKeyData: text('clientKeyData'),
    expiresAt: null as number | null,
  };
  if (!credential.token && !(credential.clientCertificateData && credential.clientKeyData)) {
    throw new ExecPluginError(`exec plugin ${plugin.command} returned neither a token nor a client certificate and key`);
  }
  const expiry = text('expirationTimestamp');
  if (expiry !== null) {
    const at = Date.parse(expiry);
    if (Number.isNaN(at)) throw new ExecPluginError(`exec plugin ${plugin.command} returned an unreadable expirationTimestamp`);
    credential.expiresAt = at;
  }
  return credential;
}

export function runExecPlugin(plugin: ExecPlugin, ctx: ExecContext): Promise<ExecCredential> {
  if (plugin.interactiveMode === 'Always' && !ctx.stdinIsTerminal) {
    return Promise.reject(
      new ExecPluginError(`exec plugin ${plugin.command} needs a terminal (interactiveMode: Always), and standard input is not one`),
    );
  }
  const interactive = plugin.interactiveMode !== 'Never' && ctx.stdinIsTerminal;
  const env = { ...(ctx.env ?? process.env) };
  for (const { name, value } of plugin.env) env[name] = value;
  env.KUBERNETES_EXEC_INFO = execInfo(plugin, interactive, ctx.cluster);

  return new Promise<ExecCredential>((resolve, reject) => {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs ?? EXEC_PLUGIN_TIMEOUT_MS)]);
    const child = spawn(plugin.command, plugin.args, {
      env,
      // Interactive: the plugin may prompt on the terminal (its stderr is the user's); else it gets no stdin.
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', interactive ? 'inherit' : 'pipe'],
      signal,
    });
    let stdout = '';
    let stderr = '';
    let outputBytes = 0;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      outputBytes += Buffer.byteLength(chunk);
      if (outputBytes > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
      else stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        const hint = plugin.installHint ? `: ${oneLine(plugin.installHint, 400)}` : '';
        reject(new ExecPluginError(`exec plugin ${plugin.command} was not found${hint}`, { cause: e }));
      } else if (ctx.signal.aborted) {
        reject(ctx.signal.reason);
      } else if (e.name === 'AbortError') {
        reject(
          new ExecPluginError(`exec plugin ${plugin.command} did not answer within ${(ctx.timeoutMs ?? EXEC_PLUGIN_TIMEOUT_MS) / 1000} s`),
        );
      } else {
        reject(new ExecPluginError(`exec plugin ${plugin.command} could not run: ${e.message}`, { cause: e }));
      }
    });
    child.once('close', (code, killedBy) => {
      // Killed: by the abort or the deadline ('error' already said so; a second reject is a no-op), or for its output.
      if (code === null) {
        const why = outputBytes > MAX_OUTPUT_BYTES ? `printed more than ${MAX_OUTPUT_BYTES} bytes` : `was stopped by ${killedBy}`;
        return reject(new ExecPluginError(`exec plugin ${plugin.command} ${why}`));
      }
      if (code !== 0) {
        const said = oneLine(stderr.trim(), 300);
        return reject(new ExecPluginError(`exec plugin ${plugin.command} exited with ${code}${said ? `: ${said}` : ''}`));
      }
      try {
        resolve(parseCredential(stdout, plugin));
      } catch (e) {
        reject(e);
      }
    });
  });
}
