// The broker's management API for a whole burst: ONE poller lists the queues of every job that knows
// its id (one request per interval, the jobs' name patterns in one server-side filter) and hands each
// job the row of its own queue. A job's queue is read in detail (for its consumers) only when its row
// changed, so the requests follow the changes, not N × time. What each job is told is what the
// single-run monitor (broker/managementQueueMonitor.ts) tells: access, and `queue.changed` on a change.
import type { Stamp } from '../clock';
import type { BrokerOptions } from '../options';
import type { QueueObservation } from '../model';
import type { Monitor, MonitorDeps, MonitorRun } from '../monitor';
import { abortableDelay } from '../abortableDelay';
import { describeError } from '../errors';
import { oneLine } from '../text';
import {
  consumersFrom,
  DEFAULT_MANAGEMENT_STATS_LAG_MS,
  managementEndpoint,
  managementGetJson,
  managementSource,
  ManagementApiError,
  type ManagementEndpoint,
} from '../broker/managementQueueMonitor';
import { queueNameMatcher, type QueueNameMatcher } from '../broker/queueNames';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One job's view: its matcher once its id is known, what it was last told. */
interface Watcher {
  deps: MonitorDeps;
  matcher: QueueNameMatcher | null;
  rowKey: string;
  lastKey: string;
  access: 'watching' | 'unavailable' | null;
  lastError: string;
  lastCheckStarted: Stamp | null;
}

class ManagementHub {
  private readonly watchers = new Set<Watcher>();
  private readonly stopper = new AbortController();
  private readonly endpoint: ManagementEndpoint;
  private readonly source: string;
  private readonly statsLagMs: number;
  private usePagination = true;
  private loop: Promise<void> | null = null;
  private ticked: { promise: Promise<void>; resolve: () => void } = ManagementHub.nextTick();

  constructor(
    private readonly broker: BrokerOptions & { managementUrl: string },
    requestTimeoutMs: number,
  ) {
    const { base, authorization } = managementEndpoint(broker);
    this.endpoint = { base, authorization, vhost: broker.vhost, requestTimeoutMs };
    this.statsLagMs = broker.managementStatsLagMs ?? DEFAULT_MANAGEMENT_STATS_LAG_MS;
    this.source = managementSource(this.statsLagMs);
  }

