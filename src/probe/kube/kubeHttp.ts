// Raw HTTP to the Kubernetes API with the kubeconfig's credentials. We speak list/watch ourselves
// (rather than client-node's informer) to own resume, 410 re-list, bookmarks and cancellation.
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeError } from '../errors';
import { isTlsErrorCode } from '../tlsErrors';
import { oneLine } from '../text';
import { KubeAccessError } from './kubeAccessError';
import { credentialsFor, forgetCredentials } from './kubeCredentials';

export { KubeAccessError };

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

/** `Retry-After` as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMsOf(header: string | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function classifyStatus(status: number, body: string, what: string, retryAfterMs: number | null = null): KubeAccessError {
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
  return new KubeAccessError('ERROR', `HTTP ${status} ${what}: ${detail}`, status, {
    statusMessage: detail,
    ...(retryAfterMs !== null ? { retryAfterMs } : {}),
  });
}

function classifyNetworkError(e: unknown, server: string): KubeAccessError {
  const code = (e as { code?: string }).code ?? '';
  if (isTlsErrorCode(code)) return new KubeAccessError('TLS_ERROR', `TLS with ${server} failed: ${describeError(e)}`, null, { cause: e });
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT'].includes(code)) {
    return new KubeAccessError('UNREACHABLE', `cannot reach ${server}: ${code}`, null, { cause: e });
  }
  return new KubeAccessError('UNREACHABLE', `cannot reach ${server}: ${describeError(e)}`, null, { cause: e });
}

/** An error status's body is read up to this (a Status object is a few hundred bytes). */
const MAX_STATUS_BODY_BYTES = 64 * 1024;

/**
 * Sends a GET and resolves with the response once a 200 arrives; any other status becomes a
 * KubeAccessError carrying the server's Status message. The caller consumes (or destroys) the body.
 * Credentials are reused across requests (kubeCredentials.ts); a 401 on reused ones rebuilds them
 * (a rotated token file, an exec credential revoked early) and tries once more.
 */
export async function kubeGet(kc: KubeConfig, pathAndQuery: string, opts: KubeRequestOptions): Promise<http.IncomingMessage> {
  opts.signal.throwIfAborted();
  const credentials = await credentialsFor(kc, opts.signal);
  try {
    return await sendGet(kc, pathAndQuery, credentials.options, opts);
  } catch (e) {
    if (!(e instanceof KubeAccessError && e.httpStatus === 401 && credentials.reused)) throw e;
    forgetCredentials(kc);
    return sendGet(kc, pathAndQuery, (await credentialsFor(kc, opts.signal)).options, opts);
  }
}

function sendGet(
  kc: KubeConfig,
  pathAndQuery: string,
  base: https.RequestOptions,
  opts: KubeRequestOptions,
): Promise<http.IncomingMessage> {
  const server = kc.getCurrentCluster()?.server ?? '';
  const url = new URL(server.replace(/\/+$/, '') + pathAndQuery);
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
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept >= MAX_STATUS_BODY_BYTES) return res.destroy();
        chunks.push(c);
        kept += c.length;
      });
      const retryAfterMs = retryAfterMsOf(res.headers['retry-after']);
      const fail = () =>
        reject(classifyStatus(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `from ${url.pathname}`, retryAfterMs));
      res.on('end', fail);
      res.on('close', fail); // cut short (the cap, or the peer): what arrived is the message
      res.on('error', () => undefined);
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

/**
 * A JSON answer is read up to this. The probe's lists are paged (`limit`), the rest are single objects;
 * an answer larger than this is not one the probe asked for, and reading it would cost unbounded memory.
 */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

/** A GET whose whole answer (headers and body) must arrive within `timeoutMs`, read up to `maxBytes`. */
export async function kubeGetJson<T>(kc: KubeConfig, pathAndQuery: string, opts: KubeRequestOptions & { maxBytes?: number }): Promise<T> {
  const maxBytes = opts.maxBytes ?? MAX_JSON_BODY_BYTES;
  const deadline = opts.timeoutMs === null ? null : AbortSignal.timeout(opts.timeoutMs);
  const signal = deadline ? AbortSignal.any([opts.signal, deadline]) : opts.signal;
  const what = new URL(pathAndQuery, 'http://x').pathname;
  const server = kc.getCurrentCluster()?.server ?? '';
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const res = await kubeGet(kc, pathAndQuery, { ...opts, signal });
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.destroy();
        throw new KubeAccessError('ERROR', `the API server's answer to ${what} is larger than ${maxBytes / 1024 / 1024} MiB: not read`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (opts.signal.aborted) throw opts.signal.reason;
    if (deadline?.aborted) {
      throw new KubeAccessError('UNREACHABLE', `no complete answer from ${server} to ${what} within ${opts.timeoutMs! / 1000} s`, null, {
        cause: e,
      });
    }
    if (e instanceof KubeAccessError) throw e;
    throw classifyNetworkError(e, server);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch {
    throw new KubeAccessError('ERROR', `the API server answered ${what} with something that is not JSON`);
  }
}

/** Objects per page of a full list (kubectl's default chunk size). */
export const LIST_PAGE_SIZE = 500;

/**
 * A whole collection, in pages of LIST_PAGE_SIZE as kubectl reads it: every answer stays small (the body
 * cap of kubeGetJson holds for any namespace), and the pages are one consistent snapshot, whose
 * resourceVersion is the first page's.
 */
export async function kubeListAll<T>(
  kc: KubeConfig,
  path: string,
  params: Record<string, string>,
  opts: KubeRequestOptions,
): Promise<{ items: T[]; resourceVersion: string }> {
  type Page = { items?: T[]; metadata?: { resourceVersion?: string; continue?: string } };
  const page = (next?: string) => {
    const query = new URLSearchParams({ ...params, limit: String(LIST_PAGE_SIZE), ...(next ? { continue: next } : {}) });
    return kubeGetJson<Page>(kc, `${path}?${query}`, opts);
  };
  const first = await page();
  const items = [...(first.items ?? [])];
  let next = first.metadata?.continue;
  while (next) {
    const more = await page(next);
    items.push(...(more.items ?? []));
    next = more.metadata?.continue;
  }
  return { items, resourceVersion: first.metadata?.resourceVersion ?? '' };
}
