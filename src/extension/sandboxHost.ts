// The embedded sandbox, started on the first sandbox run and kept for later ones (and for reading the
// logs of their pods) until the extension stops. A change of its settings (pod labels, time scale)
// restarts it. The sandbox's code (dist/sandbox.js) is loaded by the first sandbox run.
import { ProbeError, describeError } from '../probe/errors';
import { probeOptions, type ProbeOptions } from '../probe/options';
import type { Sandbox } from '../sandbox/sandbox';
import { loadSandbox } from './lazy';
import type { RunTarget } from './runRecord';

/** The sandbox settings that shape the sandbox itself (not just one run). */
export interface SandboxSettings {
  podLabels: Record<string, string>;
  timeScale: number;
}

export class SandboxHost {
  private sandbox: Sandbox | undefined;
  private settingsKey = '';
  private starting: Promise<Sandbox> | undefined;

  get current(): Sandbox | undefined {
    return this.sandbox;
  }

  /** Options and target for one run of `scenario` in the (possibly freshly started) sandbox. */
  async prepare(scenario: string, settings: SandboxSettings): Promise<{ options: ProbeOptions; target: RunTarget }> {
    const { PROFILES, profileByName, probeOverridesForProfile } = loadSandbox();
    const profile = profileByName(scenario);
    if (!profile) {
      throw new ProbeError('BAD_ARGUMENT', `unknown sandbox scenario "${scenario}" (one of: ${PROFILES.map((p) => p.name).join(', ')})`);
    }
    const sandbox = await this.ensure(settings);
    const options = probeOptions(probeOverridesForProfile(sandbox, profile));
    const target: RunTarget = {
      kind: 'sandbox',
      backendUrl: sandbox.backendUrlFor(profile.name),
      kubeconfig: sandbox.kubeconfigFor(profile.name),
      namespace: sandbox.namespace,
      scenario: profile.name,
    };
    return { options, target };
  }

  private async ensure({ podLabels, timeScale }: SandboxSettings): Promise<Sandbox> {
    const key = JSON.stringify([Object.entries(podLabels).sort(), timeScale]);
    if (this.sandbox && key === this.settingsKey) return this.sandbox;
    if (this.starting) await this.starting.catch(() => undefined);
    await this.stop();
    this.settingsKey = key;
    const { Sandbox } = loadSandbox();
    this.starting = Sandbox.start({ podLabels, timeScale }).catch((e: unknown) => {
      throw new ProbeError('SANDBOX_FAILED', `the embedded sandbox did not start: ${describeError(e)}`);
    });
    try {
      this.sandbox = await this.starting;
      return this.sandbox;
    } finally {
      this.starting = undefined;
    }
  }

  /**
   * Whether the run's pods can still be asked about: a sandbox run's cluster lives only as long as the
   * sandbox that played it (a restart, e.g. after a settings change, starts a new cluster elsewhere).
   */
  serves(target: RunTarget): boolean {
    if (target.kind !== 'sandbox') return true;
    const sandbox = this.sandbox;
    return !!sandbox && !!target.kubeconfig && [sandbox.kubeconfigPath, sandbox.forbiddenKubeconfigPath].includes(target.kubeconfig);
  }

  async stop(): Promise<void> {
    const sandbox = this.sandbox;
    this.sandbox = undefined;
    await sandbox?.stop();
  }
}
