// Finds the job's queue through the RabbitMQ management HTTP API and reports when it appeared, its
// messages, consumers and consumer details. The management API has no watch, so this one polls
// (gently, with a server-side name filter); its figures lag by the broker's statistics interval (≈5 s on
// a default broker), and right after a declare they are absent: unknown, never 0. Every request has a
// deadline on its whole answer and reads at most BODY_CAP_BYTES of it: a broker (or whatever answers at
// that URL) that hangs, trickles or floods becomes a "cannot read queues" line, never a stalled run.
import { request } from 'undici';
import { BODY_CAP_BYTES, readCappedBody, type CappedBody } from '../cappedBody';
import type { Stamp } from '../clock';
import type { BrokerOptions } from '../options';
import type { QueueConsumer, QueueObservation, StampedObservation } from '../model';
import type { Monitor, MonitorRun } from '../monitor';
import { abortableDelay, untilAborted } from '../abortableDelay';
import { describeError } from '../errors';
import { oneLine } from '../text';
import { queueNameMatcher } from './queueNames';

export const DEFAULT_MANAGEMENT_STATS_LAG_MS = 5_000;

/** `management API (statistics lag ≈5 s)`: what the report says about figures from this source. */
export function managementSource(lagMs = DEFAULT_MANAGEMENT_STATS_LAG_MS): string {
  return `management API (statistics lag ≈${+(lagMs / 1000).toFixed(1)} s)`;
}

export const MANAGEMENT_SOURCE = managementSource();

export interface QueueMonitorOptions {
  broker: BrokerOptions & { managementUrl: string };
  now: () => Stamp;
  emit: (o: StampedObservation) => void;
  signal: AbortSignal;
  requestTimeoutMs: number;
}

/** The management API as a source, when a management URL is given. Its final look reads the queue once more. */
export const managementQueueMonitor: Monitor = {
  name: 'broker (management API)',
  start({ options, now, emit, signal, requestTimeoutMs }) {
    const { managementUrl } = options.broker;
    if (!managementUrl) return null;
    return startManagementQueueMonitor({ broker: { ...options.broker, managementUrl }, now, emit, signal, requestTimeoutMs });
  },
};

