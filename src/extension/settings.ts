// `consumerProbe.*` settings as plain data, and how they become the engine's ProbeOptions. No `vscode`
// (and no I/O but reading the backend CA file when one is set), so the mapping and its defaults are
// unit-tested against package.json.
import { readCaFile } from '../probe/caFile';
import {
  DEFAULT_BACKEND_POD_PREFIX,
  DEFAULT_NAMESPACE,
  probeOptions,
  type MatchRules,
  type OptionNames,
  type ProbeOptions,
  type ProbeOverrides,
} from '../probe/options';
import { redactUrl } from '../probe/text';
import type { RunTarget } from './runRecord';

export interface ProbeSettings {
  backendUrl: string;
  configurePath: string;
  metadataPath: string;
  requestBody: unknown;
  jobIdField: string;
  /** PEM file of extra CAs for an HTTPS backend behind an internal CA; empty: none. */
  backendCaFile: string;
  namespace: string;
  kubeconfig: string;
  context: string;
  /** null: adaptive polling; a number fixes an even interval. */
  pollIntervalMs: number | null;
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
  'consumerProbe.backendCaFile',
  'consumerProbe.kubeconfig',
  'consumerProbe.context',
  'consumerProbe.brokerUrl',
  'consumerProbe.amqpUrl',
] as const;

/** The setting behind each option, so the builder's errors name what the user can change. */
export const SETTING_NAMES: OptionNames = {
  'backend.url': 'consumerProbe.backendUrl',
  'backend.configurePath': 'consumerProbe.configurePath',
  'backend.metadataPath': 'consumerProbe.metadataPath',
  'backend.jobIdField': 'consumerProbe.jobIdField',
  'backend.pollIntervalMs': 'consumerProbe.pollIntervalMs',
  timeoutMs: 'consumerProbe.timeoutSeconds',
  slowThresholdMs: 'consumerProbe.slowThresholdSeconds',
  'kube.namespace': 'consumerProbe.namespace',
  'broker.managementUrl': 'consumerProbe.brokerUrl',
  'broker.amqpUrl': 'consumerProbe.amqpUrl',
  'match.primaryLabels': 'consumerProbe.match.primaryLabels',
  'match.primaryNames': 'consumerProbe.match.primaryNames',
  'match.relatedLabels': 'consumerProbe.match.relatedLabels',
  'match.relatedNames': 'consumerProbe.match.relatedNames',
  'match.jobName': 'consumerProbe.match.jobName',
  'logs.backend.podNamePrefix': 'consumerProbe.logs.backendPodPrefix',
  'logs.backend.labelSelector': 'consumerProbe.logs.backendPodSelector',
};

/** Empty settings mean "the default". */
const given = (text: string): string | undefined => text.trim() || undefined;

/**
 * The settings as overrides for the options builder. Reads the CA file when one is set (and throws
 * ProbeError('FILE_UNREADABLE') naming the setting when it cannot be used), so the run never starts with it.
 */
export function probeOverridesFromSettings(s: ProbeSettings, secrets: ProbeSecrets): ProbeOverrides {
  const caFile = given(s.backendCaFile);
  const brokerGiven = !!(given(s.brokerUrl) || given(s.amqpUrl));
  // The setting shows the default prefix until changed: left at it, it is not "set", so a label selector
  // replaces it as it does on the command line (the rule itself lives in probeOptions).
  const prefix = given(s.backendPodPrefix) === DEFAULT_BACKEND_POD_PREFIX ? undefined : given(s.backendPodPrefix);
  return {
    backend: {
      url: s.backendUrl,
      configurePath: s.configurePath || undefined,
      metadataPath: s.metadataPath || undefined,
      body: s.requestBody ?? undefined,
      jobIdField: s.jobIdField || undefined,
      pollIntervalMs: s.pollIntervalMs ?? undefined,
      token: secrets.backendToken || undefined,
      ca: caFile ? readCaFile(caFile, 'consumerProbe.backendCaFile') : undefined,
    },
    kube: { kubeconfig: given(s.kubeconfig), context: given(s.context), namespace: given(s.namespace) },
    broker: brokerGiven
      ? {
          managementUrl: given(s.brokerUrl),
          amqpUrl: given(s.amqpUrl),
          username: secrets.brokerUsername || undefined,
          password: secrets.brokerPassword || undefined,
        }
      : {},
    match: s.match,
    logs: {
      backend: { enabled: s.followLogs, podNamePrefix: prefix, labelSelector: given(s.backendPodSelector) },
      pod: { enabled: s.followLogs },
    },
    timeoutMs: Math.round(s.timeoutSeconds * 1000),
    slowThresholdMs: Math.round(s.slowThresholdSeconds * 1000),
  };
}

export function probeOptionsFromSettings(s: ProbeSettings, secrets: ProbeSecrets): ProbeOptions {
  return probeOptions(probeOverridesFromSettings(s, secrets), SETTING_NAMES);
}

/** Where a run from the settings points; shown in the tree and kept in the history, so never with credentials. */
export function clusterRunTarget(options: ProbeOptions): RunTarget {
  return {
    kind: 'cluster',
    backendUrl: redactUrl(options.backend.url),
    kubeconfig: options.kube.kubeconfig,
    context: options.kube.context,
    namespace: options.kube.namespace ?? DEFAULT_NAMESPACE,
  };
}
