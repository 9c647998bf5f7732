// Everything that points the probe at a pipeline. Defaults are the Focus Server profile (DESIGN.md);
// none of it is hard-coded elsewhere. Every shell (CLI, extension settings, sandbox runs) builds its
// options with `probeOptions(overrides)`: the defaults, the shell's overrides on top, validated once.
import { ProbeError } from './errors';
import { LabelSelectorSyntaxError, parseLabelSelector, validLabelKey } from './labelSelector';

export const DEFAULT_CONFIGURE_BODY = {
  displayTimeAxisDuration: 10,
  nfftSelection: 1024,
  displayInfo: { height: 1000 },
  channels: { min: 1, max: 50 },
  frequencyRange: { min: 0, max: 500 },
  start_time: null,
  end_time: null,
  view_type: '0',
} as const;

export interface MatchRules {
  /** Label selectors (`key=value`) that tie a pod to the job; `{id}` is the job id. */
  primaryLabels: string[];
  /** Pod name patterns; `{id}` is the job id, `{suffix}` the generated suffix. */
  primaryNames: string[];
  /** Pods shown beside the job but never used for its timings (e.g. the cleanup Job's pod). */
  relatedLabels: string[];
  relatedNames: string[];
  /** Regular expression (source) for the generated suffix that `{suffix}` stands for. */
  suffixPattern: string;
  /** Name of the Kubernetes Job the backend creates; `{id}` is the job id. */
  jobName: string;
  relatedJobNames: string[];
}

export const DEFAULT_MATCH_RULES: MatchRules = {
  primaryLabels: ['job-name=grpc-job-{id}', 'app=grpc-job-{id}', 'job_id={id}'],
  primaryNames: ['grpc-job-{id}-{suffix}'],
  relatedLabels: ['job-name=cleanup-job-{id}'],
  relatedNames: ['cleanup-job-{id}-{suffix}'],
  suffixPattern: '[a-z0-9]{5}',
  jobName: 'grpc-job-{id}',
  relatedJobNames: ['cleanup-job-{id}'],
};

/**
 * Metadata polling paced by what the other sources see: slow while nothing downstream of the backend is
 * ready, faster once the job's pod is Ready, fastest once a consumer is attached; never more than
 * `maxPerSecond` requests on average over any stretch of the polling that starts with its first request
 * (a token bucket; see backend/metadataPoller.ts).
 */
export interface AdaptivePolling {
  mode: 'adaptive';
  maxPerSecond: number;
}

/** Metadata polling every `intervalMs`, evenly, as the old test did. */
export interface FixedPolling {
  mode: 'fixed';
  intervalMs: number;
}

/** How `GET /metadata/{id}` is polled: adaptive unless an interval was given (`--poll-interval`, `consumerProbe.pollIntervalMs`). */
export type MetadataPolling = AdaptivePolling | FixedPolling;

/** The adaptive budget: what the old fixed 100 ms interval cost. */
export const DEFAULT_POLL_MAX_PER_SECOND = 10;

export interface BackendOptions {
  /** Base URL of the backend, e.g. `https://focus.example:5000` (a path prefix is kept). */
  url: string;
  configurePath: string;
  /** `{id}` is replaced by the percent-encoded job id. */
  metadataPath: string;
  body: unknown;
  jobIdField: string;
  /** Sent as `Authorization: Bearer …`; never logged or reported. */
  token?: string;
  polling: MetadataPolling;
  /** Upper bound for one HTTP request, its whole answer included, so a hanging or trickling backend cannot stall the probe. */
  requestTimeoutMs: number;
  /**
   * PEM certificates of CAs the backend's certificate may chain to, trusted besides Node's own (an
   * internal CA); read from `--backend-ca FILE` / `consumerProbe.backendCaFile` by caFile.ts.
   */
  ca?: string;
}

export interface KubeOptions {
  /** Explicit kubeconfig path (flag); otherwise KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** `false` skips the cluster entirely (the report then says so). */
  enabled: boolean;
  /** How long the initial list of pods/jobs/events may take before the probe starts without it. */
  syncTimeoutMs: number;
}

