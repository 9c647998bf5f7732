// The one options builder: defaults, overrides merged on top, validated once for every shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_BACKEND_POD_PREFIX,
  DEFAULT_MATCH_RULES,
  defaultProbeOptions,
  probeOptions,
  type ProbeOverrides,
} from '../../src/probe/options';
import { ProbeError } from '../../src/probe/errors';

const URL = 'https://focus.example:5000';

test('a backend URL alone gives exactly the defaults', () => {
  assert.deepEqual(probeOptions({ backend: { url: URL } }), defaultProbeOptions(URL));
});

test('overrides merge key by key at every depth; undefined never hides a default', () => {
  const o = probeOptions({
    backend: { url: URL, pollIntervalMs: 50, token: undefined },
    kube: { namespace: 'team-a', context: undefined },
    logs: { pod: { enabled: false }, maxLines: 20 },
    timeoutMs: undefined,
  });
  assert.deepEqual(o.backend.polling, { mode: 'fixed', intervalMs: 50 }, 'an interval given: even polling');
  assert.equal(o.backend.configurePath, '/configure');
  assert.ok(!('token' in o.backend));
  assert.deepEqual(o.kube, { enabled: true, syncTimeoutMs: 5_000, namespace: 'team-a' });
  assert.deepEqual(o.logs.pod, { enabled: false });
  assert.deepEqual(o.logs.backend, { enabled: true, podNamePrefix: DEFAULT_BACKEND_POD_PREFIX });
  assert.equal(o.logs.maxLines, 20);
  assert.equal(o.logs.tailLines, 30);
  assert.equal(o.timeoutMs, 30_000);
});

test('metadata polling is adaptive (10/s) unless an interval is given; a budget may be set instead', () => {
  assert.deepEqual(probeOptions({ backend: { url: URL } }).backend.polling, { mode: 'adaptive', maxPerSecond: 10 });
  assert.deepEqual(probeOptions({ backend: { url: URL, pollMaxPerSecond: 4 } }).backend.polling, { mode: 'adaptive', maxPerSecond: 4 });
  assert.deepEqual(probeOptions({ backend: { url: URL, pollIntervalMs: 100 } }).backend.polling, { mode: 'fixed', intervalMs: 100 });
});

test('arrays and the request body are replaced, not merged; the defaults are never mutated', () => {
  const o = probeOptions({
    backend: { url: URL, body: { view_type: '1' } },
    match: { primaryNames: ['analyzer-{id}-{suffix}'], jobName: 'analyzer-{id}' },
  });
  assert.deepEqual(o.backend.body, { view_type: '1' });
  assert.deepEqual(o.match.primaryNames, ['analyzer-{id}-{suffix}']);
  assert.deepEqual(o.match.primaryLabels, DEFAULT_MATCH_RULES.primaryLabels);
  o.match.primaryLabels.push('x={id}');
  o.broker.queueNames.push('x.{id}');
  assert.ok(!DEFAULT_MATCH_RULES.primaryLabels.includes('x={id}'), 'the default rules are not shared');
  assert.ok(!probeOptions({ backend: { url: URL } }).broker.queueNames.includes('x.{id}'), 'the default queue names are not shared');
  assert.equal(DEFAULT_MATCH_RULES.jobName, 'grpc-job-{id}');
});

test('a backend label selector replaces the default name prefix; a prefix given beside it stays', () => {
  const bySelector = probeOptions({ backend: { url: URL }, logs: { backend: { labelSelector: 'app in (focus,api)' } } });
  assert.deepEqual(bySelector.logs.backend, { enabled: true, labelSelector: 'app in (focus,api)' });
  const both = probeOptions({ backend: { url: URL }, logs: { backend: { labelSelector: 'app=focus', podNamePrefix: 'focus-' } } });
  assert.deepEqual(both.logs.backend, { enabled: true, podNamePrefix: 'focus-', labelSelector: 'app=focus' });
  const blank = probeOptions({ backend: { url: URL }, logs: { backend: { labelSelector: '  ' } } });
  assert.deepEqual(
    blank.logs.backend,
    { enabled: true, podNamePrefix: DEFAULT_BACKEND_POD_PREFIX },
    'a blank selector selects nothing new',
  );
});

