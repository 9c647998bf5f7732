// The manifest is configuration code: its defaults must be the engine's, its menus must name real
// commands, and the settings that point at hosts must be the ones restricted in untrusted workspaces.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MATCH_RULES, defaultLogOptions, defaultProbeOptions } from '../../src/probe/options';
import { ProbeError } from '../../src/probe/errors';
import { PROFILES } from '../../src/sandbox/profiles';
import { generateClusterCertificates } from '../../src/sandbox/kube/certs';
import { makeTempDir } from '../helpers/tmp';
import { RESTRICTED_SETTINGS, clusterRunTarget, probeOptionsFromSettings, type ProbeSettings } from '../../src/extension/settings';

interface Manifest {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    views: Record<string, { id: string; name: string }[]>;
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    configuration: {
      properties: Record<string, { default: unknown; description?: string; markdownDescription?: string; enum?: string[] }>;
    };
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const props = manifest.contributes.configuration.properties;
const defaultOf = (key: string) => {
  assert.ok(key in props, `setting ${key} is not contributed`);
  return props[key]!.default;
};

function settingsFromManifest(): ProbeSettings {
  return {
    backendUrl: 'https://focus.example:5000',
    configurePath: defaultOf('consumerProbe.configurePath') as string,
    metadataPath: defaultOf('consumerProbe.metadataPath') as string,
    requestBody: defaultOf('consumerProbe.requestBody'),
    jobIdField: defaultOf('consumerProbe.jobIdField') as string,
    backendCaFile: defaultOf('consumerProbe.backendCaFile') as string,
    namespace: defaultOf('consumerProbe.namespace') as string,
    kubeconfig: defaultOf('consumerProbe.kubeconfig') as string,
    context: defaultOf('consumerProbe.context') as string,
    pollIntervalMs: defaultOf('consumerProbe.pollIntervalMs') as number | null,
    timeoutSeconds: defaultOf('consumerProbe.timeoutSeconds') as number,
    slowThresholdSeconds: defaultOf('consumerProbe.slowThresholdSeconds') as number,
    match: {
      primaryLabels: defaultOf('consumerProbe.match.primaryLabels') as string[],
      primaryNames: defaultOf('consumerProbe.match.primaryNames') as string[],
      relatedLabels: defaultOf('consumerProbe.match.relatedLabels') as string[],
      relatedNames: defaultOf('consumerProbe.match.relatedNames') as string[],
      jobName: defaultOf('consumerProbe.match.jobName') as string,
    },
    brokerUrl: defaultOf('consumerProbe.brokerUrl') as string,
    amqpUrl: defaultOf('consumerProbe.amqpUrl') as string,
    followLogs: defaultOf('consumerProbe.logs.follow') as boolean,
    backendPodPrefix: defaultOf('consumerProbe.logs.backendPodPrefix') as string,
    backendPodSelector: defaultOf('consumerProbe.logs.backendPodSelector') as string,
  };
}

describe('extension manifest', () => {
  test('settings defaults are the engine defaults (the Focus Server profile)', () => {
    const fromSettings = probeOptionsFromSettings(settingsFromManifest(), {});
    assert.deepEqual(fromSettings, defaultProbeOptions('https://focus.example:5000'));
    assert.deepEqual(fromSettings.match, DEFAULT_MATCH_RULES);
    assert.deepEqual(fromSettings.logs, defaultLogOptions());
  });

  test('every setting is described', () => {
    for (const [key, p] of Object.entries(props)) assert.ok(p.description || p.markdownDescription, `${key} has no description`);
  });

  test('the sandbox scenario setting offers exactly the sandbox profiles', () => {
    assert.deepEqual(
      props['consumerProbe.sandbox.scenario']!.enum,
      PROFILES.map((p) => p.name),
    );
    assert.equal(defaultOf('consumerProbe.sandbox.scenario'), 'healthy');
  });

  test('host-pointing settings are restricted in untrusted workspaces', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.deepEqual([...trust.restrictedConfigurations].sort(), [...RESTRICTED_SETTINGS].sort());
    for (const key of RESTRICTED_SETTINGS) assert.ok(key in props, `${key} is restricted but not contributed`);
  });

  test('commands: one category, and every menu entry names a contributed command', () => {
    const ids = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Consumer Probe', c.command);
    for (const required of [
      'runProbe',
      'runSandbox',
      'stopProbe',
      'selectContext',
      'selectNamespace',
      'openReport',
      'exportMarkdown',
      'exportJson',
      'showPodLogs',
      'copyPodName',
      'setBackendToken',
      'clearHistory',
    ]) {
      assert.ok(ids.has(`consumerProbe.${required}`), `missing command ${required}`);
    }
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const e of entries) assert.ok(ids.has(e.command), `${menu} names unknown command ${e.command}`);
    }
  });

  test('a Consumer Probe activity-bar container holds the Probe Runs view; activation is on our views only', () => {
    assert.deepEqual(
      manifest.contributes.viewsContainers.activitybar.map((c) => [c.id, c.title]),
      [['consumerProbe', 'Consumer Probe']],
    );
    assert.deepEqual(
      manifest.contributes.views.consumerProbe!.map((v) => [v.id, v.name]),
      [['consumerProbe.runs', 'Probe Runs']],
    );
    assert.ok(
      manifest.activationEvents.every((e) => /^onView:consumerProbe\.|^onWebviewPanel:consumerProbe\./.test(e)),
      manifest.activationEvents.join(),
    );
    assert.equal(manifest.main, './dist/extension.js');
  });
});

