// Finds the job's queue through the RabbitMQ management HTTP API and reports when it appeared and how
// many consumers it has. The management API has no watch, so this one polls (gently); its consumer
// figures lag by the broker's statistics interval (≈5 s on a default broker), which the report says.
import { request } from 'undici';
import type { BrokerOptions } from '../options';
import type { Observation } from '../model';
import { namePatternToRegExp } from '../matching';
import { abortableDelay } from '../abortableDelay';
import { describeError } from '../errors';

export const MANAGEMENT_SOURCE = 'management API (statistics lag up to the broker\'s collect interval, ≈5 s by default)';

export interface QueueMonitorOptions {
  broker: BrokerOptions & { managementUrl: string };
  now: () => number;
  emit: (o: Observation) => void;
  signal: AbortSignal;
  requestTimeoutMs: number;
}

export interface QueueMonitor {
  setJobId(jobId: string): void;
  /** One last look before the run stops (the consumer may have become visible since the last poll). */
  finalCheck(): Promise<void>;
  readonly done: Promise<void>;
}

interface QueueRow {
  name?: string;
  consumers?: number;
  messages?: number;
}

/** The URL without user info (safe to show) and the basic-auth header built from it or the options. */
export function managementEndpoint(broker: BrokerOptions & { managementUrl: string }): { base: string; authorization: string | null } {
  const url = new URL(broker.managementUrl);
  const username = broker.username ?? decodeURIComponent(url.username);
  const password = broker.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/+$/, '');
  return { base, authorization: username ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` : null };
}

export function startManagementQueueMonitor(opts: QueueMonitorOptions): QueueMonitor {
  const { broker, signal } = opts;
  const { base, authorization } = managementEndpoint(broker);
  let provideJobId!: (id: string) => void;
  const jobIdKnown = new Promise<string>((resolve) => (provideJobId = resolve));

  async function fetchQueues(): Promise<QueueRow[]> {
    const url = `${base}/api/queues/${encodeURIComponent(broker.vhost)}?columns=name,consumers,messages`;
    const res = await request(url, {
      headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
      signal: AbortSignal.any([signal, AbortSignal.timeout(opts.requestTimeoutMs)]),
    });
    const text = await res.body.text();
    if (res.statusCode === 401) throw new Error('401 Unauthorized: the management API refused the credentials');
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${base}/api/queues`);
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as QueueRow[]) : [];
  }

  let jobId: string | null = null;
  let patterns: RegExp[] = [];
  let last = '';
  let access: 'watching' | 'unavailable' | null = null;
  let lastError = '';

  async function pollOnce(): Promise<void> {
    try {
      const rows = await fetchQueues();
      if (access !== 'watching') opts.emit({ kind: 'broker.access', atMs: opts.now(), access: { state: 'watching', source: MANAGEMENT_SOURCE } });
      access = 'watching';
      const row = rows.find((r) => typeof r.name === 'string' && patterns.some((re) => re.test(r.name!)));
      if (!row) return;
      // Right after a declare the broker omits the statistics: unknown, not zero.
      const queue = { name: row.name!, firstSeenMs: 0, messages: row.messages ?? null, consumers: row.consumers ?? null, source: MANAGEMENT_SOURCE };
      const key = `${queue.name}|${queue.messages}|${queue.consumers}`;
      if (key !== last) opts.emit({ kind: 'queue.changed', atMs: opts.now(), queue });
      last = key;
    } catch (e) {
      if (signal.aborted) return;
      const reason = `cannot read queues from ${base}: ${describeError(e)}`;
      if (access !== 'unavailable' || reason !== lastError) opts.emit({ kind: 'broker.access', atMs: opts.now(), access: { state: 'unavailable', reason } });
      access = 'unavailable';
      lastError = reason;
    }
  }

  async function loop(): Promise<void> {
    const id = await Promise.race([jobIdKnown, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
    jobId = id;
    patterns = broker.queueNames.map((p) => namePatternToRegExp(p, id, broker.suffixPattern));
    while (!signal.aborted) {
      await pollOnce();
      await abortableDelay(broker.pollIntervalMs, signal).catch(() => undefined);
    }
  }

  return {
    setJobId: (id) => provideJobId(id),
    finalCheck: () => (jobId !== null && !signal.aborted ? pollOnce() : Promise.resolve()),
    done: loop().catch(() => undefined),
  };
}
