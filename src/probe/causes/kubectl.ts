// The kubectl commands a diagnosis suggests, aimed where the probe looked: the same kubeconfig (when one
// was named explicitly; otherwise kubectl finds the same one the probe found), the same context and the
// same namespace. A command copied from a report must not run against whatever context the terminal has.

/** Where the probe ran: what a suggested command must carry to look at the same cluster. */
export interface KubectlTarget {
  namespace: string;
  /** The kube context the probe used; null when no kubeconfig was found. */
  context?: string | null;
  /** The kubeconfig file given explicitly (flag, setting, sandbox); null when kubectl finds it the same way. */
  kubeconfig?: string | null;
}

/** Builds one command line from separate arguments, each quoted for a POSIX shell when it needs it. */
export type Kubectl = (...args: string[]) => string;

/** Characters a POSIX shell reads literally; anything else is wrapped in single quotes. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `it's` → `'it'\''s'`: single quotes keep everything literal, and a quote is closed, escaped and reopened. */
export function shellQuote(arg: string): string {
  if (SHELL_SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function targetFlags(target: KubectlTarget): string[] {
  return [...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []), ...(target.context ? ['--context', target.context] : [])];
}

/** `kubectl [--kubeconfig F] [--context C] -n NS <args>`. */
export function kubectlIn(target: KubectlTarget): Kubectl {
  return (...args) => ['kubectl', ...[...targetFlags(target), '-n', target.namespace, ...args].map(shellQuote)].join(' ');
}

/** The same, for cluster-scoped commands (`get namespaces`): no `-n`. */
export function kubectlClusterWide(target: KubectlTarget): Kubectl {
  return (...args) => ['kubectl', ...[...targetFlags(target), ...args].map(shellQuote)].join(' ');
}
