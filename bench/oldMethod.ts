// A faithful re-implementation of the team's old Python test, as the benchmark's baseline: POST
// /configure, then in parallel (a) list *every* pod of the namespace every 500 ms (a full GET, parsed)
// and keep the pods whose name *contains* the job id (its substring matching, decoys and the cleanup
// Job's pod included), noting when a poll first sees each pod created, Running and Ready; (b) GET
// /metadata/<id> every 100 ms until it answers 200 or the timeout. It talks to the Kubernetes API the way
// a kubeconfig says (HTTPS verified against the CA, bearer token, one kept-alive connection), so a
// simulated API server can count what it costs.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

export interface OldMethodOptions {
  /** Backend base URL (a `/scenario/<profile>` prefix is kept). */
  backendUrl: string;
  /** A kubeconfig with `certificate-authority-data` and a bearer token (the sandbox writes JSON). */
  kubeconfig: string;
  namespace: string;
  body: unknown;
  timeoutMs: number;
  /** Default 500. */
  podPollMs?: number;
  /** Default 100. */
  metadataPollMs?: number;
}

/** When the old method's polls first saw each state of one pod, in ms since t0. */
export interface OldPodSighting {
  createdMs: number;
  runningMs: number | null;
  readyMs: number | null;
}

export interface OldMethodResult {
  jobId: string | null;
  /** performance.now() when POST /configure was sent. */
  t0: number;
  /** performance.now() when the first Kubernetes API request was sent (null: none was). */
  firstApiRequestAt: number | null;
  /** Every pod whose name contains the job id, by name. */
  pods: Record<string, OldPodSighting>;
  /** First 200 from /metadata, ms since t0. */
  consumerReadyMs: number | null;
  /** When it stopped polling /metadata (ready or timeout), ms since t0; null when configure failed. */
  endedMs: number | null;
  podPolls: number;
  metadataPolls: number;
  /** Bytes of pod lists it received and parsed. */
  podListBytes: number;
}

/** The parts of a kubeconfig (JSON, as the sandbox writes it) and of a pod list the old method reads. */
interface KubeconfigDoc {
  'current-context': string;
  contexts: { name: string; context: { cluster: string; user: string } }[];
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
}

interface ListedPod {
  metadata?: { name?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

interface KubeTarget {
  server: URL;
  ca: string;
  token: string;
}

function readKubeconfig(path: string): KubeTarget {
  // JSON is a subset of YAML: the sandbox's kubeconfig is JSON.
  const doc = JSON.parse(readFileSync(path, 'utf8')) as KubeconfigDoc;
  const context = doc.contexts.find((c) => c.name === doc['current-context'])!.context;
  const cluster = doc.clusters.find((c) => c.name === context.cluster)!.cluster;
  const user = doc.users.find((u) => u.name === context.user)!.user;
  return {
    server: new URL(cluster.server),
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    token: user.token,
  };
}

function get(
  url: URL,
  opts: { agent: http.Agent; headers?: Record<string, string>; ca?: string; signal: AbortSignal; method?: string; body?: string },
): Promise<{ status: number; body: Buffer }> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: opts.method ?? 'GET',
      agent: opts.agent,
      headers: opts.headers,
      signal: opts.signal,
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runOldMethod(opts: OldMethodOptions): Promise<OldMethodResult> {
  const kube = readKubeconfig(opts.kubeconfig);
  const kubeAgent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const backendAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const stop = new AbortController();
  const base = opts.backendUrl.replace(/\/+$/, '');
  const result: OldMethodResult = {
    jobId: null,
    t0: 0,
    firstApiRequestAt: null,
    pods: {},
    consumerReadyMs: null,
    endedMs: null,
    podPolls: 0,
    metadataPolls: 0,
    podListBytes: 0,
  };
  try {
    result.t0 = performance.now();
    const configured = await get(new URL(`${base}/configure`), {
      agent: backendAgent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(opts.body),
      signal: stop.signal,
    });
    const jobId = configured.status === 200 ? (JSON.parse(configured.body.toString('utf8')).job_id ?? null) : null;
    result.jobId = typeof jobId === 'string' ? jobId : null;
    if (result.jobId === null) return result;
    const id = result.jobId;
    const sinceT0 = () => performance.now() - result.t0;
    const deadline = result.t0 + opts.timeoutMs;

    const pollPods = async () => {
      const podsUrl = new URL(`/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods`, kube.server);
      const headers = { authorization: `Bearer ${kube.token}`, accept: 'application/json' };
      while (!stop.signal.aborted && performance.now() < deadline) {
        const began = performance.now();
        result.firstApiRequestAt ??= began;
        let list: { items?: ListedPod[] };
        try {
          const res = await get(podsUrl, { agent: kubeAgent, headers, ca: kube.ca, signal: stop.signal });
          result.podListBytes += res.body.length;
          list = JSON.parse(res.body.toString('utf8')) as { items?: ListedPod[] };
        } catch {
          if (stop.signal.aborted) return;
          list = {};
        }
        result.podPolls += 1;
        const seenAt = sinceT0();
        for (const pod of list.items ?? []) {
          const name: string = pod.metadata?.name ?? '';
          if (!name.includes(id)) continue;
          const sighting = (result.pods[name] ??= { createdMs: seenAt, runningMs: null, readyMs: null });
          if (sighting.runningMs === null && pod.status?.phase === 'Running') sighting.runningMs = seenAt;
          const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
          if (sighting.readyMs === null && ready) sighting.readyMs = seenAt;
        }
        await sleep((opts.podPollMs ?? 500) - (performance.now() - began), stop.signal);
      }
    };

    const pollMetadata = async () => {
      const url = new URL(`${base}/metadata/${encodeURIComponent(id)}`);
      while (performance.now() < deadline) {
        const began = performance.now();
        try {
          const res = await get(url, { agent: backendAgent, signal: stop.signal });
          result.metadataPolls += 1;
          if (res.status === 200) {
            result.consumerReadyMs = sinceT0();
            return;
          }
        } catch {
          result.metadataPolls += 1;
        }
        await sleep(Math.min((opts.metadataPollMs ?? 100) - (performance.now() - began), deadline - performance.now()), stop.signal);
      }
    };

    const pods = pollPods();
    await pollMetadata();
    result.endedMs = sinceT0();
    stop.abort();
    await pods;
    return result;
  } finally {
    stop.abort();
    kubeAgent.destroy();
    backendAgent.destroy();
  }
}
