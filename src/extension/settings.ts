// `consumerProbe.*` settings as plain data, and how they become the engine's ProbeOptions. Pure (no
// `vscode`), so the mapping and its defaults are unit-tested against package.json.
import { DEFAULT_MATCH_RULES, defaultLogOptions, defaultProbeOptions, type MatchRules, type ProbeOptions } from '../probe/options';
import { ProbeError } from '../probe/errors';
import { redactUrl } from '../probe/text';
import type { RunTarget } from './runRecord';

export interface ProbeSettings {
  backendUrl: string;
  configurePath: string;
  metadataPath: string;
  requestBody: unknown;
  jobIdField: string;
  namespace: string;
  kubeconfig: string;
  context: string;
  pollIntervalMs: number;
  timeoutSeconds: number;
  slowThresholdSeconds: number;
  match: Pick<MatchRules, 'primaryLabels' | 'primaryNames' | 'relatedLabels' | 'relatedNames' | 'jobName'>;
  brokerUrl: string;
  amqpUrl: string;
  /** Follow the backend's and the job pod's logs. */
  followLogs: boolean;
  /** Backend pods: name prefix and/or label selector (both empty: the Focus default prefix). */
  backendPodPrefix: string;
  backendPodSelector: string;
}

/** Credentials come from SecretStorage, never from settings. */
export interface ProbeSecrets {
  backendToken?: string;
  brokerUsername?: string;
  brokerPassword?: string;
}

/** Setting keys that point the probe at hosts or send data: honoured only in trusted workspaces. */
export const RESTRICTED_SETTINGS = [
  'consumerProbe.backendUrl',
  'consumerProbe.configurePath',
  'consumerProbe.metadataPath',
  'consumerProbe.requestBody',
  'consumerProbe.kubeconfig',
  'consumerProbe.context',
  'consumerProbe.brokerUrl',
  'consumerProbe.amqpUrl',
] as const;

export function probeOptionsFromSettings(s: ProbeSettings, secrets: ProbeSecrets): ProbeOptions {
  const url = s.backendUrl.trim();
  if (!url) throw new ProbeError('BAD_ARGUMENT', 'no backend URL is set (setting consumerProbe.backendUrl)');
  if (!/^https?:\/\/[^/]/i.test(url)) {
    throw new ProbeError('BAD_ARGUMENT', `the backend URL must start with http:// or https:// (consumerProbe.backendUrl is "${url}")`);
  }
  if (!(s.timeoutSeconds > 0)) throw new ProbeError('BAD_ARGUMENT', 'consumerProbe.timeoutSeconds must be more than 0');
  if (!(s.pollIntervalMs >= 10)) throw new ProbeError('BAD_ARGUMENT', 'consumerProbe.pollIntervalMs must be at least 10');
  const options = defaultProbeOptions(url);
  options.backend = {
    ...options.backend,
    configurePath: s.configurePath || options.backend.configurePath,
    metadataPath: s.metadataPath || options.backend.metadataPath,
    body: s.requestBody ?? options.backend.body,
    jobIdField: s.jobIdField || options.backend.jobIdField,
    pollIntervalMs: s.pollIntervalMs,
    token: secrets.backendToken || undefined,
  };
  options.kube = {
    ...options.kube,
    kubeconfig: s.kubeconfig.trim() || undefined,
    context: s.context.trim() || undefined,
    namespace: s.namespace.trim() || undefined,
  };
  options.timeoutMs = Math.round(s.timeoutSeconds * 1000);
  options.slowThresholdMs = Math.round(s.slowThresholdSeconds * 1000);
  options.match = { ...DEFAULT_MATCH_RULES, ...s.match };
  if (s.brokerUrl.trim() || s.amqpUrl.trim()) {
    options.broker = {
      ...options.broker,
      managementUrl: s.brokerUrl.trim() || undefined,
      amqpUrl: s.amqpUrl.trim() || undefined,
      username: secrets.brokerUsername || undefined,
      password: secrets.brokerPassword || undefined,
    };
  }
  const logs = options.logs ?? defaultLogOptions();
  const prefix = s.backendPodPrefix.trim();
  const selector = s.backendPodSelector.trim();
  options.logs = {
    ...logs,
    backend: {
      ...logs.backend,
      enabled: s.followLogs,
      podNamePrefix: prefix || (selector ? undefined : logs.backend.podNamePrefix),
      ...(selector ? { labelSelector: selector } : {}),
    },
    pod: { ...logs.pod, enabled: s.followLogs },
  };
  return options;
}

/** Where a run from the settings points; shown in the tree and kept in the history, so never with credentials. */
export function clusterRunTarget(options: ProbeOptions): RunTarget {
  return {
    kind: 'cluster',
    backendUrl: redactUrl(options.backend.url),
    kubeconfig: options.kube.kubeconfig,
    context: options.kube.context,
    namespace: options.kube.namespace ?? 'panda',
  };
}
