import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, realBrokerFlags, type CliCommand } from '../../src/cli/args';
import { runOptions } from '../../src/cli/runOptions';
import { ProbeError } from '../../src/probe/errors';

test('run: every contract flag is parsed', () => {
  const cmd = parseCommandLine([
    'run',
    '--backend',
    'https://focus:5000',
    '--namespace',
    'ns',
    '--kubeconfig',
    'k.yaml',
    '--context',
    'c',
    '--body',
    'b.json',
    '--timeout',
    '12.5',
    '--slow',
    '3',
    '--poll-interval',
    '250',
    '--rabbitmq',
    'http://mq:15672',
    '--amqp',
    'amqp://mq',
    '--json',
    '-',
    '--markdown',
    'r.md',
    '--junit',
    'r.xml',
    '--quiet',
  ]);
  assert.deepEqual(cmd, {
    command: 'run',
    backend: 'https://focus:5000',
    namespace: 'ns',
    kubeconfig: 'k.yaml',
    context: 'c',
    body: 'b.json',
    timeoutS: 12.5,
    slowS: 3,
    pollIntervalMs: 250,
    json: '-',
    markdown: 'r.md',
    junit: 'r.xml',
    quiet: true,
    rabbitmq: 'http://mq:15672',
    amqp: 'amqp://mq',
  });
});

test('demo and sandbox', () => {
  assert.deepEqual(parseCommandLine(['demo', '--scenario', 'pod_pending', '--json', 'x.json']), {
    command: 'demo',
    scenario: 'pod_pending',
    json: 'x.json',
    markdown: undefined,
    junit: undefined,
    quiet: false,
    rabbitmq: undefined,
    amqp: undefined,
  });
  assert.deepEqual(parseCommandLine(['sandbox', '--port', '8080']), { command: 'sandbox', port: 8080 });
  assert.deepEqual(parseCommandLine(['sandbox', '--noise-pods', '2000', '--noise-events', '5000']), {
    command: 'sandbox',
    port: undefined,
    noisePods: 2000,
    noiseEvents: 5000,
  });
  assert.deepEqual(parseCommandLine([]), { command: 'help' });
});

test('run: log monitor flags, present only when given', () => {
  const cmd = parseCommandLine([
    'run',
    '--backend',
    'http://b',
    '--backend-pods',
    'focus-',
    '--backend-selector',
    'app=focus',
    '--backend-container',
    'api',
    '--no-logs',
  ]);
  assert.equal(cmd.command, 'run');
  assert.deepEqual(
    {
      pods: (cmd as any).backendPods,
      selector: (cmd as any).backendSelector,
      container: (cmd as any).backendContainer,
      noLogs: (cmd as any).noLogs,
    },
    { pods: 'focus-', selector: 'app=focus', container: 'api', noLogs: true },
  );
  assert.ok(!('backendPods' in parseCommandLine(['run', '--backend', 'http://b'])));
});

test('sandbox and demo take a real broker: both URLs or none', () => {
  assert.deepEqual(parseCommandLine(['sandbox', '--rabbitmq', 'http://mq:15672', '--amqp', 'amqp://mq']), {
    command: 'sandbox',
    port: undefined,
    rabbitmq: 'http://mq:15672',
    amqp: 'amqp://mq',
  });
  assert.equal(realBrokerFlags({}), null);
  assert.deepEqual(realBrokerFlags({ rabbitmq: 'http://mq:15672', amqp: 'amqp://mq' }), {
    managementUrl: 'http://mq:15672',
    amqpUrl: 'amqp://mq',
  });
  assert.throws(
    () => realBrokerFlags({ amqp: 'amqp://mq' }),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && /needs both --rabbitmq/.test(e.message),
  );
});

const bad: [string[], RegExp][] = [
  [['run', '--backend', 'http://x', '--backend-pods', ' '], /--backend-pods needs a value/],
  [['sandbox', '--amqp', 'http://x'], /--amqp must start with amqp:\/\/ or amqps:\/\//],
  [['run'], /run needs --backend URL/],
  [['run', '--backend', 'not a url'], /--backend is not a URL/],
  [['run', '--backend', 'ftp://x'], /--backend must start with http:\/\/ or https:\/\/, got "ftp:\/\/x"/],
  [['run', '--backend', 'http://x', '--timeout', '0'], /--timeout takes a positive number/],
  [['run', '--backend', 'http://x', '--slow', 'soon'], /--slow takes a positive number/],
  [['run', '--backend', 'http://x', '--poll-interval', 'fast'], /^--poll-interval takes a number of milliseconds, got "fast"$/],
  [['run', '--backend', 'http://x', '--amqp', 'http://x'], /--amqp must start with amqp:\/\/ or amqps:\/\//],
  [['run', '--backend', 'http://x', '--bogus'], /Unknown option '--bogus'/],
  [['sandbox', '--port', '70000'], /--port takes a port number/],
  [['sandbox', '--noise-pods', 'many'], /--noise-pods takes a count, got "many"/],
  [['frobnicate'], /unknown command "frobnicate"/],
];
for (const [argv, message] of bad) {
  test(`bad arguments are a BAD_ARGUMENT ProbeError: ${argv.join(' ')}`, () => {
    assert.throws(
      () => parseCommandLine(argv),
      (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && message.test(e.message),
    );
  });
}

test('run: the flags become the engine options through the one builder', () => {
  const run = (...flags: string[]) =>
    runOptions(parseCommandLine(['run', '--backend', 'http://b', ...flags]) as Extract<CliCommand, { command: 'run' }>, {});
  assert.deepEqual(run().logs.backend, { enabled: true, podNamePrefix: 'panda-panda-focus-server' });
  assert.deepEqual(
    run('--backend-selector', 'app in (focus,api)').logs.backend,
    { enabled: true, labelSelector: 'app in (focus,api)' },
    'a selector alone replaces the prefix',
  );
  assert.deepEqual(run('--backend-pods', 'focus-', '--backend-selector', 'app=focus').logs.backend, {
    enabled: true,
    podNamePrefix: 'focus-',
    labelSelector: 'app=focus',
  });
  const quiet = run('--no-logs', '--timeout', '12.5', '--namespace', 'team-a');
  assert.deepEqual(
    [quiet.logs.backend.enabled, quiet.logs.pod.enabled, quiet.timeoutMs, quiet.kube.namespace],
    [false, false, 12_500, 'team-a'],
  );
  const broker = runOptions(
    parseCommandLine(['run', '--backend', 'http://b', '--amqp', 'amqp://mq']) as Extract<CliCommand, { command: 'run' }>,
    {
      CONSUMER_PROBE_RABBITMQ_USER: 'probe',
      CONSUMER_PROBE_TOKEN: 't',
    },
  );
  assert.deepEqual([broker.broker.amqpUrl, broker.broker.username, broker.backend.token], ['amqp://mq', 'probe', 't']);
  assert.throws(
    () => run('--backend-selector', 'app in (focus'),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && /^--backend-selector is not a valid label selector/.test(e.message),
  );
  assert.deepEqual(run().backend.polling, { mode: 'adaptive', maxPerSecond: 10 }, 'adaptive unless an interval is given');
  assert.deepEqual(run('--poll-interval', '250').backend.polling, { mode: 'fixed', intervalMs: 250 });
  assert.throws(
    () => run('--poll-interval', '5'),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && /^--poll-interval must be at least 10 ms, got 5$/.test(e.message),
  );
  assert.throws(
    () => run('--namespace', 'Team_A'),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && /^--namespace must be a Kubernetes namespace name/.test(e.message),
  );
});