export interface BrokerOptions {
  /** RabbitMQ management API base URL, e.g. `http://rabbitmq:15672`; without it the queue is not watched. */
  managementUrl?: string;
  /** Basic-auth credentials; taken from the URL's user info when absent. Never logged or reported. */
  username?: string;
  password?: string;
  vhost: string;
  /** Queue name patterns; `{id}` is the job id, `{suffix}` an optional generated suffix. */
  queueNames: string[];
  suffixPattern: string;
  /** How often the management API is read. */
  pollIntervalMs: number;
  /**
   * How late the management API's consumer and message figures are (the broker's statistics interval,
   * 5 s by default); only used to say so in the report. Default 5000.
   */
  managementStatsLagMs?: number;
  /**
   * AMQP URL (`amqp://host:5672/vhost`); when given, the queue is also watched over AMQP: through the
   * broker's pushed events when it runs `rabbitmq_event_exchange`, else with a passive declare; both
   * real time. Credentials: the URL's user info, else `username`/`password`. Never logged or reported.
   */
  amqpUrl?: string;
  /** How often the passive declare runs once the job id is known. Default 25. */
  amqpPollIntervalMs?: number;
}

export interface LogOptions {
  /** Follow the backend's pods from t0 and keep the lines about the job, errors and tracebacks. */
  backend: {
    enabled: boolean;
    /** Pods whose name starts with this are the backend (default `panda-panda-focus-server`). */
    podNamePrefix?: string;
    /** Alternatively (or additionally) a label selector, e.g. `app.kubernetes.io/name=focus-server`. */
    labelSelector?: string;
    /** Only this container of those pods (default: all of them). */
    container?: string;
  };
  /** Follow the job's primary pod from its start, and the previous container after a restart. */
  pod: {
    enabled: boolean;
    /** Only this container (default: all of the pod's containers). */
    container?: string;
  };
  /** Startup lines kept per container instance. */
  startupLines: number;
  /** Last lines kept of a container instance that ended. */
  tailLines: number;
  /** Lines per source the report lists (after folding); more are counted as `omitted`. The monitors keep at most 5× as many. */
  maxLines: number;
  /** After the run ends, how long log streams may still deliver lines already written (not after an abort). */
  graceMs: number;
}

/** The queue a Focus job's analyzer declares: `grpc-job-<id>`, in production often with a suffix. */
export const DEFAULT_QUEUE_NAMES: readonly string[] = ['grpc-job-{id}', 'grpc-job-{id}-{suffix}'];

export const DEFAULT_BACKEND_POD_PREFIX = 'panda-panda-focus-server';

export function defaultLogOptions(): LogOptions {
  return {
    backend: { enabled: true, podNamePrefix: DEFAULT_BACKEND_POD_PREFIX },
    pod: { enabled: true },
    startupLines: 10,
    tailLines: 30,
    maxLines: 200,
    graceMs: 300,
  };
}

export interface ProbeOptions {
  backend: BackendOptions;
  kube: KubeOptions;
  broker: BrokerOptions;
  match: MatchRules;
  logs: LogOptions;
  timeoutMs: number;
  slowThresholdMs: number;
}

/** The namespace when neither the options nor the kube context name one. Its only home. */
export const DEFAULT_NAMESPACE = 'panda';

/** The defaults for `backendUrl`, unvalidated: `probeOptions({ backend: { url } })` is the checked way. */
export function defaultProbeOptions(backendUrl: string): ProbeOptions {
  return {
    backend: {
      url: backendUrl,
      configurePath: '/configure',
      metadataPath: '/metadata/{id}',
      body: DEFAULT_CONFIGURE_BODY,
      jobIdField: 'job_id',
      polling: { mode: 'adaptive', maxPerSecond: DEFAULT_POLL_MAX_PER_SECOND },
      requestTimeoutMs: 5_000,
    },
    kube: { enabled: true, syncTimeoutMs: 5_000 },
    broker: {
      vhost: '/',
      queueNames: [...DEFAULT_QUEUE_NAMES],
      suffixPattern: '[A-Za-z0-9]+',
      pollIntervalMs: 250,
      amqpPollIntervalMs: 25,
      managementStatsLagMs: 5_000,
    },
    match: structuredClone(DEFAULT_MATCH_RULES),
    logs: defaultLogOptions(),
    timeoutMs: 30_000,
    slowThresholdMs: 20_000,
  };
}

