// A real, throwaway RabbitMQ node for tests (Debian's rabbitmq-server, run directly, no systemd): its own
// node name, loopback-only ports, temp directories and its own epmd, so it never meets another node.
// Teardown kills the whole process group, then epmd by PID, then removes the directories.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort';
import type { CleanupScope } from './tmp';

export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const EPMD = '/usr/bin/epmd';

export interface RabbitNode {
  /** `amqp://guest:guest@127.0.0.1:PORT` (guest may log in over loopback). */
  amqpUrl: string;
  /** `http://127.0.0.1:PORT`, without credentials. */
  managementUrl: string;
  amqpPort: number;
  managementPort: number;
  username: 'guest';
  password: 'guest';
  /** The broker's `collect_statistics_interval`. */
  statsIntervalMs: number;
  /** Whether `rabbitmq_event_exchange` is enabled (the exchange `amq.rabbitmq.event` exists). */
  eventExchange: boolean;
  /**
   * How late the management API may show a new consumer on this node: the interval on a default node
   * (measured 4.8–5.0 s); with a short interval the management plugin's 1 s samples set the floor
   * (measured 0.6–1.0 s).
   */
  statsLagMs: number;
  nodeName: string;
  /** Basic auth header for the management API. */
  authorization: string;
  /** GET/PUT/DELETE on the management API as guest; resolves with status and parsed body (or text). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Idempotent; also registered with the scope. */
  stop(): Promise<void>;
}

export interface StartRabbitOptions {
  /**
   * `collect_statistics_interval` in ms. Default: the broker's own default (5000). Smaller values also
   * shorten the management plugin's sample retention, so consumer counts show up within ≈ one interval.
   */
  statsIntervalMs?: number;
  /** How long to wait for `/api/overview`; default 60 s (a loaded machine takes longer than 5–7 s). */
  startTimeoutMs?: number;
  /**
   * Also enable `rabbitmq_event_exchange` (it ships with Debian's rabbitmq-server): the broker then
   * publishes `queue.created`, `consumer.created`, … to `amq.rabbitmq.event` as they happen.
   */
  eventExchange?: boolean;
}

/** Why a real broker cannot run here, or null when it can. */
export function rabbitmqUnavailable(): string | null {
  if (!existsSync(RABBITMQ_SERVER)) return `${RABBITMQ_SERVER} is missing (apt-get install rabbitmq-server; npm test installs it as root)`;
  if (!existsSync(EPMD)) return `${EPMD} is missing (it comes with rabbitmq-server's erlang-base dependency)`;
  return null;
}

/**
 * The skip option for node:test: in CI a missing broker is a failure (the test runs and throws); elsewhere
 * the tests are skipped with the reason.
 */
export function rabbitmqSkip(): string | false {
  const reason = rabbitmqUnavailable();
  if (reason === null || process.env.CI) return false;
  return `real RabbitMQ not available: ${reason}`;
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function killGroup(child: ChildProcess | undefined): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a node and registers its teardown with `scope`. For one node per file, collect the teardown in
 * a list the file's top-level `after` empties: node:test runs an `after` registered inside `before` as
 * soon as that hook ends.
 */
export async function startRabbitMQ(scope: CleanupScope, opts: StartRabbitOptions = {}): Promise<RabbitNode> {
  const unavailable = rabbitmqUnavailable();
  if (unavailable) throw new Error(`cannot start a real RabbitMQ: ${unavailable}`);
  const dir = mkdtempSync(join(tmpdir(), 'consumer-probe-rabbitmq-'));
  const [amqpPort, managementPort, distPort, epmdPort] = (await distinctFreePorts(4)) as [number, number, number, number];
  const nodeName = `cprobe${amqpPort}@localhost`;
  const home = join(dir, 'home');
  mkdirSync(home);
  const conf = [
    `listeners.tcp.1 = 127.0.0.1:${amqpPort}`,
    'management.tcp.ip = 127.0.0.1',
    `management.tcp.port = ${managementPort}`,
    'log.console = false',
    'log.file.level = warning',
  ];
  const statsIntervalMs = opts.statsIntervalMs ?? 5000;
  if (opts.statsIntervalMs !== undefined) conf.push(`collect_statistics_interval = ${opts.statsIntervalMs}`);
  writeFileSync(join(dir, 'rabbitmq.conf'), `${conf.join('\n')}\n`);
  const retention =
    opts.statsIntervalMs !== undefined
      ? '[{rabbitmq_management, [{sample_retention_policies, [{global, [{60, 1}]}, {basic, [{60, 1}]}, {detailed, [{10, 1}]}]}]}].'
      : '[].';
  writeFileSync(join(dir, 'advanced.config'), `${retention}\n`);
  const plugins = ['rabbitmq_management', ...(opts.eventExchange ? ['rabbitmq_event_exchange'] : [])];
  writeFileSync(join(dir, 'enabled_plugins'), `[${plugins.join(',')}].\n`);

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: home,
    RABBITMQ_CONF_ENV_FILE: '/dev/null',
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };

  // Our own epmd on its own port, in the foreground, so teardown knows its PID.
  const epmd = spawn(EPMD, ['-port', String(epmdPort), '-address', '127.0.0.1'], { env, stdio: 'ignore', detached: true });
  let server: ChildProcess | undefined;
  let output = '';
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      killGroup(server);
      if (server) await exited(server);
      killGroup(epmd);
      await exited(epmd);
      rmSync(dir, { recursive: true, force: true });
    })());
  scope.after(stop);

  server = spawn(RABBITMQ_SERVER, [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  server.stdout!.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-4000)));
  server.stderr!.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-4000)));

  const managementUrl = `http://127.0.0.1:${managementPort}`;
  const authorization = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${managementUrl}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* keep the text */
    }
    return { status: res.status, body: parsed };
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  const died = exited(server).then(() => 'exited' as const);
  for (;;) {
    const ok = await api('GET', '/api/overview').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    const why = await Promise.race([died, new Promise<null>((r) => setTimeout(() => r(null), 200))]);
    if (why === 'exited' || Date.now() > deadline) {
      const logTail = readLogTail(join(dir, 'log'));
      await stop();
      throw new Error(
        `RabbitMQ node ${nodeName} ${why === 'exited' ? 'exited' : 'did not answer /api/overview in time'}:\n${output}\n${logTail}`,
      );
    }
  }
  return {
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    managementUrl,
    amqpPort,
    managementPort,
    username: 'guest',
    password: 'guest',
    statsIntervalMs,
    eventExchange: opts.eventExchange ?? false,
    statsLagMs: opts.statsIntervalMs === undefined ? statsIntervalMs : Math.max(1000, opts.statsIntervalMs),
    nodeName,
    authorization,
    api,
    stop,
  };
}

function readLogTail(logDir: string): string {
  try {
    return readdirSync(logDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(logDir, f), 'utf8').slice(-2000))
      .join('\n');
  } catch {
    return '';
  }
}
