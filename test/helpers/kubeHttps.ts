// Plain node:https access to a (simulated) Kubernetes API server, verified against its CA: one-shot
// requests, and line streams for watches and log follows that hand out one line at a time with a
// deadline, so a missing event fails the test with a message instead of hanging it.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request, type Agent } from 'node:https';

export interface KubeEndpoint {
  /** `https://127.0.0.1:PORT` */
  url: string;
  caPem: string;
}

export interface KubeRequestOptions {
  /** Sent as `Authorization: Bearer …` when given. */
  token?: string;
  accept?: string;
  method?: string;
  /** Default: a fresh connection that closes after the response (nothing pooled outlives the test). */
  agent?: Agent;
}

export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json<T = any>(): T;
}

function send(endpoint: KubeEndpoint, path: string, opts: KubeRequestOptions): Promise<IncomingMessage> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.accept !== undefined) headers.accept = opts.accept;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, endpoint.url), {
      method: opts.method ?? 'GET',
      ca: endpoint.caPem,
      headers,
      agent: opts.agent ?? false,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

export async function kubeRequest(endpoint: KubeEndpoint, path: string, opts: KubeRequestOptions = {}): Promise<KubeResponse> {
  const res = await send(endpoint, path, opts);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  return { status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) };
}

export interface NextOptions {
  /** Default 5000. */
  timeoutMs?: number;
  /** For the failure message: "the ADDED event of p3". */
  what?: string;
}

/** A streaming response read line by line (NDJSON watch events, followed log lines). */
export class LineStream {
  private readonly lines: string[] = [];
  private partial = '';
  private waiter?: () => void;
  private outcome?: 'end' | Error;

  constructor(private readonly res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
    res.on('end', () => this.settle('end'));
    res.on('error', (error) => this.settle(error));
    // A destroyed connection may close without 'end' or 'error'.
    res.on('close', () => this.settle(res.complete ? 'end' : new Error('stream closed before it ended')));
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.res.headers;
  }

  /** The next line; null once the server ended the stream cleanly. Rejects if it broke or on timeout. */
  async next({ timeoutMs = 5000, what = 'the next line' }: NextOptions = {}): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.outcome === 'end') return null;
      if (this.outcome) throw this.outcome;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.sleepUntilNews(left);
    }
  }

  /** Waits until the stream has news (a line or its end) or `ms` pass. */
  private sleepUntilNews(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The next line parsed as JSON (a watch event); null at a clean end. */
  async nextJson<T = any>(opts?: NextOptions): Promise<T | null> {
    const line = await this.next(opts);
    return line === null ? null : (JSON.parse(line) as T);
  }

  /** Resolves with how the stream finished: 'end' (clean) or the error that broke it. */
  async finished({ timeoutMs = 5000, what = 'the stream to end' }: NextOptions = {}): Promise<'end' | Error> {
    const deadline = Date.now() + timeoutMs;
    while (!this.outcome) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.sleepUntilNews(left);
    }
    return this.outcome;
  }

  /** Hangs up from the client side. */
  close(): void {
    this.res.destroy();
  }

  private settle(outcome: 'end' | Error): void {
    this.outcome ??= outcome;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/** Opens a streaming GET; resolves once the response headers arrived. */
export async function openKubeStream(endpoint: KubeEndpoint, path: string, opts: KubeRequestOptions = {}): Promise<LineStream> {
  return new LineStream(await send(endpoint, path, opts));
}
