// A simulated RabbitMQ management API (the HTTP API a real broker serves on port 15672). It keeps the
// real broker's habits that matter to a probe: basic auth, 404 until a queue exists, and statistics
// that lag behind: right after a declare `consumers`/`messages` are absent, and a new consumer shows
// only after the next stats tick.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimulatedBrokerOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  /** How long after a change the statistics show it (a real broker's collect_statistics_interval). */
  statsLagMs?: number;
  /** Monotonic clock in ms; injectable so tests can step time. */
  now?: () => number;
}

interface Consumer {
  tag: string;
  attachedAt: number;
}

interface QueueRecord {
  name: string;
  vhost: string;
  declaredAt: number;
  consumers: Consumer[];
}

const NODE = 'rabbit@rabbitmq-panda-0';
const NOT_FOUND = { error: 'Object Not Found', reason: 'Not Found' };

export class SimulatedBroker {
  private readonly server: Server;
  private readonly host: string;
  private readonly port: number;
  private readonly credentials: Buffer;
  private readonly statsLagMs: number;
  private readonly now: () => number;
  private readonly queues = new Map<string, QueueRecord>();
  private consumerSeq = 0;
  /** Set once listening; kept after stop so the URL stays printable. */
  private baseUrl?: string;
  private stopping?: Promise<void>;