const bad: [string, ProbeOverrides, RegExp][] = [
  ['no URL', { backend: { url: ' ' } }, /^no backend URL is set \(backend\.url\)$/],
  ['not a URL', { backend: { url: 'focus:5000' } }, /^backend\.url must start with http:\/\/ or https:\/\/, got "focus:5000"$/],
  ['unparsable URL', { backend: { url: 'http://' } }, /^backend\.url is not a URL/],
  ['metadata path without the id', { backend: { url: URL, metadataPath: '/metadata' } }, /^backend\.metadataPath must contain \{id\}/],
  ['relative configure path', { backend: { url: URL, configurePath: 'configure' } }, /^backend\.configurePath must start with \//],
  ['fast polling', { backend: { url: URL, pollIntervalMs: 1 } }, /^backend\.pollIntervalMs must be at least 10 ms, got 1$/],
  [
    'no polling budget',
    { backend: { url: URL, pollMaxPerSecond: 0 } },
    /^backend\.pollMaxPerSecond must be more than 0 and at most 100 requests per second, got 0$/,
  ],
  [
    'an interval and a budget',
    { backend: { url: URL, pollIntervalMs: 100, pollMaxPerSecond: 5 } },
    /^backend\.pollIntervalMs fixes an even interval; it cannot go with backend\.pollMaxPerSecond, the budget of adaptive polling$/,
  ],
  ['zero timeout', { backend: { url: URL }, timeoutMs: 0 }, /^timeoutMs must be more than 0$/],
  ['NaN threshold', { backend: { url: URL }, slowThresholdMs: Number.NaN }, /^slowThresholdMs must be more than 0$/],
  ['namespace', { backend: { url: URL }, kube: { namespace: 'Team_A' } }, /^kube\.namespace must be a Kubernetes namespace name/],
  [
    'broker URL scheme',
    { backend: { url: URL }, broker: { amqpUrl: 'http://mq' } },
    /^broker\.amqpUrl must start with amqp:\/\/ or amqps:\/\//,
  ],
  ['queue pattern without the id', { backend: { url: URL }, broker: { queueNames: ['jobs'] } }, /^broker\.queueNames must contain \{id\}/],
  ['no primary rule', { backend: { url: URL }, match: { primaryLabels: [], primaryNames: [] } }, /are both empty/],
  ['label rule without =', { backend: { url: URL }, match: { primaryLabels: ['job-name'] } }, /^match\.primaryLabels takes label rules/],
  ['job name without the id', { backend: { url: URL }, match: { jobName: 'analyzer' } }, /^match\.jobName must contain \{id\}/],
  ['bad suffix pattern', { backend: { url: URL }, match: { suffixPattern: '[a-z' } }, /^match\.suffixPattern is not a regular expression/],
  [
    'bad selector',
    { backend: { url: URL }, logs: { backend: { labelSelector: 'app in (focus' } } },
    /^logs\.backend\.labelSelector is not a valid label selector/,
  ],
  ['fractional lines', { backend: { url: URL }, logs: { maxLines: 2.5 } }, /^logs\.maxLines must be a whole number/],
];
for (const [what, overrides, message] of bad) {
  test(`invalid options are one BAD_ARGUMENT sentence: ${what}`, () => {
    assert.throws(
      () => probeOptions(overrides),
      (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && message.test(e.message) && !e.message.includes('\n'),
    );
  });
}

test('errors name the field as the shell calls it', () => {
  assert.throws(
    () => probeOptions({ backend: { url: URL }, timeoutMs: -1 }, { timeoutMs: '--timeout' }),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && e.message === '--timeout must be more than 0',
  );
});
