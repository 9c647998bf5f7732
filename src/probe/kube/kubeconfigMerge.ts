// Several kubeconfig files merged the way kubectl merges KUBECONFIG=a:b: a cluster, user or context
// name is taken from the first file that defines it (later ones never override, and a name defined
// twice is not an error); `current-context` comes from the first file that sets one. client-node's
// own merge throws on the first duplicate name, and every kubeadm kubeconfig is called `kubernetes`.
//
// client-node also drops what it does not model: a user's `tokenFile`, and the parts of `exec` it
// ignores (`installHint`, `interactiveMode`, `provideClusterInfo`). Those are read from the YAML here
// and handled by kubeCredentials.ts; client-node keeps the rest (TLS, client certificates, tokens,
// basic auth, auth-provider, proxy-url).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { load as loadYaml } from 'js-yaml';

/** An exec credential plugin as the kubeconfig declares it (client.authentication.k8s.io). */
export interface ExecPlugin {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint: string | null;
  interactiveMode: 'Never' | 'IfAvailable' | 'Always';
  provideClusterInfo: boolean;
}

/** What the probe does itself for a user, on top of what client-node applies. */
export interface UserAuth {
  /** Absolute path of a bearer token file (read per request when it changed; trimmed). */
  tokenFile: string | null;
  exec: ExecPlugin | null;
}

export interface MergedKubeconfig {
  kc: KubeConfig;
  /** By user name, for users with a tokenFile or an exec plugin. */
  userAuth: Map<string, UserAuth>;
}

/** One of the files could not be read or parsed. */
export class KubeconfigFileError extends Error {
  constructor(
    readonly file: string,
    options: { cause: unknown },
  ) {
    super(`cannot read kubeconfig ${file}`, options);
    this.name = 'KubeconfigFileError';
  }
}

type RawUserEntry = { name?: unknown; user?: Record<string, unknown> | null };

/** kubectl resolves relative paths in a kubeconfig against the folder of the file that holds them. */
function resolveFrom(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

function execPluginOf(raw: unknown, dir: string): ExecPlugin | null {
  if (!raw || typeof raw !== 'object') return null;
  const exec = raw as Record<string, unknown>;
  if (typeof exec.command !== 'string' || exec.command === '') return null;
  const mode = exec.interactiveMode;
  return {
    // A command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
    command: exec.command.includes('/') ? resolveFrom(dir, exec.command) : exec.command,
    args: Array.isArray(exec.args) ? exec.args.map(String) : [],
    env: Array.isArray(exec.env)
      ? exec.env.flatMap((e: unknown) => {
          const entry = e as { name?: unknown; value?: unknown } | null;
          return entry && typeof entry.name === 'string' ? [{ name: entry.name, value: String(entry.value ?? '') }] : [];
        })
      : [],
    apiVersion: typeof exec.apiVersion === 'string' ? exec.apiVersion : 'client.authentication.k8s.io/v1beta1',
    installHint: typeof exec.installHint === 'string' ? exec.installHint : null,
    interactiveMode: mode === 'Never' || mode === 'Always' ? mode : 'IfAvailable',
    provideClusterInfo: exec.provideClusterInfo === true,
  };
}

function loadOne(file: string): { kc: KubeConfig; userAuth: Map<string, UserAuth> } {
  const kc = new KubeConfig();
  // client-node parses the file and makes its certificate paths absolute against the file's folder.
  kc.loadFromFile(file);
  const dir = dirname(file);
  const raw = loadYaml(readFileSync(file, 'utf8')) as { users?: unknown } | null;
  const userAuth = new Map<string, UserAuth>();
  const rawUsers = Array.isArray(raw?.users) ? (raw.users as RawUserEntry[]) : [];
  for (const entry of rawUsers) {
    if (typeof entry?.name !== 'string' || !entry.user) continue;
    const tokenFile = typeof entry.user.tokenFile === 'string' && entry.user.tokenFile ? resolveFrom(dir, entry.user.tokenFile) : null;
    const exec = execPluginOf(entry.user.exec, dir);
    if (tokenFile || exec) userAuth.set(entry.name, { tokenFile, exec });
  }
  return { kc, userAuth };
}

function firstByName<T extends { name: string }>(lists: T[][]): T[] {
  const seen = new Map<string, T>();
  for (const list of lists) for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item);
  return [...seen.values()];
}

/** Loads and merges `files` in order (each must be readable: the caller decides which files count). */
export function mergeKubeconfigFiles(files: readonly string[]): MergedKubeconfig {
  const loaded = files.map((file) => {
    try {
      return loadOne(file);
    } catch (e) {
      throw new KubeconfigFileError(file, { cause: e });
    }
  });
  const users = firstByName<User>(loaded.map((l) => l.kc.getUsers()));
  const userAuth = new Map<string, UserAuth>();
  for (const l of loaded) for (const [name, auth] of l.userAuth) if (!userAuth.has(name)) userAuth.set(name, auth);
  // The probe runs exec plugins itself (caching, installHint, interactive mode): client-node must not.
  const forClientNode = users.map((u) => (userAuth.get(u.name)?.exec ? { ...u, exec: undefined } : u));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: firstByName<Cluster>(loaded.map((l) => l.kc.getClusters())),
    users: forClientNode,
    contexts: firstByName<Context>(loaded.map((l) => l.kc.getContexts())),
    currentContext: loaded.map((l) => l.kc.getCurrentContext()).find((name) => !!name) ?? '',
  });
  // Only users that exist after the merge (a later file's user of the same name lost).
  for (const name of [...userAuth.keys()]) {
    const winner = loaded.find((l) => l.kc.getUsers().some((u) => u.name === name));
    if (!winner?.userAuth.has(name)) userAuth.delete(name);
  }
  return { kc, userAuth };
}
