// The simulated Focus backend: `POST /configure` hands out job ids, `GET /metadata/<id>` answers 404
// "Invalid job_id" until the job's consumer is ready, then 200. The scenario profile is chosen per
// request by URL prefix (`/scenario/<profile>/configure`), so one sandbox serves every scenario.
import { randomInt, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Admission } from './capacity';
import { PROFILES, type SandboxProfile } from './profiles';

/** A job the backend issued, handed to the sandbox just before the 200 answer leaves. */
export interface IssuedJob {
  jobId: string;
  profile: SandboxProfile;
  /** performance.now() when the configure request arrived. */
  receivedAt: number;
  /** performance.now() when the answer was written. */
  answeredAt: number;
  /** For a capacity profile's job: its arrival index and its window (the id's first part). */
  capacity?: { index: number; window: number };
}

export interface SimulatedBackendOptions {
  host?: string;
  port?: number;
  profiles?: readonly SandboxProfile[];
  /** Profile of `/configure` without a `/scenario/<name>` prefix. */
  defaultProfile?: string;
  /** When set, requests need `Authorization: Bearer <token>`. */
  requiredToken?: string;
  /** Runs before the answer is sent, so what it sets up (decoys, scripts) exists when the client has the id. */
  onJobIssued?: (job: IssuedJob) => void;
  /** Access-log lines, as the backend's own pod would print them (never with the token). */
  log?: (line: string) => void;
  /** Plays scripted delays this many times slower (default 1). */
  timeScale?: number;
  /**
   * For configures of capacity profiles: a window and the (scaled) answer delay, or the refusal when
   * all windows are in use. Without it, those profiles answer like any other.
   */
  admit?: () => Admission;
}

/** Requests the backend received, by route (`other`: unknown paths, refused tokens, unknown profiles). */
export interface BackendUsage {
  requests: number;
  configure: number;
  metadata: number;
  other: number;
}

interface JobState {
  configuration: Record<string, unknown>;
  consumerReady: boolean;
}

/** Windows 0..9 only: then `1<id>` (window 10..19) and `<id>0` are valid ids too, for decoy jobs. */
const ISSUED_WINDOWS = 10;
const MAX_BODY_BYTES = 1 << 20;
const ROUTE = /^(?:\/scenario\/([^/]+))?\/(configure|metadata\/(.+))$/;

export class SimulatedBackend {
  private readonly server: Server;
  private readonly opts: SimulatedBackendOptions;
  private readonly profiles: readonly SandboxProfile[];
  private readonly jobs = new Map<string, JobState>();
  private readonly pendingAnswers = new Set<{ timer: NodeJS.Timeout; resolve: (answered: boolean) => void }>();
  private readonly uniqueBase = randomInt(10_000, 80_000);
  private issued = 0;
  private served: BackendUsage = { requests: 0, configure: 0, metadata: 0, other: 0 };
  /** Set once listening; kept after stop so the URL stays printable. */
  private baseUrl?: string;
  private stopping?: Promise<void>;

