// The backend over one kept-alive undici connection. Every request has a deadline so a hanging
// backend cannot stall the probe, and every failure becomes data (status / error text), not a throw.
import { Client, errors as undiciErrors } from 'undici';
import type { BackendOptions } from '../options';
import { describeError } from '../errors';
import { oneLine } from '../text';
import { errorTextOf } from './responseText';

export interface BackendAnswer {
  status: number | null;
  body: string;
  error: string | null;
}

export interface ConfigureOutcome {
  status: number | null;
  jobId: string | null;
  error: string | null;
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

export class BackendClient {
  private readonly client: Client;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly options: BackendOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.client = new Client(this.origin, {
      connect: { timeout: options.requestTimeoutMs },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  get configureUrl(): string {
    return this.origin + this.basePath + this.options.configurePath;
  }

  metadataPathFor(jobId: string): string {
    return this.basePath + this.options.metadataPath.split('{id}').join(encodeURIComponent(jobId));
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (json) h['content-type'] = 'application/json';
    if (this.options.token) h.authorization = `Bearer ${this.options.token}`;
    return h;
  }

  private async send(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: string): Promise<BackendAnswer> {
    try {
      const res = await this.client.request({ method, path, headers: this.headers(body !== undefined), body, signal });
      const text = await res.body.text();
      return { status: res.statusCode, body: text, error: null };
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      return { status: null, body: '', error: networkErrorText(e, this.origin, this.options.requestTimeoutMs) };
    }
  }

  async configure(signal: AbortSignal): Promise<ConfigureOutcome> {
    const answer = await this.send('POST', this.basePath + this.options.configurePath, signal, JSON.stringify(this.options.body));
    if (answer.status === null) return { status: null, jobId: null, error: answer.error };
    if (answer.status < 200 || answer.status >= 300) {
      return { status: answer.status, jobId: null, error: describeHttpFailure(answer.status, answer.body) };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return { status: answer.status, jobId: null, error: `response is not JSON: ${oneLine(answer.body, 120) || '(empty body)'}` };
    }
    const field = this.options.jobIdField;
    const value = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[field] : undefined;
    if (typeof value === 'string' && value.trim()) return { status: answer.status, jobId: value.trim(), error: null };
    if (typeof value === 'number') return { status: answer.status, jobId: String(value), error: null };
    const keys = parsed && typeof parsed === 'object' ? Object.keys(parsed).join(', ') : typeof parsed;
    return { status: answer.status, jobId: null, error: `response has no "${field}" (got: ${oneLine(keys, 120) || 'nothing'})` };
  }

  async metadata(jobId: string, signal: AbortSignal): Promise<{ status: number | null; error: string | null }> {
    const answer = await this.send('GET', this.metadataPathFor(jobId), signal);
    if (answer.status === null) return { status: null, error: answer.error };
    if (answer.status === 200 || answer.status === 201) return { status: answer.status, error: null };
    return { status: answer.status, error: errorTextOf(answer.body) };
  }

  /** Closes the connection; pending requests are aborted through their signals first. */
  async close(): Promise<void> {
    await this.client.destroy().catch(() => undefined);
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
