// Typed reads of the `consumerProbe.*` settings. In an untrusted workspace VS Code itself drops the
// workspace values of the restricted settings (package.json `restrictedConfigurations`), so what is read
// here is already safe; this file only shapes it.
import * as vscode from 'vscode';
import { DEFAULT_BACKEND_POD_PREFIX, DEFAULT_MATCH_RULES } from '../probe/options';
import type { SandboxSettings } from './sandboxHost';
import type { ProbeSettings } from './settings';

const SECTION = 'consumerProbe';

export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  private read<T>(key: string, fallback: T): T {
    return this.cfg.get<T>(key, fallback) ?? fallback;
  }

  probeSettings(): ProbeSettings {
    return {
      backendUrl: this.read('backendUrl', ''),
      configurePath: this.read('configurePath', '/configure'),
      metadataPath: this.read('metadataPath', '/metadata/{id}'),
      requestBody: this.read<unknown>('requestBody', undefined),
      jobIdField: this.read('jobIdField', 'job_id'),
      backendCaFile: this.read('backendCaFile', ''),
      namespace: this.read('namespace', ''),
      kubeconfig: this.read('kubeconfig', ''),
      context: this.read('context', ''),
      pollIntervalMs: this.read<number | null>('pollIntervalMs', null),
      timeoutSeconds: this.read('timeoutSeconds', 30),
      slowThresholdSeconds: this.read('slowThresholdSeconds', 20),
      match: {
        primaryLabels: this.read('match.primaryLabels', DEFAULT_MATCH_RULES.primaryLabels),
        primaryNames: this.read('match.primaryNames', DEFAULT_MATCH_RULES.primaryNames),
        relatedLabels: this.read('match.relatedLabels', DEFAULT_MATCH_RULES.relatedLabels),
        relatedNames: this.read('match.relatedNames', DEFAULT_MATCH_RULES.relatedNames),
        jobName: this.read('match.jobName', DEFAULT_MATCH_RULES.jobName),
      },
      brokerUrl: this.read('brokerUrl', ''),
      amqpUrl: this.read('amqpUrl', ''),
      followLogs: this.read('logs.follow', true),
      backendPodPrefix: this.read('logs.backendPodPrefix', DEFAULT_BACKEND_POD_PREFIX),
      backendPodSelector: this.read('logs.backendPodSelector', ''),
    };
  }

  get sandboxScenario(): string {
    return this.read('sandbox.scenario', 'healthy');
  }

  get sandboxSettings(): SandboxSettings {
    const labels = this.read<Record<string, unknown>>('sandbox.podLabels', {});
    const scale = this.read('sandbox.timeScale', 1);
    return {
      podLabels: Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')),
      timeScale: Number.isFinite(scale) ? Math.min(20, Math.max(1, scale)) : 1,
    };
  }

  /** Writes to the workspace when one is open (the context is a per-project choice), else globally. */
  async update(key: 'context' | 'namespace', value: string | undefined): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await this.cfg.update(key, value, target);
  }
}