  constructor(opts: SimulatedBackendOptions = {}) {
    this.opts = opts;
    this.profiles = opts.profiles ?? PROFILES;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) send(res, 500, { detail: `sandbox backend error: ${(e as Error).message}` });
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://${this.opts.host ?? '127.0.0.1'}:${port}`;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('call start() before reading url');
    return this.baseUrl;
  }

  /** From now on `/metadata/<jobId>` answers 200. */
  markConsumerReady(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`the backend never issued job ${jobId}`);
    job.consumerReady = true;
  }

  /** What the backend was asked since the last reset. */
  usage(): BackendUsage {
    return { ...this.served };
  }

  resetUsage(): void {
    this.served = { requests: 0, configure: 0, metadata: 0, other: 0 };
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      for (const pending of this.pendingAnswers) {
        clearTimeout(pending.timer);
        pending.resolve(false);
      }
      this.pendingAnswers.clear();
      if (!this.baseUrl) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const counted = ROUTE.exec(path)?.[2];
    this.served.requests += 1;
    this.served[counted === undefined ? 'other' : counted === 'configure' ? 'configure' : 'metadata'] += 1;
    res.on('finish', () =>
      this.opts.log?.(`INFO:     ${req.socket.remoteAddress ?? '-'} - "${req.method} ${path} HTTP/1.1" ${res.statusCode}`),
    );
    if (!this.authorized(req.headers.authorization)) return send(res, 401, { detail: 'Not authenticated' });
    const route = ROUTE.exec(path);
    if (!route) return send(res, 404, { detail: 'Not Found' });
    const [, profileName, action, rawId] = route;
    const profile = this.profiles.find((p) => p.name === (profileName ?? this.opts.defaultProfile ?? 'healthy'));
    if (!profile) return send(res, 404, { detail: `Unknown scenario profile "${profileName}"` });
    if (action === 'configure') {
      if (req.method !== 'POST') return send(res, 405, { detail: 'Method Not Allowed' });
      return this.configure(req, res, profile, receivedAt);
    }
    if (req.method !== 'GET') return send(res, 405, { detail: 'Method Not Allowed' });
    return this.metadata(res, rawId!);
  }

  private async configure(req: IncomingMessage, res: ServerResponse, profile: SandboxProfile, receivedAt: number) {
    const body = await readJson(req);
    if (body === undefined) return send(res, 400, { detail: 'There was an error parsing the body' });
    // A window is taken as the request arrives, so configures sent in order are refused in order.
    const admission = profile.capacity ? this.opts.admit?.() : undefined;
    if (!(await this.delay(admission?.delayMs ?? profile.configure.delayMs * (this.opts.timeScale ?? 1)))) return;
    const behaviour = profile.configure;
    for (const line of behaviour.backendLog ?? []) this.opts.log?.(line);
    if (admission && 'refusal' in admission) {
      this.opts.log?.(admission.refusal.log);
      res.writeHead(admission.refusal.status, { 'content-type': admission.refusal.contentType });
      return void res.end(admission.refusal.body);
    }
    if (behaviour.outcome === 'http_error') {
      res.writeHead(behaviour.status, { 'content-type': behaviour.contentType });
      return void res.end(behaviour.body);
    }
    const request = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (behaviour.outcome === 'no_job_id') {
      const { job_id: _omitted, ...withoutId } = configuration('0-0', request);
      return send(res, 200, { ...withoutId, status: 'pending' });
    }
    const window = admission && 'window' in admission ? admission.window : undefined;
    const jobId = this.nextJobId(window);
    const state = { configuration: configuration(jobId, request), consumerReady: false };
    this.jobs.set(jobId, state);
    const capacity = window === undefined ? undefined : { index: admission!.index, window };
    this.opts.onJobIssued?.({ jobId, profile, receivedAt, answeredAt: performance.now(), capacity });
    send(res, 200, state.configuration);
  }

  private metadata(res: ServerResponse, rawId: string): void {
    let jobId: string;
    try {
      jobId = decodeURIComponent(rawId);
    } catch {
      return send(res, 400, { detail: 'Invalid job_id' });
    }
    const job = this.jobs.get(jobId);
    if (!job) return send(res, 400, { detail: 'Invalid job_id' });
    if (!job.consumerReady) return send(res, 404, { detail: 'Invalid job_id' });
    send(res, 200, job.configuration);
  }

  /** `<window>-<unique>`: the capacity model's window, or one of the first ten in turn. */
  private nextJobId(window?: number): string {
    const n = this.issued++;
    return `${window ?? n % ISSUED_WINDOWS}-${this.uniqueBase + n}`;
  }

  /** Resolves true after `ms`, or false when the backend stops first. */
  private delay(ms: number): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.pendingAnswers.delete(pending);
          resolve(true);
        }, ms),
        resolve,
      };
      this.pendingAnswers.add(pending);
    });
  }

  private authorized(header: string | undefined): boolean {
    const required = this.opts.requiredToken;
    if (required === undefined) return true;
    const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '');
    const expected = Buffer.from(required);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** The 200 shape of DESIGN.md, derived from the request the way the real backend sizes a stream. */
function configuration(jobId: string, request: Record<string, unknown>): Record<string, unknown> {
  const channels = (request.channels ?? {}) as { min?: number; max?: number };
  const range = (request.frequencyRange ?? {}) as { min?: number; max?: number };
  const nfft = typeof request.nfftSelection === 'number' && request.nfftSelection > 0 ? request.nfftSelection : 1024;
  const height = ((request.displayInfo ?? {}) as { height?: number }).height ?? 1000;
  const duration = typeof request.displayTimeAxisDuration === 'number' ? request.displayTimeAxisDuration : 10;
  const channelAmount = Math.max(1, (channels.max ?? 50) - (channels.min ?? 1) + 1);
  const binHz = 1000 / nfft;
  const frequencies: number[] = [];
  for (let k = Math.ceil((range.min ?? 0) / binHz); k * binHz <= (range.max ?? 500); k++) {
    frequencies.push(Math.round(k * binHz * 1000) / 1000);
  }
  const [window = '0', unique = '0'] = jobId.split('-');
  return {
    status: 'success',
    job_id: jobId,
    stream_url: '10.10.100.103',
    stream_port: 30_000 + Number(window) * 100 + (Number(unique) % 100),
    stream_amount: 1,
    channel_amount: channelAmount,
    channel_to_stream_index: Array.from({ length: channelAmount }, () => 0),
    frequencies_amount: frequencies.length,
    frequencies_list: frequencies,
    lines_dt: duration / height,
    view_type: typeof request.view_type === 'string' ? request.view_type : '0',
  };
}

/** The parsed body, or undefined when it is not JSON (or too large to be a configuration). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
