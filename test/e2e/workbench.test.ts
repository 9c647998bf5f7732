// The harness itself, without the extension: code-server starts, the workbench loads in Chromium, a
// command runs from the palette, a screenshot is saved, and nothing is left running afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './harness/browser';
import { CodeServer } from './harness/codeServer';
import { Teardown } from './harness/teardown';
import { e2eSkip, requireE2eTools } from './harness/tools';
import { Workbench } from './pageObjects/workbench';

test('code-server workbench loads and runs a palette command', { skip: e2eSkip(), timeout: 180_000 }, async (t) => {
  const teardown = new Teardown();
  t.after(() => teardown.run());
  const tools = requireE2eTools();
  const workspace = teardown.tempDir('consumer-probe-ws-');
  writeFileSync(join(workspace, 'hello.txt'), 'hello from the e2e harness\n');

  const server = await CodeServer.start({ tools, teardown, workspace });
  const { page } = await launchBrowser(tools, teardown);
  const workbench = new Workbench(page);
  await workbench.open(server.workbenchUrl());

  await page.locator('.part.sidebar .monaco-list-row', { hasText: 'hello.txt' }).waitFor({ state: 'visible', timeout: 15_000 });
  await workbench.runCommand('File: New Untitled Text File');
  await page.locator('.part.editor .tabs-container .tab', { hasText: 'Untitled-1' }).waitFor({ state: 'visible', timeout: 15_000 });
  const shot = await workbench.screenshot('workbench.png');
  assert.ok(existsSync(shot) && statSync(shot).size > 0, `screenshot saved at ${shot}`);

  await teardown.run();
  assert.equal(server.processesLeft(), false, 'code-server and its children are gone after stop()');
});
