// The `consumer-probe` command line, exactly as DESIGN.md's contract states it. Parsing is pure:
// it returns a description of what to do or throws ProbeError('BAD_ARGUMENT').
import { parseArgs } from 'node:util';
import { ProbeError } from '../probe/errors';
import { BURST_OPTIONS, burstFlags, jobCount, type BurstFlags } from './burstArgs';
import { SERVE_OPTIONS, serveFlags, type ServeFlags } from './serveArgs';

export interface OutputFlags {
  json?: string; // a path, or '-' for stdout
  markdown?: string;
  junit?: string;
  /** --trace: the run(s) as OTLP JSON (Jaeger). */
  trace?: string;
  /** --chrome-trace: the run(s) in the Chrome Trace Event Format (Perfetto). */
  chromeTrace?: string;
  quiet: boolean;
}

export interface BrokerFlags {
  rabbitmq?: string;
  amqp?: string;
}

/** Log monitor flags of `run`; present only when given. */
export interface LogFlags {
  /** Backend pods: name prefix (default panda-panda-focus-server). */
  backendPods?: string;
  /** Backend pods: label selector, e.g. app.kubernetes.io/name=focus-server. */
  backendSelector?: string;
  backendContainer?: string;
  /** --no-logs: follow neither the backend's nor the job pod's logs. */
  noLogs?: true;
}

/** Where and how `run` probes (the backend, cluster, body and timing flags); `serve` takes them too. */
export interface ProbeTargetFlags {
  backend: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  body?: string;
  /** --backend-ca: a PEM file of CAs the backend's certificate may chain to (besides Node's own). */
  backendCa?: string;
  timeoutS?: number;
  slowS?: number;
  /** --poll-interval: poll /metadata evenly every this many ms (default: adaptive). */
  pollIntervalMs?: number;
}

export type CliCommand =
  | ({ command: 'run' } & ProbeTargetFlags & OutputFlags & BrokerFlags & LogFlags)
  | ({ command: 'serve' } & ServeFlags & ProbeTargetFlags & BrokerFlags & LogFlags)
  | ({ command: 'demo'; scenario?: string; burst?: number; concurrency?: number } & OutputFlags & BrokerFlags)
  | ({
      command: 'burst';
      backend: string;
      namespace?: string;
      kubeconfig?: string;
      context?: string;
      body?: string;
      timeoutS?: number;
      slowS?: number;
    } & BurstFlags &
      OutputFlags &
      BrokerFlags)
  | ({ command: 'sandbox'; port?: number; noisePods?: number; noiseEvents?: number } & BrokerFlags)
  | { command: 'help'; topic?: string }
  | { command: 'version' };

export const USAGE = `usage:
  consumer-probe run --backend URL [--namespace NS] [--kubeconfig FILE] [--context NAME]
                     [--body FILE] [--timeout S] [--slow S] [--rabbitmq URL] [--amqp URL]
                     [--json FILE|-] [--markdown FILE] [--junit FILE] [--quiet]
                     [--trace FILE] [--chrome-trace FILE]
                     [--poll-interval MS] [--backend-pods PREFIX] [--backend-selector LABELS] [--backend-container NAME]
                     [--no-logs] [--backend-ca FILE]
  consumer-probe demo [--scenario ID] [--burst N [--concurrency C]] [--rabbitmq URL] [--amqp URL] [output flags]
  consumer-probe burst --backend URL --jobs N [--concurrency C] [--ramp S]
                     [--namespace NS] [--kubeconfig FILE] [--context NAME] [--body FILE]
                     [--timeout S] [--slow S] [--rabbitmq URL] [--amqp URL]
                     [--threshold STAGE:pNN:SECONDS]... [--json FILE|-] [--markdown FILE] [--junit FILE] [--quiet]
  consumer-probe serve --backend URL [--every S] [--port N] [--bind ADDR] [run's flags but the output ones]
  consumer-probe sandbox [--port N] [--rabbitmq URL --amqp URL] [--noise-pods N] [--noise-events N]

  run       probe a real backend and cluster
  demo      probe the embedded sandbox (no cluster needed); with --rabbitmq and --amqp the sandbox
            declares the job's queue and attaches its consumer on that real RabbitMQ
  sandbox   serve the sandbox until Ctrl-C; prints the backend URL and a kubeconfig path
  serve     probe every S seconds (default 300), one probe at a time, until SIGTERM; HTTP on --bind
            (default 0.0.0.0) --port (default 9464): /metrics (Prometheus), /healthz, /runs, /runs/latest.
            With no kubeconfig in a pod it uses the pod's service account
  burst     N jobs at once (at most C in flight, spread over --ramp S): per-stage percentiles over all
            jobs (one that never reached a stage counts as +∞: "> timeout"), and where capacity ended;
            --threshold consumer_ready:p95:20 exits 1 when that percentile is above 20 s or unknown

  --poll-interval MS    poll GET /metadata evenly every MS ms (default: adaptive, slow until the job's
                        pod is Ready, fast once a consumer attaches, ≤ 10 requests/s on average)
  --rabbitmq URL        RabbitMQ management API (queue, consumers; statistics lag ≈5 s)
  --amqp URL            AMQP URL: also watch the queue in real time (broker events, else passive declare)
  --backend-pods PREFIX backend pods whose logs are followed (default panda-panda-focus-server)
  --backend-selector L  or pick them by label selector (e.g. app.kubernetes.io/name=focus-server)
  --no-logs             do not follow the backend's or the job pod's logs
  --backend-ca FILE     trust the CAs in this PEM file (besides the usual ones) for an HTTPS backend
                        behind an internal CA; NODE_EXTRA_CA_CERTS=FILE works too
  --trace FILE          also write the run as OTLP JSON traces (open in Jaeger: Search → JSON File)
  --chrome-trace FILE   also write it in the Chrome Trace Event Format (open in ui.perfetto.dev)
  --noise-pods N        sandbox: seed N unrelated production-shaped pods (and --noise-events N Events)

Secrets never go on the command line: the backend token is read from CONSUMER_PROBE_TOKEN, the
RabbitMQ credentials from CONSUMER_PROBE_RABBITMQ_USER / CONSUMER_PROBE_RABBITMQ_PASSWORD (or the
--rabbitmq / --amqp URL's user info).
Exit status: 0 healthy, 1 any other scenario, 2 the probe could not start.`;