  constructor(opts: SimulatedBrokerOptions = {}) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.credentials = Buffer.from(`${opts.username ?? 'guest'}:${opts.password ?? 'guest'}`);
    this.statsLagMs = opts.statsLagMs ?? 500;
    this.now = opts.now ?? (() => performance.now());
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://${this.host}:${port}`;
  }

  /** Base URL of the management API, without credentials (`/api/...` paths go below it). */
  get url(): string {
    if (!this.baseUrl) throw new Error('call start() before reading url');
    return this.baseUrl;
  }

  createQueue(name: string, vhost = '/'): void {
    const key = queueKey(vhost, name);
    if (!this.queues.has(key)) this.queues.set(key, { name, vhost, declaredAt: this.now(), consumers: [] });
  }

  attachConsumer(queue: string, vhost = '/'): void {
    const q = this.queues.get(queueKey(vhost, queue));
    if (!q) throw new Error(`queue "${queue}" does not exist in vhost "${vhost}"`);
    const tag = `amq.ctag-${(++this.consumerSeq).toString(36).padStart(4, '0')}-sandbox`;
    q.consumers.push({ tag, attachedAt: this.now() });
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      if (!this.baseUrl) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.authorized(req.headers.authorization)) {
      res.setHeader('www-authenticate', 'Basic realm="RabbitMQ Management"');
      return send(res, 401, { error: 'not_authorized', reason: 'Not_Authorized' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { error: 'Method Not Allowed', reason: `${req.method} is not supported here` });
    }
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    const query = new URLSearchParams(search);
    let segments: string[];
    try {
      segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return send(res, 400, { error: 'bad_request', reason: 'malformed path' });
    }
    const [api, resource, vhost, name, ...rest] = segments;
    if (api !== 'api' || rest.length > 0) return send(res, 404, NOT_FOUND);
    if (resource === 'overview' && vhost === undefined) return send(res, 200, this.overview());
    if (resource === 'whoami' && vhost === undefined) return send(res, 200, { name: 'guest', tags: ['administrator'] });
    if (resource !== 'queues') return send(res, 404, NOT_FOUND);
    if (name === undefined) {
      const listed = [...this.queues.values()].filter((q) => vhost === undefined || q.vhost === vhost);
      if (!query.has('page'))
        return send(
          res,
          200,
          listed.map((q) => this.queueJson(q, false)),
        );
      return this.sendPage(res, listed, query);
    }
    const queue = this.queues.get(queueKey(vhost!, name));
    return queue ? send(res, 200, this.queueJson(queue, true)) : send(res, 404, NOT_FOUND);
  }

  /** `?page=&page_size=&name=&use_regex=`: the real API's paginated, filtered listing. */
  private sendPage(res: ServerResponse, listed: QueueRecord[], query: URLSearchParams): void {
    const page = Number(query.get('page'));
    const size = Number(query.get('page_size') ?? 100);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 500) {
      return send(res, 400, { error: 'bad_request', reason: 'invalid page or page_size' });
    }
    const filter = query.get('name') ?? '';
    let matches: (n: string) => boolean = (n) => n.includes(filter);
    if (query.get('use_regex') === 'true') {
      let re: RegExp;
      try {
        re = new RegExp(filter);
      } catch {
        return send(res, 400, { error: 'bad_request', reason: 'invalid regular expression' });
      }
      matches = (n) => re.test(n);
    }
    const filtered = listed.filter((q) => matches(q.name));
    const items = filtered.slice((page - 1) * size, page * size).map((q) => this.queueJson(q, false));
    send(res, 200, {
      filtered_count: filtered.length,
      item_count: items.length,
      items,
      page,
      page_count: Math.max(1, Math.ceil(filtered.length / size)),
      page_size: size,
      total_count: listed.length,
    });
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]!, 'base64');
    return given.length === this.credentials.length && timingSafeEqual(given, this.credentials);
  }

  /** The statistics as the last stats tick saw them: nothing before the first tick after the declare. */
  private visibleStats(q: QueueRecord): { consumers: Consumer[] } | undefined {
    const seenUpTo = this.now() - this.statsLagMs;
    if (q.declaredAt > seenUpTo) return undefined;
    return { consumers: q.consumers.filter((c) => c.attachedAt <= seenUpTo) };
  }

  private queueJson(q: QueueRecord, detailed: boolean): Record<string, unknown> {
    const base: Record<string, unknown> = {
      name: q.name,
      vhost: q.vhost,
      durable: false,
      auto_delete: false,
      exclusive: false,
      arguments: {},
      node: NODE,
      type: 'classic',
      state: 'running',
    };
    const stats = this.visibleStats(q);
    // A real broker lists no consumers (not even the attached ones) until the first stats tick.
    if (!stats) return detailed ? { ...base, consumer_details: [] } : base;
    const consumers = stats.consumers.length;
    Object.assign(base, {
      consumers,
      consumer_capacity: consumers > 0 ? 1 : 0,
      consumer_utilisation: consumers > 0 ? 1 : null,
      messages: 0,
      messages_ready: 0,
      messages_unacknowledged: 0,
      messages_details: { rate: 0 },
      memory: 14_016,
      exclusive_consumer_tag: null,
    });
    if (consumers === 0)
      base.idle_since = new Date()
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '');
    if (detailed) base.consumer_details = stats.consumers.map((c, i) => consumerJson(q, c, i + 1));
    return base;
  }

  private overview(): Record<string, unknown> {
    const consumers = [...this.queues.values()].reduce((n, q) => n + (this.visibleStats(q)?.consumers.length ?? 0), 0);
    return {
      management_version: '3.10.8',
      rabbitmq_version: '3.10.8',
      erlang_version: '25.2.3',
      product_name: 'RabbitMQ',
      product_version: '3.10.8',
      cluster_name: NODE,
      node: NODE,
      object_totals: { queues: this.queues.size, consumers, connections: consumers, channels: consumers, exchanges: 7 },
      queue_totals: { messages: 0, messages_ready: 0, messages_unacknowledged: 0 },
      listeners: [
        { node: NODE, protocol: 'amqp', ip_address: '::', port: 5672 },
        { node: NODE, protocol: 'http', ip_address: '::', port: 15672 },
      ],
      statistics_db_event_queue: 0,
    };
  }
}

function consumerJson(q: QueueRecord, c: Consumer, channel: number): Record<string, unknown> {
  const peerPort = 40_000 + channel;
  const connection = `10.244.3.${20 + channel}:${peerPort} -> 10.244.2.7:5672`;
  return {
    consumer_tag: c.tag,
    queue: { name: q.name, vhost: q.vhost },
    channel_details: {
      name: `${connection} (1)`,
      connection_name: connection,
      number: 1,
      node: NODE,
      peer_host: `10.244.3.${20 + channel}`,
      peer_port: peerPort,
      user: 'guest',
    },
    ack_required: true,
    active: true,
    activity_status: 'up',
    exclusive: false,
    prefetch_count: 1,
    arguments: {},
  };
}

function queueKey(vhost: string, name: string): string {
  return `${vhost}\0${name}`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
