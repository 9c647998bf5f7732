// The sandbox scenario setting's dropdown and the "Run Probe in Sandbox" QuickPick read the scenarios
// from the manifest: its enum and enumDescriptions must be the profiles' names and the very lines the
// CLI prints for them (`consumer-probe sandbox`, `demo`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PROFILES } from '../../src/sandbox/profiles';

interface ScenarioSetting {
  enum: string[];
  enumDescriptions: string[];
  default: string;
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ScenarioSetting> } };
};
const setting = manifest.contributes.configuration.properties['consumerProbe.sandbox.scenario']!;

test('each scenario in the setting carries the description the CLI prints for its profile', () => {
  assert.equal(setting.enumDescriptions.length, setting.enum.length, 'one description per scenario');
  assert.deepEqual(
    setting.enum.map((name, i) => [name, setting.enumDescriptions[i]]),
    PROFILES.map((p) => [p.name, p.description]),
  );
});

test('the default scenario is one of them', () => {
  assert.ok(setting.enum.includes(setting.default), setting.default);
});
