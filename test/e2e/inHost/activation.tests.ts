// The extension activates in a real VS Code and registers every command its manifest contributes.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './runner';

export const EXTENSION_ID = 'consumer-probe.consumer-probe';

test('the extension activates and registers every contributed command', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
  await extension.activate();
  assert.equal(extension.isActive, true, 'the extension is active');

  const contributed: Array<{ command: string }> = extension.packageJSON?.contributes?.commands ?? [];
  assert.ok(contributed.length > 0, 'the manifest contributes commands');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
  assert.deepEqual(missing, [], 'every command in contributes.commands is registered');
});
