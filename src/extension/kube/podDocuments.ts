// Show YAML and Show Events open read-only documents under the `consumer-probe-kube:` scheme; the
// provider reads the pod (or its events) through the kubeconfig of the run that saw it, via the engine.
import * as vscode from 'vscode';
import { describeError } from '../../probe/errors';
import { loadEngine } from '../lazy';
import type { RunRecord } from '../runRecord';

export const POD_DOC_SCHEME = 'consumer-probe-kube';

export type PodDocKind = 'yaml' | 'events';

/** `consumer-probe-kube:/panda/grpc-job-1-2-abcde.yaml?run=…&at=…`: a new URI per request, as the pod moves on. */
export function podDocUri(kind: PodDocKind, runId: string, namespace: string, pod: string, at = Date.now()): vscode.Uri {
  return vscode.Uri.from({
    scheme: POD_DOC_SCHEME,
    path: `/${namespace}/${pod}.${kind === 'yaml' ? 'yaml' : 'events'}`,
    query: new URLSearchParams({ run: runId, at: String(at) }).toString(),
  });
}

export class PodDocuments implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly runById: (id: string) => RunRecord | undefined,
    private readonly onFailure: (what: string, reason: string) => void,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const [, namespace = '', file = ''] = uri.path.split('/');
    const kind: PodDocKind = file.endsWith('.yaml') ? 'yaml' : 'events';
    const pod = file.replace(/\.(yaml|events)$/, '');
    const run = this.runById(new URLSearchParams(uri.query).get('run') ?? '');
    const header =
      kind === 'yaml'
        ? `# pod ${pod} (namespace ${namespace}), read ${new Date().toISOString()}`
        : `# events of pod ${pod} (namespace ${namespace}), read ${new Date().toISOString()}`;
    if (!run) return `${header}\n# this run is no longer in the history\n`;
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      const engine = loadEngine();
      const read = kind === 'yaml' ? engine.podYaml : engine.podEvents;
      return `${header}\n${await read(run.target, namespace, pod, abort.signal)}`;
    } catch (e) {
      const what = kind === 'yaml' ? `read pod ${pod}` : `read the events of pod ${pod}`;
      this.onFailure(what, describeError(e));
      return `${header}\n# cannot ${what}: ${describeError(e)}\n`;
    } finally {
      cancel.dispose();
    }
  }
}
