// Reading a pod's logs for "Show Pod Logs", through the same kubeconfig (file and context) the run
// used, with a deadline, and the text capped so a chatty pod cannot stall the editor.
import { describeError } from '../probe/errors';
import { resolveKubeconfig } from '../probe/kube/kubeconfig';
import { kubeGet } from '../probe/kube/kubeHttp';
import type { RunTarget } from './runRecord';

const MAX_BYTES = 2 * 1024 * 1024;

export interface PodLogRequest {
  target: RunTarget;
  namespace: string;
  pod: string;
  /** How many of the last lines. */
  tailLines: number;
  /** The previous container's logs (after a restart). */
  previous?: boolean;
  signal: AbortSignal;
}

/** The last `tailLines` lines; throws an Error with a one-sentence message when they cannot be read. */
export async function readPodLog(req: PodLogRequest): Promise<string> {
  const kube = resolveKubeconfig({ kubeconfig: req.target.kubeconfig, context: req.target.context, namespace: req.target.namespace });
  if (!kube.found) throw new Error(kube.reason);
  const query = new URLSearchParams({ tailLines: String(req.tailLines), ...(req.previous ? { previous: 'true' } : {}) });
  const path = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/log?${query}`;
  const res = await kubeGet(kube.kc, path, { signal: req.signal, timeoutMs: 10_000 });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > MAX_BYTES) {
        res.destroy();
        break;
      }
    }
  } catch (e) {
    throw new Error(`the log stream broke: ${describeError(e)}`, { cause: e });
  }
  return Buffer.concat(chunks).toString('utf8');
}
