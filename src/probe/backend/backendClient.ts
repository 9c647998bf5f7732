// The backend over one kept-alive undici connection. Every request has a deadline on its whole answer
// (a backend that hangs or trickles cannot stall the probe), every body is read up to a cap (a huge
// answer cannot exhaust memory or block the event loop), and every failure becomes data (status / error
// text), not a throw.
// The connection can be opened before the first request (`warmUp`: DNS, TCP and TLS, no HTTP), so the
// first request's time is the backend's alone; the client counts the requests it sends.
import type { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { buildConnector, Client, errors as undiciErrors } from 'undici';
import { readCappedBody } from '../cappedBody';
import type { ConfigureFailure } from '../model';
import type { BackendOptions } from '../options';
import { describeError } from '../errors';
import { isTlsErrorCode } from '../tlsErrors';
import { readJobId } from './configureAnswer';
import { metadataPath } from './metadataPath';
import { errorTextOf } from './responseText';

export interface BackendAnswer {
  status: number | null;
  body: string;
  error: string | null;
  /** Why there is no answer (status null): the deadline passed, TLS failed, or the backend could not be reached. */
  failure: Extract<ConfigureFailure, 'timeout' | 'tls_error' | 'unreachable'> | null;
  /** The body was longer than the read cap: `body` is its first `readBytes` bytes. Absent when it was read whole. */
  bodyCut?: { readBytes: number };
}

export interface ConfigureOutcome {
  status: number | null;
  jobId: string | null;
  error: string | null;
  failure: ConfigureFailure | null;
  /** The answer's body was longer than the read cap: only its first `readBytes` bytes were looked at. */
  bodyCut?: { readBytes: number };
}

function networkFailureOf(e: unknown): NonNullable<BackendAnswer['failure']> {
  if (
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e instanceof undiciErrors.ConnectTimeoutError
  ) {
    return 'timeout';
  }
  const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code ?? '';
  return isTlsErrorCode(code) ? 'tls_error' : 'unreachable';
}

function networkErrorText(e: unknown, origin: string, timeoutMs: number): string {
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) {
    return `no answer from ${origin} within ${timeoutMs / 1000} s`;
  }
  if (e instanceof undiciErrors.ConnectTimeoutError) return `cannot connect to ${origin}: connect timeout`;
  const code = (e as { code?: string }).code;
  if (code && /^E[A-Z]+$/.test(code)) return `cannot connect to ${origin} (${code})`;
  return `request to ${origin} failed: ${describeError(e)}`;
}

/** What undici's connector is called with; the warm-up calls it with what the client's first connect would. */
type ConnectParams = Parameters<buildConnector.connector>[0];

/**
 * A connection opened ahead of the first request. Until undici takes it, any sign of life from the server
 * (bytes nobody asked for, end of stream, error, close) makes it unusable: it is then dropped and the
 * first request connects as it would have without a warm-up.
 */
class WarmSocket {
  usable = true;
  private readonly onEvent = () => this.spoil();

  constructor(readonly socket: Socket) {
    // 'readable' also fires on the server's FIN; nothing is read, so nothing is lost for undici.
    for (const event of ['readable', 'end', 'error', 'close'] as const) socket.on(event, this.onEvent);
  }

  private spoil(): void {
    this.usable = false;
    this.socket.destroy();
  }

  /** The socket for undici (null when spoiled), without this object's listeners. */
  release(): Socket | null {
    for (const event of ['readable', 'end', 'error', 'close'] as const) this.socket.off(event, this.onEvent);
    if (this.usable && !this.socket.destroyed && this.socket.writable) return this.socket;
    this.socket.destroy();
    return null;
  }
}

export class BackendClient {
  private readonly client: Client;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly connectParams: ConnectParams;
  /** undici's own connector, with the options the client used before it had a hook (same TLS session cache, keep-alive). */
  private readonly connector: buildConnector.connector;
  /** The warm-up, until the client's first connect takes its socket. */
  private warm: Promise<WarmSocket | null> | null = null;
  private sent = 0;
  /** Aborted by close(): a warm-up still connecting stops. */
  private readonly closing = new AbortController();