/** The URL without user info (safe to show) and the basic-auth header built from it or the options. */
export function managementEndpoint(broker: BrokerOptions & { managementUrl: string }): { base: string; authorization: string | null } {
  const url = new URL(broker.managementUrl);
  const username = broker.username ?? decodeURIComponent(url.username);
  const password = broker.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const base = url.toString().replace(/\/+$/, '');
  return { base, authorization: username ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` : null };
}

/** A management API answer the monitor cannot use, as one sentence (never with credentials). */
export class ManagementApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ManagementApiError';
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/** `consumer_details` of the single-queue endpoint → the report's consumers. */
export function consumersFrom(details: unknown): QueueConsumer[] | null {
  if (!Array.isArray(details)) return null;
  return details.map((raw) => {
    const d = obj(raw);
    const channel = obj(d.channel_details);
    const host = str(channel.peer_host);
    const port = count(channel.peer_port);
    return {
      tag: str(d.consumer_tag) ?? '',
      channel: str(channel.name),
      connection: str(channel.connection_name),
      peer: host ? (port !== null ? `${host}:${port}` : host) : null,
      user: str(channel.user),
      ackRequired: bool(d.ack_required),
      prefetch: count(d.prefetch_count),
      active: bool(d.active),
    };
  });
}

function serverReason(text: string): string {
  try {
    const body = obj(JSON.parse(text));
    const reason = str(body.reason) ?? str(body.error);
    return reason ? oneLine(reason, 160) : '';
  } catch {
    return '';
  }
}

/** Where a management API is and how to ask it. */
export interface ManagementEndpoint {
  base: string;
  authorization: string | null;
  vhost: string;
  requestTimeoutMs: number;
}

/** GET `path` below the base URL; resolves with parsed JSON for 200, `null` for 404, throws otherwise. */
export async function managementGetJson(endpoint: ManagementEndpoint, path: string, what: string, signal: AbortSignal): Promise<unknown> {
  const { base, authorization } = endpoint;
  // On the whole answer, not only until its headers: undici's own timers restart at every byte.
  const deadline = AbortSignal.timeout(endpoint.requestTimeoutMs);
  let res: Awaited<ReturnType<typeof request>> | null = null;
  let body: CappedBody;
  try {
    res = await request(`${base}${path}`, {
      headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
      signal: AbortSignal.any([signal, deadline]),
    });
    body = await readCappedBody(res.body);
  } catch (e) {
    if (signal.aborted) throw e;
    if (deadline.aborted) {
      throw new ManagementApiError(`${res ? 'no complete answer' : 'no answer'} within ${endpoint.requestTimeoutMs / 1000} s`, null);
    }
    throw new ManagementApiError(describeError(e), null);
  }
  const { text } = body;
  const status = res.statusCode;
  if (status === 404) return null;
  if (status === 401) throw new ManagementApiError('401 Unauthorized: the management API refused the credentials', 401);
  if (status === 403) {
    throw new ManagementApiError(
      `403 Forbidden: the user may not read ${what} (it needs the monitoring or management tag and access to vhost "${oneLine(endpoint.vhost)}")`,
      403,
    );
  }
  if (status !== 200) {
    const reason = serverReason(text);
    throw new ManagementApiError(`HTTP ${status} for ${what}${reason ? `: ${reason}` : ''}`, status);
  }
  if (body.cut) {
    throw new ManagementApiError(
      `the answer for ${what} is larger than ${BODY_CAP_BYTES / (1024 * 1024)} MiB: is this the RabbitMQ management API?`,
      status,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    const type = oneLine(String(res.headers['content-type'] ?? 'no content type'), 60);
    throw new ManagementApiError(`the answer for ${what} is not JSON (${type}): is this the RabbitMQ management API?`, status);
  }
}

export function startManagementQueueMonitor(opts: QueueMonitorOptions): MonitorRun {
  const { broker, signal } = opts;
  const { base, authorization } = managementEndpoint(broker);
  const statsLagMs = broker.managementStatsLagMs ?? DEFAULT_MANAGEMENT_STATS_LAG_MS;
  const source = managementSource(statsLagMs);
  const vhostPath = encodeURIComponent(broker.vhost);
  let provideJobId!: (id: string) => void;
  const jobIdKnown = new Promise<string>((resolve) => (provideJobId = resolve));

  const getJson = (path: string, what: string) =>
    managementGetJson({ base, authorization, vhost: broker.vhost, requestTimeoutMs: opts.requestTimeoutMs }, path, what, signal);

  let jobId: string | null = null;
  let matches: ((name: string) => boolean) | null = null;
  let filter = '';
  let usePagination = true;
  let name: string | null = null;
  let last = '';
  let access: 'watching' | 'unavailable' | null = null;
  let lastError = '';
  /** When the last successful check began: it saw what the last emitted observation says (or no queue). */
  let lastCheckStarted: Stamp | null = null;

  /** Queues of the vhost whose names match the job, filtered by the server when it can. */
  async function findQueue(): Promise<Json | null> {
    const what = `the queues of vhost "${oneLine(broker.vhost)}"`;
    const columns = 'columns=name,consumers,messages';
    let rows: unknown;
    if (usePagination) {
      const query = `page=1&page_size=100&use_regex=true&name=${encodeURIComponent(filter)}&${columns}`;
      try {
        rows = await getJson(`/api/queues/${vhostPath}?${query}`, what);
      } catch (e) {
        // Brokers before 3.6 know no pagination: list everything instead.
        if (!(e instanceof ManagementApiError && e.status === 400)) throw e;
        usePagination = false;
      }
    }
    if (!usePagination) rows = await getJson(`/api/queues/${vhostPath}?${columns}`, what);
    if (rows === null) {
      throw new ManagementApiError(
        `404 Not Found for ${what}: the vhost does not exist, or ${base} is not the RabbitMQ management API`,
        404,
      );
    }
    const items = Array.isArray(rows) ? rows : obj(rows).items;
    if (!Array.isArray(items)) throw new ManagementApiError(`the answer for ${what} is not a list of queues`, 200);
    return (items.map(obj).find((r) => typeof r.name === 'string' && matches!(r.name)) as Json | undefined) ?? null;
  }

  async function pollOnce(): Promise<void> {
    const started = opts.now();
    try {
      if (name === null) {
        const row = await findQueue();
        markWatching();
        if (!row) {
          lastCheckStarted = started;
          return;
        }
        name = row.name as string;
      }
      const detail = await getJson(`/api/queues/${vhostPath}/${encodeURIComponent(name)}`, `queue ${name}`);
      markWatching();
      if (detail === null) {
        // Deleted since it was found (or a listing raced a delete): look for it again.
        name = null;
        lastCheckStarted = started;
        return;
      }
      const q = obj(detail);
      // Right after a declare the broker omits the statistics: unknown, not zero.
      const queue: QueueObservation = {
        name: name!,
        firstSeenMs: 0,
        messages: count(q.messages),
        consumers: count(q.consumers),
        source,
        via: 'management',
        // Without statistics the consumer list is as stale as the count: unknown too.
        consumerDetails: count(q.consumers) === null ? null : consumersFrom(q.consumer_details),
        statsLagMs,
      };
      const key = JSON.stringify([queue.name, queue.messages, queue.consumers, queue.consumerDetails?.map((c) => c.tag) ?? null]);
      if (key !== last) {
        const at = opts.now();
        if (lastCheckStarted !== null) queue.previousCheckBeforeMs = Math.round((at - lastCheckStarted) * 1000) / 1000;
        opts.emit({ kind: 'queue.changed', at, queue });
      }
      last = key;
      lastCheckStarted = started;
    } catch (e) {
      if (signal.aborted) return;
      const reason = `cannot read queues from ${base}: ${e instanceof ManagementApiError ? e.message : describeError(e)}`;
      if (access !== 'unavailable' || reason !== lastError) {
        opts.emit({ kind: 'broker.access', at: opts.now(), access: { state: 'unavailable', reason, via: 'management' } });
      }
      access = 'unavailable';
      lastError = reason;
    }
  }

  function markWatching() {
    if (access !== 'watching')
      opts.emit({ kind: 'broker.access', at: opts.now(), access: { state: 'watching', source, via: 'management' } });
    access = 'watching';
  }

  async function loop(): Promise<void> {
    const id = await untilAborted(jobIdKnown, signal);
    jobId = id;
    const matcher = queueNameMatcher(broker, id);
    matches = matcher.test;
    filter = matcher.source;
    while (!signal.aborted) {
      await pollOnce();
      await abortableDelay(broker.pollIntervalMs, signal).catch(() => undefined);
    }
  }

  return {
    ready: Promise.resolve(),
    onT0: () => undefined,
    onJobId: (id) => provideJobId(id),
    finalLook: () => (jobId !== null && !signal.aborted ? pollOnce() : Promise.resolve()),
    done: loop().catch(() => undefined),
  };
}