  private static nextTick(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  add(w: Watcher): () => void {
    this.watchers.add(w);
    this.loop ??= this.run();
    return () => this.watchers.delete(w);
  }

  /** Settles after the next round of checks (or at once when the burst stops). */
  afterNextTick(signal: AbortSignal): Promise<void> {
    return Promise.race([this.ticked.promise, new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))]);
  }

  async close(): Promise<void> {
    this.stopper.abort(new Error('burst finished'));
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      await this.tick().catch(() => undefined);
      const done = this.ticked;
      this.ticked = ManagementHub.nextTick();
      done.resolve();
      await abortableDelay(this.broker.pollIntervalMs, signal).catch(() => undefined);
    }
    this.ticked.resolve();
  }

  private get(path: string, what: string): Promise<unknown> {
    return managementGetJson(this.endpoint, path, what, this.stopper.signal);
  }

  private async tick(): Promise<void> {
    const active = [...this.watchers].filter((w) => w.matcher !== null && !w.deps.signal.aborted);
    if (active.length === 0) return;
    const vhostPath = encodeURIComponent(this.broker.vhost);
    const what = `the queues of vhost "${oneLine(this.broker.vhost)}"`;
    const started = new Map(active.map((w) => [w, w.deps.now()]));
    let rows: Json[];
    try {
      rows = await this.listQueues(vhostPath, what, active.map((w) => w.matcher!.source).join('|'));
    } catch (e) {
      if (this.stopper.signal.aborted) return;
      const reason = `cannot read queues from ${this.endpoint.base}: ${e instanceof ManagementApiError ? e.message : describeError(e)}`;
      for (const w of active) this.unavailable(w, reason);
      return;
    }
    await Promise.all(active.map((w) => this.checkOne(w, rows, vhostPath, started.get(w)!)));
  }

  private async listQueues(vhostPath: string, what: string, filter: string): Promise<Json[]> {
    const columns = 'columns=name,consumers,messages';
    let answer: unknown = undefined;
    if (this.usePagination) {
      try {
        answer = await this.get(
          `/api/queues/${vhostPath}?page=1&page_size=500&use_regex=true&name=${encodeURIComponent(filter)}&${columns}`,
          what,
        );
      } catch (e) {
        // Brokers before 3.6 know no pagination: list everything instead.
        if (!(e instanceof ManagementApiError && e.status === 400)) throw e;
        this.usePagination = false;
      }
    }
    if (!this.usePagination) answer = await this.get(`/api/queues/${vhostPath}?${columns}`, what);
    if (answer === null) {
      throw new ManagementApiError(
        `404 Not Found for ${what}: the vhost does not exist, or ${this.endpoint.base} is not the RabbitMQ management API`,
        404,
      );
    }
    const items = Array.isArray(answer) ? answer : obj(answer).items;
    if (!Array.isArray(items)) throw new ManagementApiError(`the answer for ${what} is not a list of queues`, 200);
    return items.map(obj);
  }

  private async checkOne(w: Watcher, rows: Json[], vhostPath: string, started: Stamp): Promise<void> {
    this.watching(w);
    const row = rows.find((r) => typeof r.name === 'string' && w.matcher!.test(r.name));
    if (!row) {
      w.lastCheckStarted = started;
      return;
    }
    const name = row.name as string;
    const rowKey = JSON.stringify([name, count(row.consumers), count(row.messages)]);
    if (rowKey === w.rowKey) {
      w.lastCheckStarted = started;
      return;
    }
    // The row changed: read the queue itself for its consumers (the list has no consumer details).
    let detail: unknown;
    try {
      detail = await this.get(`/api/queues/${vhostPath}/${encodeURIComponent(name)}`, `queue ${name}`);
    } catch (e) {
      if (this.stopper.signal.aborted) return;
      this.unavailable(
        w,
        `cannot read queues from ${this.endpoint.base}: ${e instanceof ManagementApiError ? e.message : describeError(e)}`,
      );
      return;
    }
    if (detail === null || w.deps.signal.aborted) return;
    w.rowKey = rowKey;
    const q = obj(detail);
    const queue: QueueObservation = {
      name,
      firstSeenMs: 0,
      messages: count(q.messages),
      consumers: count(q.consumers),
      source: this.source,
      via: 'management',
      consumerDetails: count(q.consumers) === null ? null : consumersFrom(q.consumer_details),
      statsLagMs: this.statsLagMs,
    };
    const key = JSON.stringify([queue.name, queue.messages, queue.consumers, queue.consumerDetails?.map((c) => c.tag) ?? null]);
    if (key !== w.lastKey) {
      const at = w.deps.now();
      if (w.lastCheckStarted !== null) queue.previousCheckBeforeMs = Math.round((at - w.lastCheckStarted) * 1000) / 1000;
      w.deps.emit({ kind: 'queue.changed', at, queue });
    }
    w.lastKey = key;
    w.lastCheckStarted = started;
  }

  private watching(w: Watcher): void {
    if (w.access !== 'watching') {
      w.deps.emit({ kind: 'broker.access', at: w.deps.now(), access: { state: 'watching', source: this.source, via: 'management' } });
    }
    w.access = 'watching';
  }

  private unavailable(w: Watcher, reason: string): void {
    if (w.access !== 'unavailable' || reason !== w.lastError) {
      w.deps.emit({ kind: 'broker.access', at: w.deps.now(), access: { state: 'unavailable', reason, via: 'management' } });
    }
    w.access = 'unavailable';
    w.lastError = reason;
  }
}

/** A monitor that serves every job of a burst from one management API poller; `close()` stops it. */
export function createSharedManagementQueues(): { monitor: Monitor; close(): Promise<void> } {
  let hub: ManagementHub | null = null;
  const monitor: Monitor = {
    name: 'broker (management API, shared by the burst)',
    start(deps) {
      const { managementUrl } = deps.options.broker;
      if (!managementUrl) return null;
      hub ??= new ManagementHub({ ...deps.options.broker, managementUrl }, deps.requestTimeoutMs);
      const watcher: Watcher = { deps, matcher: null, rowKey: '', lastKey: '', access: null, lastError: '', lastCheckStarted: null };
      const remove = hub.add(watcher);
      const h = hub;
      const done = new Promise<void>((resolve) => {
        const stop = () => {
          remove();
          resolve();
        };
        if (deps.signal.aborted) stop();
        else deps.signal.addEventListener('abort', stop, { once: true });
      });
      const run: MonitorRun = {
        ready: Promise.resolve(),
        onT0: () => undefined,
        onJobId: (id) => (watcher.matcher = queueNameMatcher(deps.options.broker, id)),
        // One more round of the shared poller (within one interval) instead of a request of its own.
        finalLook: () => (watcher.matcher && !deps.signal.aborted ? h.afterNextTick(deps.signal) : Promise.resolve()),
        done,
      };
      return run;
    },
  };
  return { monitor, close: () => hub?.close() ?? Promise.resolve() };
}
