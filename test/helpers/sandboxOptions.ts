// The options a shell builds for a sandbox profile: the sandbox's overrides through the engine's builder.
import { probeOptions, type ProbeOptions } from '../../src/probe/options';
import { probeOverridesForProfile } from '../../src/sandbox/probeOptions';
import type { SandboxProfile } from '../../src/sandbox/profiles';
import type { Sandbox } from '../../src/sandbox/sandbox';

export function probeOptionsForProfile(sandbox: Sandbox, profile: SandboxProfile): ProbeOptions {
  return probeOptions(probeOverridesForProfile(sandbox, profile));
}
