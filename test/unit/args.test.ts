import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/cli/args';
import { ProbeError } from '../../src/probe/errors';

test('run: every contract flag is parsed', () => {
  const cmd = parseCommandLine([
    'run', '--backend', 'https://focus:5000', '--namespace', 'ns', '--kubeconfig', 'k.yaml', '--context', 'c',
    '--body', 'b.json', '--timeout', '12.5', '--slow', '3', '--rabbitmq', 'http://mq:15672', '--amqp', 'amqp://mq',
    '--json', '-', '--markdown', 'r.md', '--junit', 'r.xml', '--quiet',
  ]);
  assert.deepEqual(cmd, {
    command: 'run', backend: 'https://focus:5000', namespace: 'ns', kubeconfig: 'k.yaml', context: 'c', body: 'b.json',
    timeoutS: 12.5, slowS: 3, json: '-', markdown: 'r.md', junit: 'r.xml', quiet: true, rabbitmq: 'http://mq:15672', amqp: 'amqp://mq',
  });
});

test('demo and sandbox', () => {
  assert.deepEqual(parseCommandLine(['demo', '--scenario', 'pod_pending', '--json', 'x.json']), {
    command: 'demo', scenario: 'pod_pending', json: 'x.json', markdown: undefined, junit: undefined, quiet: false, rabbitmq: undefined, amqp: undefined,
  });
  assert.deepEqual(parseCommandLine(['sandbox', '--port', '8080']), { command: 'sandbox', port: 8080 });
  assert.deepEqual(parseCommandLine([]), { command: 'help' });
});

const bad: [string[], RegExp][] = [
  [['run'], /run needs --backend URL/],
  [['run', '--backend', 'not a url'], /--backend is not a URL/],
  [['run', '--backend', 'ftp://x'], /--backend must start with http:\/\/ or https:\/\/, got "ftp:\/\/x"/],
  [['run', '--backend', 'http://x', '--timeout', '0'], /--timeout takes a positive number/],
  [['run', '--backend', 'http://x', '--slow', 'soon'], /--slow takes a positive number/],
  [['run', '--backend', 'http://x', '--amqp', 'http://x'], /--amqp must start with amqp:\/\/ or amqps:\/\//],
  [['run', '--backend', 'http://x', '--bogus'], /Unknown option '--bogus'/],
  [['sandbox', '--port', '70000'], /--port takes a port number/],
  [['frobnicate'], /unknown command "frobnicate"/],
];
for (const [argv, message] of bad) {
  test(`bad arguments are a BAD_ARGUMENT ProbeError: ${argv.join(' ')}`, () => {
    assert.throws(() => parseCommandLine(argv), (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && message.test(e.message));
  });
}