const outputOptions = {
  json: { type: 'string' },
  markdown: { type: 'string' },
  junit: { type: 'string' },
  trace: { type: 'string' },
  'chrome-trace': { type: 'string' },
  quiet: { type: 'boolean', default: false },
  rabbitmq: { type: 'string' },
  amqp: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: boolean; multiple?: boolean }>;

function parse(argv: string[], options: OptionSpec): { values: Record<string, string | boolean | string[] | undefined> } {
  try {
    const { values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined> };
  } catch (e) {
    throw new ProbeError('BAD_ARGUMENT', (e as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ProbeError('BAD_ARGUMENT', `--${flag} takes a positive number of seconds, got "${value}"`);
  return n;
}

/** A number of milliseconds, present only when given; its range is the options builder's to check. */
function milliseconds<K extends string>(flag: string, key: K, value: string | undefined): { [k in K]?: number } {
  if (value === undefined) return {};
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new ProbeError('BAD_ARGUMENT', `--${flag} takes a number of milliseconds, got "${value}"`);
  return { [key]: n } as { [k in K]?: number };
}

function url(flag: string, value: string | undefined, schemes: string[]): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ProbeError('BAD_ARGUMENT', `--${flag} is not a URL: "${value}"`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ProbeError('BAD_ARGUMENT', `--${flag} must start with ${schemes.map((s) => `${s}//`).join(' or ')}, got "${value}"`);
  }
  return value;
}

function outputs(values: Record<string, unknown>): OutputFlags & BrokerFlags {
  return {
    json: values.json as string | undefined,
    markdown: values.markdown as string | undefined,
    junit: values.junit as string | undefined,
    ...(values.trace !== undefined ? { trace: values.trace as string } : {}),
    ...(values['chrome-trace'] !== undefined ? { chromeTrace: values['chrome-trace'] as string } : {}),
    quiet: values.quiet === true,
    rabbitmq: url('rabbitmq', values.rabbitmq as string | undefined, ['http:', 'https:']),
    amqp: url('amqp', values.amqp as string | undefined, ['amqp:', 'amqps:']),
  };
}

function logFlags(values: Record<string, unknown>): LogFlags {
  const text = (flag: string): string | undefined => {
    const v = values[flag] as string | undefined;
    if (v !== undefined && v.trim() === '') throw new ProbeError('BAD_ARGUMENT', `--${flag} needs a value`);
    return v;
  };
  const backendPods = text('backend-pods');
  const backendSelector = text('backend-selector');
  const backendContainer = text('backend-container');
  return {
    ...(backendPods !== undefined ? { backendPods } : {}),
    ...(backendSelector !== undefined ? { backendSelector } : {}),
    ...(backendContainer !== undefined ? { backendContainer } : {}),
    ...(values['no-logs'] === true ? { noLogs: true as const } : {}),
  };
}

/** Driving a real broker from the sandbox takes both: AMQP to declare and consume, the management API to watch. */
export function realBrokerFlags(flags: BrokerFlags): { amqpUrl: string; managementUrl: string } | null {
  if (!flags.rabbitmq && !flags.amqp) return null;
  if (!flags.rabbitmq || !flags.amqp) {
    throw new ProbeError('BAD_ARGUMENT', 'a real broker for the sandbox needs both --rabbitmq URL (management API) and --amqp URL');
  }
  return { amqpUrl: flags.amqp, managementUrl: flags.rabbitmq };
}

/** parseArgs options of the probe's target (ProbeTargetFlags) and its log flags: `run`'s and `serve`'s. */
const PROBE_TARGET_OPTIONS = {
  backend: { type: 'string' },
  namespace: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  body: { type: 'string' },
  'backend-ca': { type: 'string' },
  timeout: { type: 'string' },
  slow: { type: 'string' },
  'poll-interval': { type: 'string' },
  'backend-pods': { type: 'string' },
  'backend-selector': { type: 'string' },
  'backend-container': { type: 'string' },
  'no-logs': { type: 'boolean', default: false },
} as const;

function probeTarget(command: string, values: Record<string, unknown>): ProbeTargetFlags {
  const backend = url('backend', values.backend as string | undefined, ['http:', 'https:']);
  if (!backend) throw new ProbeError('BAD_ARGUMENT', `${command} needs --backend URL`);
  return {
    backend,
    namespace: values.namespace as string | undefined,
    kubeconfig: values.kubeconfig as string | undefined,
    context: values.context as string | undefined,
    body: values.body as string | undefined,
    ...(values['backend-ca'] !== undefined ? { backendCa: values['backend-ca'] as string } : {}),
    timeoutS: seconds('timeout', values.timeout as string | undefined),
    slowS: seconds('slow', values.slow as string | undefined),
    ...milliseconds('poll-interval', 'pollIntervalMs', values['poll-interval'] as string | undefined),
  };
}

export function parseCommandLine(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  switch (command) {
    case 'run': {
      const { values } = parse(rest, { ...outputOptions, ...PROBE_TARGET_OPTIONS });
      if (values.help) return { command: 'help', topic: 'run' };
      return { command: 'run', ...probeTarget('run', values), ...outputs(values), ...logFlags(values) };
    }
    case 'serve': {
      const { values } = parse(rest, {
        ...PROBE_TARGET_OPTIONS,
        ...SERVE_OPTIONS,
        rabbitmq: { type: 'string' },
        amqp: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      });
      if (values.help) return { command: 'help', topic: 'serve' };
      const rabbitmq = url('rabbitmq', values.rabbitmq as string | undefined, ['http:', 'https:']);
      const amqp = url('amqp', values.amqp as string | undefined, ['amqp:', 'amqps:']);
      return {
        command: 'serve',
        ...probeTarget('serve', values),
        ...serveFlags(values),
        ...(rabbitmq ? { rabbitmq } : {}),
        ...(amqp ? { amqp } : {}),
        ...logFlags(values),
      };
    }
    case 'demo': {
      const { values } = parse(rest, {
        ...outputOptions,
        scenario: { type: 'string' },
        burst: { type: 'string' },
        concurrency: { type: 'string' },
      });
      if (values.help) return { command: 'help', topic: 'demo' };
      const burst = jobCount('burst', values.burst as string | undefined);
      const concurrency = jobCount('concurrency', values.concurrency as string | undefined);
      if (concurrency !== undefined && burst === undefined) throw new ProbeError('BAD_ARGUMENT', '--concurrency needs --burst N');
      return {
        command: 'demo',
        scenario: values.scenario as string | undefined,
        ...(burst !== undefined ? { burst } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...outputs(values),
      };
    }
    case 'burst': {
      const { values } = parse(rest, {
        ...outputOptions,
        ...BURST_OPTIONS,
        backend: { type: 'string' },
        namespace: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        body: { type: 'string' },
        timeout: { type: 'string' },
        slow: { type: 'string' },
      });
      if (values.help) return { command: 'help', topic: 'burst' };
      const backend = url('backend', values.backend as string | undefined, ['http:', 'https:']);
      if (!backend) throw new ProbeError('BAD_ARGUMENT', 'burst needs --backend URL');
      return {
        command: 'burst',
        backend,
        namespace: values.namespace as string | undefined,
        kubeconfig: values.kubeconfig as string | undefined,
        context: values.context as string | undefined,
        body: values.body as string | undefined,
        timeoutS: seconds('timeout', values.timeout as string | undefined),
        slowS: seconds('slow', values.slow as string | undefined),
        ...burstFlags(values),
        ...outputs(values),
      };
    }
    case 'sandbox': {
      const { values } = parse(rest, {
        port: { type: 'string' },
        rabbitmq: { type: 'string' },
        amqp: { type: 'string' },
        'noise-pods': { type: 'string' },
        'noise-events': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      });
      if (values.help) return { command: 'help', topic: 'sandbox' };
      const noise: { noisePods?: number; noiseEvents?: number } = {};
      for (const [flag, key] of [
        ['noise-pods', 'noisePods'],
        ['noise-events', 'noiseEvents'],
      ] as const) {
        const raw = values[flag] as string | undefined;
        if (raw === undefined) continue;
        if (!/^\d+$/.test(raw)) throw new ProbeError('BAD_ARGUMENT', `--${flag} takes a count, got "${raw}"`);
        noise[key] = Number(raw);
      }
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
        throw new ProbeError('BAD_ARGUMENT', `--port takes a port number (0-65535), got "${values.port}"`);
      }
      const rabbitmq = url('rabbitmq', values.rabbitmq as string | undefined, ['http:', 'https:']);
      const amqp = url('amqp', values.amqp as string | undefined, ['amqp:', 'amqps:']);
      return { command: 'sandbox', port, ...(rabbitmq ? { rabbitmq } : {}), ...(amqp ? { amqp } : {}), ...noise };
    }
    default:
      throw new ProbeError('BAD_ARGUMENT', `unknown command "${command}" (expected run, demo, burst, serve or sandbox)`);
  }
}
