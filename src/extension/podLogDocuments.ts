// Pod logs open as read-only documents under the `consumer-probe-log:` scheme; the provider fetches
// them through the kubeconfig of the run that saw the pod.
import * as vscode from 'vscode';
import { describeError } from '../probe/errors';
import { loadEngine } from './lazy';
import type { RunRecord, RunTarget } from './runRecord';

/** Said instead of a connection error when the sandbox that played a run is gone. */
export const SANDBOX_GONE =
  'The sandbox that ran this probe has stopped, so its pods and their logs are gone: run the scenario again for fresh logs.';

export const POD_LOG_SCHEME = 'consumer-probe-log';
export const LOG_TAIL_LINES = 500;

/** A new URI per request: VS Code caches a document's content by URI, and logs move on. */
export function podLogUri(runId: string, namespace: string, pod: string, at = Date.now()): vscode.Uri {
  return vscode.Uri.from({
    scheme: POD_LOG_SCHEME,
    path: `/${namespace}/${pod}.log`,
    query: new URLSearchParams({ run: runId, at: String(at) }).toString(),
  });
}

export class PodLogDocuments implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly runById: (id: string) => RunRecord | undefined,
    private readonly onFailure: (reason: string) => void,
    /** Whether the cluster the run watched can still be asked (false for a stopped sandbox's run). */
    private readonly reachable: (target: RunTarget) => boolean,
    /** A stopped sandbox's run: one sentence, with the way to fresh logs. */
    private readonly onSandboxGone: (run: RunRecord) => void,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const [, namespace = '', file = ''] = uri.path.split('/');
    const pod = file.replace(/\.log$/, '');
    const run = this.runById(new URLSearchParams(uri.query).get('run') ?? '');
    const header = `# logs of pod ${pod} (namespace ${namespace}), last ${LOG_TAIL_LINES} lines, read ${new Date().toISOString()}`;
    if (!run) return `${header}\n# this run is no longer in the history\n`;
    if (!this.reachable(run.target)) {
      this.onSandboxGone(run);
      return `${header}\n# ${SANDBOX_GONE}\n`;
    }
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      const text = await loadEngine().readPodLog({ target: run.target, namespace, pod, tailLines: LOG_TAIL_LINES, signal: abort.signal });
      return `${header}\n${text || '# (the container has written nothing yet)\n'}`;
    } catch (e) {
      const reason =
        run.target.kind === 'sandbox' ? `${describeError(e)} (the sandbox that ran this probe may have stopped)` : describeError(e);
      this.onFailure(`cannot read the logs of ${pod}: ${reason}`);
      return `${header}\n# cannot read the logs: ${reason}\n`;
    } finally {
      cancel.dispose();
    }
  }
}