/** What a shell sets: any part of ProbeOptions, at any depth. `undefined` means "not set" (the default stays). */
export interface ProbeOverrides {
  /**
   * `pollIntervalMs` fixes an even interval (`polling: fixed`); without it polling is adaptive, within
   * `pollMaxPerSecond` (default 10). Setting both is an error: an even interval has no budget to keep.
   */
  backend?: Partial<Omit<BackendOptions, 'polling'>> & { pollIntervalMs?: number; pollMaxPerSecond?: number };
  kube?: Partial<KubeOptions>;
  broker?: Partial<BrokerOptions>;
  match?: Partial<MatchRules>;
  logs?: Partial<Omit<LogOptions, 'backend' | 'pod'>> & { backend?: Partial<LogOptions['backend']>; pod?: Partial<LogOptions['pod']> };
  timeoutMs?: number;
  slowThresholdMs?: number;
}

/**
 * What the user calls a field, by its path in ProbeOptions (`timeoutMs` → `--timeout`,
 * `backend.url` → `consumerProbe.backendUrl`), so an error names what they set. Unnamed: the path.
 */
export type OptionNames = Readonly<Record<string, string>>;

/**
 * The defaults with `overrides` merged on top (objects merged key by key, arrays and the request body
 * replaced), validated. Throws ProbeError('BAD_ARGUMENT') with one sentence naming the field. A label
 * selector for the backend pods replaces the default name prefix unless a prefix is given too.
 */
export function probeOptions(overrides: ProbeOverrides, names: OptionNames = {}): ProbeOptions {
  const url = overrides.backend?.url?.trim() ?? '';
  const defaults = defaultProbeOptions(url);
  const o = overrides;
  const selector = o.logs?.backend?.labelSelector?.trim() || undefined;
  const logsBackend = { ...defaults.logs.backend, ...defined(o.logs?.backend), labelSelector: selector };
  if (selector && o.logs?.backend?.podNamePrefix === undefined) logsBackend.podNamePrefix = undefined;
  const name = (path: string) => names[path] ?? path;
  const { pollIntervalMs, pollMaxPerSecond, ...backend } = o.backend ?? {};
  if (pollIntervalMs !== undefined && pollMaxPerSecond !== undefined) {
    const message = `${name('backend.pollIntervalMs')} fixes an even interval; it cannot go with ${name('backend.pollMaxPerSecond')}, the budget of adaptive polling`;
    throw new ProbeError('BAD_ARGUMENT', message);
  }
  const polling: MetadataPolling =
    pollIntervalMs !== undefined
      ? { mode: 'fixed', intervalMs: pollIntervalMs }
      : { mode: 'adaptive', maxPerSecond: pollMaxPerSecond ?? DEFAULT_POLL_MAX_PER_SECOND };
  const options: ProbeOptions = {
    backend: { ...defaults.backend, ...defined(backend), url, polling },
    kube: { ...defaults.kube, ...defined(o.kube) },
    broker: { ...defaults.broker, ...defined(o.broker) },
    match: { ...defaults.match, ...defined(o.match) },
    logs: {
      ...defaults.logs,
      ...defined({ ...o.logs, backend: undefined, pod: undefined }),
      backend: defined(logsBackend) as LogOptions['backend'],
      pod: { ...defaults.logs.pod, ...defined(o.logs?.pod) },
    },
    timeoutMs: o.timeoutMs ?? defaults.timeoutMs,
    slowThresholdMs: o.slowThresholdMs ?? defaults.slowThresholdMs,
  };
  validate(options, name);
  return options;
}

