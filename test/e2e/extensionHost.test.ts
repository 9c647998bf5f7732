// The extension inside a real VS Code's extension host (code-server): the suite in test/e2e/inHost runs
// there and reports each of its tests here, by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBundles } from './harness/build';
import { runInHostSuite } from './harness/inHostRunner';
import { Teardown } from './harness/teardown';
import { e2eSkip, requireE2eTools } from './harness/tools';

test('the in-extension-host suite passes in code-server', { skip: e2eSkip(), timeout: 300_000 }, async (t) => {
  const teardown = new Teardown();
  t.after(() => teardown.run());
  await buildBundles();

  const run = await runInHostSuite({ tools: requireE2eTools(), teardown });
  const tests = run.results?.tests ?? [];
  assert.ok(tests.length > 0, `the suite reported tests (exit code ${run.exitCode}); page console:\n${run.console.slice(-30).join('\n')}`);
  for (const result of tests) {
    await t.test(result.name, () => {
      assert.ok(result.ok, result.error ?? 'failed without an error');
    });
  }
  assert.equal(run.exitCode, 0, 'VS Code reports the suite passed');
});
