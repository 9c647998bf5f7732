// `consumer-probe serve` on the command line: run's probe flags, its own --every/--port/--bind with the
// contract's defaults, and one clear BAD_ARGUMENT line for anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { USAGE, parseCommandLine } from '../../src/cli/args';
import { ProbeError } from '../../src/probe/errors';

test('serve with only --backend: every 300 s on 0.0.0.0:9464', () => {
  assert.deepEqual(parseCommandLine(['serve', '--backend', 'http://focus:5000']), {
    command: 'serve',
    backend: 'http://focus:5000',
    namespace: undefined,
    kubeconfig: undefined,
    context: undefined,
    body: undefined,
    timeoutS: undefined,
    slowS: undefined,
    everyS: 300,
    port: 9464,
    bind: '0.0.0.0',
  });
});

test("serve takes run's cluster, broker, body and timing flags and its own", () => {
  const cmd = parseCommandLine([
    'serve',
    '--backend',
    'https://focus:5000',
    '--every',
    '1.5',
    '--port',
    '0',
    '--bind',
    '127.0.0.1',
    '--namespace',
    'team',
    '--kubeconfig',
    '/k',
    '--context',
    'prod',
    '--body',
    '/b.json',
    '--timeout',
    '45',
    '--slow',
    '25',
    '--rabbitmq',
    'http://rabbit:15672',
    '--amqp',
    'amqp://rabbit',
    '--no-logs',
  ]);
  assert.equal(cmd.command, 'serve');
  assert.ok(cmd.command === 'serve');
  assert.equal(cmd.everyS, 1.5);
  assert.equal(cmd.port, 0);
  assert.equal(cmd.bind, '127.0.0.1');
  assert.equal(cmd.namespace, 'team');
  assert.equal(cmd.kubeconfig, '/k');
  assert.equal(cmd.context, 'prod');
  assert.equal(cmd.body, '/b.json');
  assert.equal(cmd.timeoutS, 45);
  assert.equal(cmd.slowS, 25);
  assert.equal(cmd.rabbitmq, 'http://rabbit:15672');
  assert.equal(cmd.amqp, 'amqp://rabbit');
  assert.equal(cmd.noLogs, true);
});

test('serve refuses bad values and the output flags, in one line each', () => {
  const cases: [string[], RegExp][] = [
    [['serve'], /serve needs --backend URL/],
    [['serve', '--backend', 'http://b', '--every', '0'], /--every takes a positive number of seconds, got "0"/],
    [['serve', '--backend', 'http://b', '--every', 'soon'], /--every takes a positive number of seconds/],
    [['serve', '--backend', 'http://b', '--port', '70000'], /--port takes a port number \(0-65535\), got "70000"/],
    [['serve', '--backend', 'http://b', '--port=-1'], /--port takes a port number/],
    [['serve', '--backend', 'http://b', '--bind', ' '], /--bind needs an address/],
    [['serve', '--backend', 'http://b', '--json', '-'], /Unknown option '--json'/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseCommandLine(argv),
      (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && message.test(e.message) && !e.message.includes('\n'),
      argv.join(' '),
    );
  }
});

test('serve --help and the usage text', () => {
  assert.deepEqual(parseCommandLine(['serve', '--help']), { command: 'help', topic: 'serve' });
  assert.match(USAGE, /consumer-probe serve --backend URL \[--every S\] \[--port N\] \[--bind ADDR\]/);
});
