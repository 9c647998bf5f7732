// What clients cost the simulated API server: every request (path and query) and the response body
// bytes actually written for it — long-lived watch streams and log follows included, byte by byte as
// they are written. A benchmark resets it before a run and reads it after.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ApiRequestUsage {
  method: string;
  /** Path without the query, e.g. `/api/v1/namespaces/panda/pods`. */
  path: string;
  /** The query string without `?` (empty when none), e.g. `watch=true&resourceVersion=1042`. */
  query: string;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  /** 0 until the response head is written. */
  status: number;
  /** Response body bytes written so far (after any content encoding; no HTTP framing, no TLS). */
  bytes: number;
  /** True while the response is still open (a watch, a log follow). */
  open: boolean;
}

export interface ApiPathUsage {
  requests: number;
  bytes: number;
}

export interface ApiUsage {
  /** Requests that arrived since the last reset. */
  requests: number;
  /** Response body bytes written since the last reset, also by streams opened before it. */
  bytes: number;
  /**
   * Per request kind and path: `list /api/v1/namespaces/panda/pods`, `watch …`, `get …/pods/NAME`,
   * `log …/log`, `follow …/log`, `discovery /api/v1`, `other /version`. A GET that is no watch is `get`
   * when its path names one object (an even number of segments after `namespaces/NS`), else `list`.
   */
  byPath: Record<string, ApiPathUsage>;
  /** Every request since the reset, in arrival order (the first `maxLogged`; the totals count all). */
  log: ApiRequestUsage[];
}

const WATCH_TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

export class ApiUsageMeter {
  private requests = 0;
  private bytes = 0;
  private byPath = new Map<string, ApiPathUsage>();
  private log: ApiRequestUsage[] = [];

  constructor(private readonly maxLogged = 10_000) {}

  /** Starts accounting for one request: wraps the response's write/end to count what is written. */
  track(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    const entry: ApiRequestUsage = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      receivedAt: performance.now(),
      status: 0,
      bytes: 0,
      open: true,
    };
    const key = `${kindOf(url)} ${url.pathname}`;
    this.requests += 1;
    this.pathUsage(key).requests += 1;
    if (this.log.length < this.maxLogged) this.log.push(entry);

    const count = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || res.destroyed) return;
      const n =
        typeof chunk === 'string'
          ? Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : (chunk as Uint8Array).byteLength;
      entry.bytes += n;
      // Into the current window: a stream opened before a reset adds its later bytes to the new one.
      this.bytes += n;
      this.pathUsage(key).bytes += n;
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((...args: unknown[]) => {
      count(args[0], args[1]);
      return write(...args);
    }) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      count(args[0], args[1]);
      return end(...args);
    }) as ServerResponse['end'];
    const finish = () => {
      entry.status = res.statusCode;
      entry.open = false;
    };
    res.on('close', finish);
    res.on('finish', finish);
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      entry.status = args[0] as number;
      return writeHead(...args);
    }) as ServerResponse['writeHead'];
  }

  /** A copy of the figures since the last reset. */
  snapshot(): ApiUsage {
    return {
      requests: this.requests,
      bytes: this.bytes,
      byPath: Object.fromEntries([...this.byPath].map(([k, v]) => [k, { ...v }])),
      log: this.log.map((e) => ({ ...e })),
    };
  }

  /** Starts a new accounting window; responses still open count their later bytes in it. */
  reset(): void {
    this.requests = 0;
    this.bytes = 0;
    this.byPath = new Map();
    this.log = [];
  }

  private pathUsage(key: string): ApiPathUsage {
    let usage = this.byPath.get(key);
    if (!usage) this.byPath.set(key, (usage = { requests: 0, bytes: 0 }));
    return usage;
  }
}

function kindOf(url: URL): 'watch' | 'follow' | 'log' | 'list' | 'get' | 'discovery' | 'other' {
  const path = url.pathname;
  const query = url.searchParams;
  if (path.includes('/watch/') || WATCH_TRUE.has(query.get('watch') ?? '')) return 'watch';
  if (path.endsWith('/log')) return WATCH_TRUE.has(query.get('follow') ?? '') ? 'follow' : 'log';
  const segments = path.split('/').filter(Boolean);
  const ns = segments.indexOf('namespaces');
  if (segments[0] !== 'api' && segments[0] !== 'apis') return 'other';
  if (segments.length <= (segments[0] === 'api' ? 2 : 3)) return 'discovery';
  // After `namespaces/NS`: `pods` is a list, `pods/NAME` a get. Without a namespace: `namespaces` list, `namespaces/NS` get.
  if (ns === -1) return 'list';
  const after = segments.length - (ns + 2);
  if (after <= 0) return after === 0 ? 'get' : 'list';
  return after % 2 === 1 ? 'list' : 'get';
}