  constructor(private readonly options: BackendOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    // As undici's Client derives them from its origin (an IPv6 host without brackets).
    this.connectParams = {
      host: url.host,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      protocol: url.protocol,
      port: url.port,
      localAddress: null,
    };
    // Extra CAs are trusted besides Node's own (as NODE_EXTRA_CA_CERTS does): `ca` alone would replace them.
    const ca = options.ca ? { ca: [...rootCertificates, options.ca] } : {};
    this.connector = buildConnector({ timeout: options.requestTimeoutMs, ...ca });
    this.client = new Client(this.origin, {
      connect: (params, callback) => this.connect(params, callback),
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  /** HTTP requests sent so far (configure and metadata; the warm-up sends none). */
  get requestsSent(): number {
    return this.sent;
  }

  /**
   * Opens the connection the first request will use (DNS, TCP, TLS) without sending anything the
   * backend would see as a request. Settles when it is open or could not be opened (never rejects):
   * a failure changes nothing, the first request then connects itself and reports what it meets.
   * Aborting closes the socket at once.
   */
  warmUp(signal: AbortSignal): Promise<void> {
    this.warm ??= new Promise<WarmSocket | null>((resolve) => {
      const stop = AbortSignal.any([signal, this.closing.signal]);
      if (stop.aborted) return resolve(null);
      let settled = false;
      let pending: Socket | undefined;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        pending?.destroy();
        resolve(null);
      };
      stop.addEventListener('abort', onAbort, { once: true });
      try {
        // undici's connector returns the socket it is connecting, so an abort can close it before it is open.
        pending = this.connector(this.connectParams, (error, socket) => {
          stop.removeEventListener('abort', onAbort);
          if (settled) return void socket?.destroy();
          settled = true;
          resolve(error || !socket ? null : new WarmSocket(socket));
        }) as unknown as Socket | undefined;
      } catch {
        stop.removeEventListener('abort', onAbort);
        settled = true;
        resolve(null);
      }
    });
    return this.warm.then(() => undefined);
  }

  /** The client's connector: the warm socket for its first connection when it is still good, else a new one. */
  private connect(params: ConnectParams, callback: buildConnector.Callback): void {
    const warm = this.warm;
    this.warm = null;
    if (!warm) return this.connector(params, callback);
    void warm.then((w) => {
      if (!w) return this.connector(params, callback);
      // As undici does before reusing an idle socket: let a FIN or RST that already arrived be seen first.
      setImmediate(() => {
        const socket = w.release();
        if (socket) callback(null, socket);
        else this.connector(params, callback);
      });
    });
  }

  get configureUrl(): string {
    return this.origin + this.basePath + this.options.configurePath;
  }

  /** Null for an id no path can carry as itself (".", "..", empty, not well-formed): see metadataPath. */
  metadataPathFor(jobId: string): string | null {
    return metadataPath(this.basePath, this.options.metadataPath, jobId);
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (json) h['content-type'] = 'application/json';
    if (this.options.token) h.authorization = `Bearer ${this.options.token}`;
    return h;
  }

  private async send(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: string): Promise<BackendAnswer> {
    this.sent += 1;
    const timeoutMs = this.options.requestTimeoutMs;
    // undici's headersTimeout and bodyTimeout restart at every byte, so a backend that trickles its answer
    // never trips them: this deadline bounds the whole exchange, from connecting to the body's last byte.
    const deadline = AbortSignal.timeout(timeoutMs);
    let headersArrived = false;
    try {
      const res = await this.client.request({
        method,
        path,
        headers: this.headers(body !== undefined),
        body,
        signal: AbortSignal.any([signal, deadline]),
      });
      headersArrived = true;
      const read = await readCappedBody(res.body);
      return {
        status: res.statusCode,
        body: read.text,
        error: null,
        failure: null,
        ...(read.cut ? { bodyCut: { readBytes: read.readBytes } } : {}),
      };
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (deadline.aborted) {
        const what = headersArrived ? 'no complete answer' : 'no answer';
        return { status: null, body: '', error: `${what} from ${this.origin} within ${timeoutMs / 1000} s`, failure: 'timeout' };
      }
      return { status: null, body: '', error: networkErrorText(e, this.origin, timeoutMs), failure: networkFailureOf(e) };
    }
  }

  async configure(signal: AbortSignal): Promise<ConfigureOutcome> {
    const answer = await this.send('POST', this.basePath + this.options.configurePath, signal, JSON.stringify(this.options.body));
    const cut = answer.bodyCut ? { bodyCut: answer.bodyCut } : {};
    if (answer.status === null) return { status: null, jobId: null, error: answer.error, failure: answer.failure };
    if (answer.status < 200 || answer.status >= 300) {
      return { status: answer.status, jobId: null, error: describeHttpFailure(answer.status, answer.body), failure: 'http_error', ...cut };
    }
    return { status: answer.status, ...readJobId(answer.body, this.options.jobIdField, answer.bodyCut ?? null), ...cut };
  }

  async metadata(jobId: string, signal: AbortSignal): Promise<{ status: number | null; error: string | null }> {
    const path = this.metadataPathFor(jobId);
    if (path === null) return { status: null, error: `the job id ${JSON.stringify(jobId)} cannot be put in a URL path` };
    const answer = await this.send('GET', path, signal);
    if (answer.status === null) return { status: null, error: answer.error };
    if (answer.status === 200 || answer.status === 201) return { status: answer.status, error: null };
    return { status: answer.status, error: errorTextOf(answer.body) };
  }

  /** Closes the connection (and a warm one no request took); pending requests are aborted through their signals first. */
  async close(): Promise<void> {
    this.closing.abort();
    const warm = this.warm;
    this.warm = null;
    await Promise.all([this.client.destroy().catch(() => undefined), warm?.then((w) => w?.release()?.destroy())]);
  }
}

export function describeHttpFailure(status: number, body: string): string {
  const text = errorTextOf(body);
  const hint =
    status === 401
      ? ' (the backend wants credentials: set CONSUMER_PROBE_TOKEN)'
      : status === 403
        ? ' (the token is not allowed to do this)'
        : '';
  return `HTTP ${status}${text ? `: ${text}` : ''}${hint}`;
}
