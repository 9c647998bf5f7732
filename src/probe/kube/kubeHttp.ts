// Raw HTTP to the Kubernetes API with the kubeconfig's credentials. We speak list/watch ourselves
// (rather than client-node's informer) to own resume, 410 re-list, bookmarks and cancellation.
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterUnavailableCode } from '../model';
import { describeError } from '../errors';
import { oneLine } from '../text';

export class KubeAccessError extends Error {
  constructor(
    readonly code: ClusterUnavailableCode,
    message: string,
    readonly httpStatus: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeAccessError';
  }
}

/** What requests to the API server cost: counted as they are sent and as response bodies arrive. */
export interface ApiMeter {
  requests: number;
  /** Response body bytes received (after any content encoding; no HTTP framing), streams included. */
  bytes: number;
  /** performance.now() when the first request was sent; null before. */
  firstAt: number | null;
}

export function newApiMeter(): ApiMeter {
  return { requests: 0, bytes: 0, firstAt: null };
}

export interface KubeRequestOptions {
  signal: AbortSignal;
  /** Counts this request and its response body. */
  meter?: ApiMeter;
  /** Time allowed until the response headers arrive; null = no limit (a stream that answers with its first data). */
  timeoutMs: number | null;
  /** Default `application/json`; pod logs are text. */
  accept?: string;
}

async function requestOptions(kc: KubeConfig): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

function classifyStatus(status: number, body: string, what: string): KubeAccessError {
  let message = body;
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed.message) message = parsed.message;
  } catch {
    /* not a Status object: keep the text */
  }
  const detail = oneLine(message || http.STATUS_CODES[status] || '', 240);
  if (status === 401) return new KubeAccessError('UNAUTHORIZED', `401 Unauthorized ${what}: credentials rejected`, 401);
  if (status === 403) return new KubeAccessError('FORBIDDEN', `403 Forbidden ${what}: ${detail}`, 403);
  return new KubeAccessError('ERROR', `HTTP ${status} ${what}: ${detail}`, status);
}

function classifyNetworkError(e: unknown, server: string): KubeAccessError {
  const code = (e as { code?: string }).code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT'].includes(code)) {
    return new KubeAccessError('UNREACHABLE', `cannot reach ${server}: ${code}`, null, { cause: e });
  }
  return new KubeAccessError('UNREACHABLE', `cannot reach ${server}: ${describeError(e)}`, null, { cause: e });
}

/**
 * Sends a GET and resolves with the response once a 200 arrives; any other status becomes a
 * KubeAccessError carrying the server's Status message. The caller consumes (or destroys) the body.
 */
export async function kubeGet(kc: KubeConfig, pathAndQuery: string, opts: KubeRequestOptions): Promise<http.IncomingMessage> {
  opts.signal.throwIfAborted();
  const server = kc.getCurrentCluster()?.server ?? '';
  const url = new URL(server.replace(/\/+$/, '') + pathAndQuery);
  let base: https.RequestOptions;
  try {
    base = await requestOptions(kc);
  } catch (e) {
    throw new KubeAccessError('ERROR', `cannot use the kubeconfig credentials: ${describeError(e)}`, null, { cause: e });
  }
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      ...base,
      method: 'GET',
      signal: opts.signal,
      headers: { ...(base.headers ?? {}), Accept: opts.accept ?? 'application/json' },
    });
    const timer =
      opts.timeoutMs === null
        ? undefined
        : setTimeout(() => req.destroy(Object.assign(new Error('no response in time'), { code: 'ETIMEDOUT' })), opts.timeoutMs);
    if (opts.meter) {
      opts.meter.requests += 1;
      opts.meter.firstAt ??= performance.now();
    }
    req.on('response', (res) => {
      clearTimeout(timer);
      if (opts.meter) meterBody(res, opts.meter);
      if (res.statusCode === 200) return resolve(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(classifyStatus(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `from ${url.pathname}`)));
      res.on('error', (e) => reject(classifyNetworkError(e, server)));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(opts.signal.aborted ? opts.signal.reason : classifyNetworkError(e, server));
    });
    req.end();
  });
}

/**
 * Counts the body bytes of `res` as the HTTP parser hands them over (IncomingMessage.push), before any
 * consumer reads them: consumers read by line, by chunk or not at all, and a 'data' listener here would
 * switch the stream to flowing mode under them.
 */
function meterBody(res: http.IncomingMessage, meter: ApiMeter): void {
  const push = res.push.bind(res);
  res.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null && chunk !== undefined)
      meter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : (chunk as Uint8Array).byteLength;
    return push(chunk, encoding);
  };
}

export async function kubeGetJson<T>(kc: KubeConfig, pathAndQuery: string, opts: KubeRequestOptions): Promise<T> {
  const res = await kubeGet(kc, pathAndQuery, opts);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new KubeAccessError('ERROR', `the API server answered ${pathAndQuery} with something that is not JSON`);
  }
}
