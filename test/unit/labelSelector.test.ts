// The one label-selector grammar of the project (engine, options builder, sandbox API server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSelectorSyntaxError, parseLabelSelector } from '../../src/probe/labelSelector';

const select = (selector: string, labels: Record<string, string>) => parseLabelSelector(selector).matches(labels);

test('equality: k=v, k==v, k!=v (which also matches pods without k)', () => {
  assert.ok(select('app=focus', { app: 'focus' }));
  assert.ok(!select('app=focus', { app: 'api' }));
  assert.ok(!select('app=focus', {}));
  assert.ok(select('app==focus', { app: 'focus' }));
  assert.ok(!select('app==focus', { app: 'focusx' }));
  assert.ok(select('app!=focus', { app: 'api' }));
  assert.ok(select('app!=focus', {}));
  assert.ok(!select('app!=focus', { app: 'focus' }));
  assert.ok(select('app=', { app: '' }), 'an empty value is a value');
  assert.ok(!select('app=', { app: 'x' }));
});

test('sets: k in (a,b), k notin (a,b)', () => {
  assert.ok(select('app in (focus,api)', { app: 'focus' }));
  assert.ok(select('app in (focus,api)', { app: 'api' }));
  assert.ok(!select('app in (focus,api)', { app: 'broker' }));
  assert.ok(!select('app in (focus,api)', {}));
  assert.ok(select('app notin (focus,api)', { app: 'broker' }));
  assert.ok(select('app notin (focus,api)', {}));
  assert.ok(!select('app notin (focus,api)', { app: 'api' }));
});

test('existence: k and !k', () => {
  assert.ok(select('debug', { debug: '' }));
  assert.ok(!select('debug', {}));
  assert.ok(select('!debug', {}));
  assert.ok(!select('!debug', { debug: '1' }));
});

test('requirements are ANDed; whitespace between tokens does not matter; keys may carry a prefix', () => {
  const labels = { 'app.kubernetes.io/name': 'focus-server', tier: 'web' };
  assert.ok(select(' app.kubernetes.io/name = focus-server ,tier  in(web , api),!debug ', labels));
  assert.ok(!select('app.kubernetes.io/name=focus-server,tier notin (web)', labels));
  assert.deepEqual(parseLabelSelector('a in (x, y),!b, c!=d').requirements, [
    { key: 'a', operator: 'in', values: ['x', 'y'] },
    { key: 'b', operator: '!', values: [] },
    { key: 'c', operator: '!=', values: ['d'] },
  ]);
});

test('an empty selector selects everything', () => {
  assert.ok(select('', { any: 'thing' }));
  assert.ok(select('   ', {}));
  assert.deepEqual(parseLabelSelector(undefined).requirements, []);
});

const invalid: [string, RegExp][] = [
  ['app in (focus', /found '', expected: ',' or '\)'/],
  ['app in ()', /values set can't be empty/],
  ['app in focus', /expected: '\('/],
  ['app=a=b', /found '=', expected: ',' or 'end of string'/],
  ['app=focus,', /found '', expected: identifier/],
  ['-bad=x', /key: Invalid value: "-bad"/],
  ['app=-x-', /values\[0\]: Invalid value: "-x-"/],
  ['app foo', /expected: '=', '!=', '==', 'in', notin'/],
  ['n>x', /must be an integer/],
];
for (const [selector, detail] of invalid) {
  test(`invalid selector is a LabelSelectorSyntaxError naming the problem: ${selector}`, () => {
    assert.throws(
      () => parseLabelSelector(selector),
      (e: unknown) =>
        e instanceof LabelSelectorSyntaxError && detail.test(e.detail) && e.message.includes(`"${selector}"`) && !e.message.includes('\n'),
    );
  });
}
