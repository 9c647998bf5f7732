// The request options (TLS, credentials) of every API request, built once per run and reused:
// client-node builds them anew per request, which ran an exec plugin without `expirationTimestamp`
// once per request. They are built again when they may have gone stale: an exec credential past its
// expiry, a token file that changed (projected service-account tokens rotate), or a 401 (the caller
// forgets them and retries once).
import { statSync, readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeError } from '../errors';
import { ExecPluginError, runExecPlugin } from './execCredential';
import type { UserAuth } from './kubeconfigMerge';
import { KubeAccessError } from './kubeAccessError';

export interface KubeCredentials {
  options: https.RequestOptions;
  /** True when these were built for an earlier request (a 401 then means: build them again and retry). */
  reused: boolean;
}

interface Built {
  options: https.RequestOptions;
  /** Epoch ms when an exec credential expires; null = never. */
  expiresAt: number | null;
  /** The token file as it was read (inode, size, mtime); null without one. */
  tokenFile: { path: string; stamp: string } | null;
}

const userAuthByConfig = new WeakMap<KubeConfig, Map<string, UserAuth>>();
const builtByConfig = new WeakMap<KubeConfig, Promise<Built>>();

/** Tells the credentials layer what the kubeconfig loader read beyond client-node (tokenFile, exec). */
export function attachUserAuth(kc: KubeConfig, userAuth: Map<string, UserAuth>): void {
  userAuthByConfig.set(kc, userAuth);
}

/** The request options for `kc`'s current context, reused while they are still good. */
export async function credentialsFor(kc: KubeConfig, signal: AbortSignal): Promise<KubeCredentials> {
  const pending = builtByConfig.get(kc);
  if (pending) {
    const built = await pending.catch(() => null);
    if (built && !isStale(built)) return { options: built.options, reused: true };
    if (builtByConfig.get(kc) === pending) builtByConfig.delete(kc);
  }
  let building = builtByConfig.get(kc);
  const mine = !building;
  if (!building) {
    building = build(kc, signal);
    builtByConfig.set(kc, building);
  }
  try {
    const built = await building;
    return { options: built.options, reused: !mine };
  } catch (e) {
    // A failed build is not kept: the next request tries again (the plugin may be installed by then).
    if (builtByConfig.get(kc) === building) builtByConfig.delete(kc);
    throw e;
  }
}

/** Drops the reused options (after a 401): the next request builds them again. */
export function forgetCredentials(kc: KubeConfig): void {
  builtByConfig.delete(kc);
}

function isStale(built: Built): boolean {
  if (built.expiresAt !== null && Date.now() >= built.expiresAt) return true;
  if (built.tokenFile && stampOf(built.tokenFile.path) !== built.tokenFile.stamp) return true;
  return false;
}

function stampOf(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

async function build(kc: KubeConfig, signal: AbortSignal): Promise<Built> {
  const options: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(options);
  } catch (e) {
    throw new KubeAccessError('AUTH_PLUGIN_FAILED', `cannot use the kubeconfig credentials: ${describeError(e)}`, null, { cause: e });
  }
  const user = kc.getCurrentUser();
  const auth = user ? userAuthByConfig.get(kc)?.get(user.name) : undefined;
  const built: Built = { options, expiresAt: null, tokenFile: null };
  if (auth?.tokenFile) {
    const stamp = stampOf(auth.tokenFile);
    built.tokenFile = { path: auth.tokenFile, stamp };
    setBearer(options, readTokenFile(auth.tokenFile, user!.name));
  }
  if (auth?.exec) {
    let credential;
    try {
      credential = await runExecPlugin(auth.exec, {
        stdinIsTerminal: Boolean(process.stdin.isTTY),
        cluster: kc.getCurrentCluster(),
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      const message = e instanceof ExecPluginError ? e.message : `exec plugin ${auth.exec.command} failed: ${describeError(e)}`;
      throw new KubeAccessError('AUTH_PLUGIN_FAILED', message, null, { cause: e });
    }
    if (credential.token) setBearer(options, credential.token);
    if (credential.clientCertificateData && credential.clientKeyData) {
      options.cert = credential.clientCertificateData;
      options.key = credential.clientKeyData;
      // client-node's agent was made without this certificate, and an agent's TLS options win over the request's.
      options.agent = new https.Agent({
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        servername: options.servername,
        ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
      });
    }
    built.expiresAt = credential.expiresAt;
  }
  return built;
}

function setBearer(options: https.RequestOptions, token: string): void {
  options.headers = { ...(options.headers ?? {}), Authorization: `Bearer ${token}` };
}

/** As kubectl reads `tokenFile`: the whole file, surrounding whitespace (the trailing newline) removed. */
function readTokenFile(path: string, userName: string): string {
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? describeError(e);
    throw new KubeAccessError('KUBECONFIG_UNREADABLE', `cannot read the token file ${path} of kubeconfig user ${userName}: ${code}`, null, {
      cause: e,
    });
  }
  if (!token) throw new KubeAccessError('KUBECONFIG_UNREADABLE', `the token file ${path} of kubeconfig user ${userName} is empty`);
  return token;
}