describe('settings → probe options', () => {
  const base = settingsFromManifest();

  test('maps every setting and takes credentials from the secret store', () => {
    const o = probeOptionsFromSettings(
      {
        ...base,
        namespace: ' team-a ',
        kubeconfig: '/k/config',
        context: 'prod',
        timeoutSeconds: 12.5,
        slowThresholdSeconds: 4,
        pollIntervalMs: 250,
        brokerUrl: 'http://rabbit:15672',
      },
      { backendToken: 's3cret', brokerUsername: 'probe', brokerPassword: 'pw' },
    );
    assert.equal(o.kube.namespace, 'team-a');
    assert.equal(o.kube.kubeconfig, '/k/config');
    assert.equal(o.kube.context, 'prod');
    assert.equal(o.timeoutMs, 12_500);
    assert.equal(o.slowThresholdMs, 4_000);
    assert.deepEqual(o.backend.polling, { mode: 'fixed', intervalMs: 250 });
    assert.equal(o.backend.token, 's3cret');
    assert.deepEqual([o.broker.managementUrl, o.broker.username, o.broker.password], ['http://rabbit:15672', 'probe', 'pw']);
  });

  test('AMQP alone, logs off, and a backend label selector instead of the name prefix', () => {
    const o = probeOptionsFromSettings(
      { ...base, amqpUrl: 'amqp://rabbit:5672/', followLogs: false, backendPodPrefix: '', backendPodSelector: 'app=focus' },
      {},
    );
    assert.equal(o.broker.amqpUrl, 'amqp://rabbit:5672/');
    assert.equal(o.broker.managementUrl, undefined);
    assert.equal(o.logs.backend.enabled, false);
    assert.equal(o.logs.pod.enabled, false);
    assert.equal(o.logs.backend.labelSelector, 'app=focus');
    assert.equal(o.logs.backend.podNamePrefix, undefined);
  });

  test("the run target kept in the history never carries the backend URL's credentials", () => {
    const o = probeOptionsFromSettings(
      { ...base, backendUrl: 'https://probe:s3cret@focus.example:5000/api', kubeconfig: '/k/config', context: 'prod' },
      {},
    );
    const target = clusterRunTarget(o);
    assert.equal(o.backend.url, 'https://probe:s3cret@focus.example:5000/api', 'the probe itself still gets them');
    assert.equal(target.backendUrl, 'https://***@focus.example:5000/api');
    assert.deepEqual([target.kind, target.kubeconfig, target.context, target.namespace], ['cluster', '/k/config', 'prod', 'panda']);
    assert.ok(!JSON.stringify(target).includes('s3cret'));
  });

  test('bad values are one clear ProbeError, not a crash later', () => {
    const bad = (s: Partial<ProbeSettings>, pattern: RegExp) =>
      assert.throws(
        () => probeOptionsFromSettings({ ...base, ...s }, {}),
        (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && pattern.test((e as Error).message),
      );
    bad({ backendUrl: '  ' }, /no backend URL/);
    bad({ backendUrl: 'focus:5000' }, /must start with http/);
    bad({ timeoutSeconds: 0 }, /timeoutSeconds/);
    bad({ pollIntervalMs: 1 }, /pollIntervalMs/);
    bad(
      { backendPodSelector: 'app in (focus' },
      /^consumerProbe\.logs\.backendPodSelector is not a valid label selector \("app in \(focus"\): found '', expected: ',' or '\)'$/,
    );
    bad({ match: { ...base.match, jobName: 'analyzer' } }, /^consumerProbe\.match\.jobName must contain \{id\}/);
    bad({ namespace: 'Team_A' }, /^consumerProbe\.namespace must be a Kubernetes namespace name/);
  });

  test('a backend label selector replaces the prefix the setting shows by default, as on the command line', () => {
    const o = probeOptionsFromSettings({ ...base, backendPodSelector: 'app.kubernetes.io/name=focus-server' }, {});
    assert.equal(base.backendPodPrefix, 'panda-panda-focus-server');
    assert.deepEqual(o.logs.backend, { enabled: true, labelSelector: 'app.kubernetes.io/name=focus-server' });
    assert.equal(
      probeOptionsFromSettings(base, {}).logs.backend.podNamePrefix,
      'panda-panda-focus-server',
      'without a selector the prefix stays',
    );
  });

  test('the backend CA file: its certificates reach the backend options; an unusable file is one error naming the setting', async (t) => {
    const dir = makeTempDir(t);
    const { caPem, keyPem } = await generateClusterCertificates();
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, `# our internal CA\n${caPem}${keyPem}`);
    assert.equal(probeOptionsFromSettings({ ...base, backendCaFile: ` ${ca} ` }, {}).backend.ca, caPem.trim(), 'the key is left out');
    assert.equal(probeOptionsFromSettings(base, {}).backend.ca, undefined);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    const bad = (file: string, pattern: RegExp) =>
      assert.throws(
        () => probeOptionsFromSettings({ ...base, backendCaFile: file }, {}),
        (e: unknown) => ProbeError.is(e, 'FILE_UNREADABLE') && pattern.test((e as Error).message),
      );
    bad(join(dir, 'missing.pem'), /^cannot read consumerProbe\.backendCaFile .*missing\.pem: no such file$/);
    bad(notPem, /^consumerProbe\.backendCaFile .*not\.pem holds no PEM certificate/);
  });

  test('a backend label selector may use the full grammar, and a prefix set beside it is kept', () => {
    const o = probeOptionsFromSettings({ ...base, backendPodPrefix: 'focus-', backendPodSelector: 'app in (focus,api)' }, {});
    assert.deepEqual(o.logs.backend, { enabled: true, podNamePrefix: 'focus-', labelSelector: 'app in (focus,api)' });
  });
});
