// Everything that points the probe at a pipeline. Defaults are the Focus Server profile (DESIGN.md);
// none of it is hard-coded elsewhere.

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
  pollIntervalMs: number;
  /** Upper bound for one HTTP request, so a hanging backend cannot stall the probe. */
  requestTimeoutMs: number;
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
   * AMQP URL (`amqp://host:5672/vhost`); when given, the queue is also checked with a passive declare,
   * which answers consumers and messages in real time. Credentials: the URL's user info, else
   * `username`/`password`. Never logged or reported.
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
  /** Log monitors; absent = the defaults (both on). */
  logs?: LogOptions;
  timeoutMs: number;
  slowThresholdMs: number;
}

export const DEFAULT_NAMESPACE = 'panda';

export function defaultProbeOptions(backendUrl: string): ProbeOptions {
  return {
    backend: {
      url: backendUrl,
      configurePath: '/configure',
      metadataPath: '/metadata/{id}',
      body: DEFAULT_CONFIGURE_BODY,
      jobIdField: 'job_id',
      pollIntervalMs: 100,
      requestTimeoutMs: 5_000,
    },
    kube: { enabled: true, syncTimeoutMs: 5_000 },
    broker: { vhost: '/', queueNames: ['grpc-job-{id}', 'grpc-job-{id}-{suffix}'], suffixPattern: '[A-Za-z0-9]+', pollIntervalMs: 250, amqpPollIntervalMs: 25, managementStatsLagMs: 5_000 },
    match: DEFAULT_MATCH_RULES,
    logs: defaultLogOptions(),
    timeoutMs: 30_000,
    slowThresholdMs: 20_000,
  };
}