/** The object without its `undefined` values, so they never hide a default. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(o: ProbeOptions, name: (path: string) => string): void {
  const bad = (message: string): never => {
    throw new ProbeError('BAD_ARGUMENT', message);
  };
  const atLeast = (path: string, value: number, min: number, unit = '') => {
    if (!(Number.isFinite(value) && value >= min)) bad(`${name(path)} must be at least ${min}${unit}, got ${value}`);
  };
  const positive = (path: string, value: number) => {
    if (!(Number.isFinite(value) && value > 0)) bad(`${name(path)} must be more than 0`);
  };
  const wholeNumber = (path: string, value: number) => {
    if (!(Number.isInteger(value) && value >= 0)) bad(`${name(path)} must be a whole number, got ${value}`);
  };
  const urlWith = (path: string, value: string | undefined, schemes: string[]) => {
    if (value === undefined) return;
    let parsed: URL | null = null;
    try {
      parsed = new URL(value);
    } catch {
      bad(`${name(path)} is not a URL: "${value}"`);
    }
    if (!schemes.includes(parsed!.protocol))
      bad(`${name(path)} must start with ${schemes.map((s) => `${s}//`).join(' or ')}, got "${value}"`);
  };
  const withId = (path: string, patterns: readonly string[]) => {
    for (const p of patterns) if (!p.includes('{id}')) bad(`${name(path)} must contain {id} (the job id), got "${p}"`);
  };
  const regExp = (path: string, source: string) => {
    try {
      new RegExp(source);
    } catch {
      bad(`${name(path)} is not a regular expression: "${source}"`);
    }
  };

  if (!o.backend.url) bad(`no backend URL is set (${name('backend.url')})`);
  urlWith('backend.url', o.backend.url, ['http:', 'https:']);
  for (const path of ['configurePath', 'metadataPath'] as const) {
    if (!o.backend[path].startsWith('/')) bad(`${name(`backend.${path}`)} must start with /, got "${o.backend[path]}"`);
  }
  withId('backend.metadataPath', [o.backend.metadataPath]);
  if (!o.backend.jobIdField.trim()) bad(`${name('backend.jobIdField')} must name the answer's job id field`);
  const polling = o.backend.polling;
  if (polling.mode === 'fixed') atLeast('backend.pollIntervalMs', polling.intervalMs, 10, ' ms');
  else if (!(Number.isFinite(polling.maxPerSecond) && polling.maxPerSecond > 0 && polling.maxPerSecond <= 100)) {
    bad(`${name('backend.pollMaxPerSecond')} must be more than 0 and at most 100 requests per second, got ${polling.maxPerSecond}`);
  }
  positive('backend.requestTimeoutMs', o.backend.requestTimeoutMs);
  positive('timeoutMs', o.timeoutMs);
  positive('slowThresholdMs', o.slowThresholdMs);

  const ns = o.kube.namespace;
  if (ns !== undefined && !(ns.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns))) {
    bad(`${name('kube.namespace')} must be a Kubernetes namespace name (lower-case letters, digits and '-'), got "${ns}"`);
  }
  positive('kube.syncTimeoutMs', o.kube.syncTimeoutMs);

  urlWith('broker.managementUrl', o.broker.managementUrl, ['http:', 'https:']);
  urlWith('broker.amqpUrl', o.broker.amqpUrl, ['amqp:', 'amqps:']);
  if (o.broker.queueNames.length === 0) bad(`${name('broker.queueNames')} needs at least one queue name pattern`);
  withId('broker.queueNames', o.broker.queueNames);
  regExp('broker.suffixPattern', o.broker.suffixPattern);
  atLeast('broker.pollIntervalMs', o.broker.pollIntervalMs, 10, ' ms');
  if (o.broker.amqpPollIntervalMs !== undefined) atLeast('broker.amqpPollIntervalMs', o.broker.amqpPollIntervalMs, 1, ' ms');

  const m = o.match;
  if (m.primaryLabels.length === 0 && m.primaryNames.length === 0) {
    bad(`${name('match.primaryLabels')} and ${name('match.primaryNames')} are both empty: no pod could ever be the job's`);
  }
  for (const path of ['primaryLabels', 'relatedLabels'] as const) {
    for (const rule of m[path]) {
      const eq = rule.indexOf('=');
      if (eq <= 0 || !validLabelKey(rule.slice(0, eq).trim()) || !rule.includes('{id}')) {
        bad(`${name(`match.${path}`)} takes label rules such as "job-name=grpc-job-{id}", got "${rule}"`);
      }
    }
  }
  withId('match.primaryNames', m.primaryNames);
  withId('match.relatedNames', m.relatedNames);
  withId('match.jobName', [m.jobName]);
  withId('match.relatedJobNames', m.relatedJobNames);
  regExp('match.suffixPattern', m.suffixPattern);

  const selector = o.logs.backend.labelSelector;
  try {
    parseLabelSelector(selector);
  } catch (e) {
    if (!(e instanceof LabelSelectorSyntaxError)) throw e;
    bad(`${name('logs.backend.labelSelector')} is not a valid label selector ("${selector}"): ${e.detail}`);
  }
  for (const path of ['startupLines', 'tailLines', 'maxLines'] as const) wholeNumber(`logs.${path}`, o.logs[path]);
  atLeast('logs.graceMs', o.logs.graceMs, 0, ' ms');
}
