// What the extension host does around a run, inside a real VS Code: the tree follows a run at a rate VS
// Code can draw (only changed nodes, events ≥ 250 ms apart, the clock ticking every second), tree
// items speak what they show, a report can be pinned beside another, exports carry their file name and
// save without a dialog, Clear History can be undone, a run that could not start stays out of the
// history, and the sandbox command offers its scenarios.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ConsumerProbeApi } from '../../../src/extension/main';
import type { RunRecord } from '../../../src/extension/runRecord';
import { manifestScenarios, scenarioItems } from '../../../src/extension/sandboxScenarios';
import type { TreeNodeModel } from '../../../src/extension/tree/runTreeModel';
import { PROFILES } from '../../../src/sandbox/profiles';
import { EXTENSION_ID } from './activation.tests';
import { test } from './runner';

async function api(): Promise<ConsumerProbeApi> {
  const extension = vscode.extensions.getExtension<ConsumerProbeApi>(EXTENSION_ID);
  assert.ok(extension, 'the extension is installed');
  return extension.activate();
}

/** Polls a condition no event announces, until a deadline. */
async function eventually<T>(check: () => T | false | Promise<T | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sandboxRun = (scenario: string) => vscode.commands.executeCommand<RunRecord>('consumerProbe.runSandbox', { scenario });

let healthy: RunRecord | undefined;
let slow: RunRecord | undefined;

test('the tree names only changed nodes, at most every 250 ms, and the running clock ticks every second', async () => {
  const probe = await api();
  healthy = await sandboxRun('healthy');
  assert.equal(healthy?.report?.scenario.id, 'healthy');
  const olderPods = new Set(probe.tree.getChildren().flatMap((run) => run.children.map((c) => c.id)));
  assert.ok(olderPods.size > 0, 'the earlier run has children');

  const events: { at: number; nodes: TreeNodeModel[] | undefined }[] = [];
  const runningTexts: { at: number; text: string }[] = [];
  let rootObject: TreeNodeModel | undefined;
  let sameRootObject = true;
  const sub = probe.tree.onDidChangeTreeData((changed) => {
    const at = performance.now();
    events.push({ at, nodes: changed === undefined ? undefined : Array.isArray(changed) ? changed : [changed] });
    const [root] = probe.tree.getChildren();
    if (root?.contextValue !== 'run.running') return;
    if (rootObject && rootObject !== root) sameRootObject = false;
    rootObject = root;
    if (runningTexts.at(-1)?.text !== root.description) runningTexts.push({ at, text: root.description ?? '' });
  });
  try {
    // The backend attaches its consumer only after 5 s: a quiet stretch in which only the clock moves.
    slow = await sandboxRun('slow_consumer');
  } finally {
    sub.dispose();
  }
  assert.equal(slow?.report?.scenario.id, 'slow_consumer', slow?.report?.scenario.summary);

  const gaps = events.slice(1).map((e, i) => e.at - events[i]!.at);
  assert.ok(events.length >= 5, `the tree changed while the run ran (${events.length} events)`);
  // VS Code waits for 200 ms of quiet before it redraws: events closer than that would starve the view.
  assert.ok(Math.min(...gaps) >= 245, `events at least 250 ms apart, at most 4 a second (gaps: ${gaps.map(Math.round).join(', ')})`);
  const whole = events.filter((e) => e.nodes === undefined).length;
  assert.ok(whole <= 2, `only a new or removed run refreshes the whole tree (${whole} of ${events.length} events did)`);
  const named = events.flatMap((e) => e.nodes ?? []);
  assert.ok(
    named.every((n) => !olderPods.has(n.id)),
    'no event names a node of the earlier run below its root (nothing there changed)',
  );
  assert.ok(sameRootObject, 'the running run is one node object from start to end (VS Code refreshes it by identity)');

  // While it ran, the run row changed at least once a second (a whole-second clock, if nothing else).
  const ticks = runningTexts.slice(1).map((t, i) => t.at - runningTexts[i]!.at);
  assert.ok(runningTexts.length >= 5, `the running row changed as the run went on: ${runningTexts.map((t) => t.text).join(' | ')}`);
  assert.ok(Math.max(...ticks) <= 1300, `the running row changed at least every second (gaps: ${ticks.map(Math.round).join(', ')})`);
  assert.ok(
    runningTexts.some((t) => /^running · [4-9] s · sandbox: slow_consumer$/.test(t.text)),
    runningTexts.map((t) => t.text).join(' | '),
  );
});

test('tree items speak at least what they show: the job id on runs, the endpoint on the metadata node', async () => {
  const probe = await api();
  assert.ok(slow?.report?.jobId, 'needs the slow_consumer run');
  const root = probe.tree.getChildren().find((n) => n.runId === slow!.id);
  assert.ok(root);
  const item = probe.tree.getTreeItem(root);
  assert.equal(item.accessibilityInformation?.label, root.accessibilityLabel);
  assert.ok(item.accessibilityInformation.label.includes(`job ${slow.report.jobId}`), item.accessibilityInformation.label);
  const metadata = probe.tree.getChildren(root).find((n) => n.contextValue === 'metadata');
  assert.ok(metadata);
  assert.match(
    probe.tree.getTreeItem(metadata).accessibilityInformation?.label ?? '',
    new RegExp(`^GET /metadata/${slow.report.jobId}: answered 200 at \\d+\\.\\d{3}s, \\d+ attempts, last 200$`),
  );
});

function reportTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputWebview ? [t.label] : []));
}

test('a pinned report stays on its run beside the main one, each tab titled by its run', async () => {
  const probe = await api();
  assert.ok(healthy?.report && slow?.report, 'needs both runs');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('consumerProbe.openReport', healthy.id);
  await vscode.commands.executeCommand('consumerProbe.openReportToSide', healthy.id);
  await vscode.commands.executeCommand('consumerProbe.openReport', slow.id);
  assert.deepEqual(
    probe.reportPanels().map((p) => [p.runId, p.pinned]),
    [
      [slow.id, false],
      [healthy.id, true],
    ],
  );
  const tabs = await eventually(() => {
    const labels = reportTabs();
    return labels.length === 2 && labels.every((l) => l.includes('job ')) && labels;
  }, 'two report tabs titled by their runs');
  assert.equal(new Set(tabs).size, 2, `different titles: ${tabs.join(' | ')}`);
  assert.ok(
    tabs.some((t) => t.includes(healthy!.report!.jobId!) && t.includes('healthy')),
    tabs.join(' | '),
  );
  assert.ok(
    tabs.some((t) => t.includes(slow!.report!.jobId!) && t.includes('slow_consumer')),
    tabs.join(' | '),
  );
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await eventually(() => probe.reportPanels().length === 0, 'the report panels to close');
});

test('exports open under <job>-<scenario>.md/.json and save there without a dialog', async () => {
  assert.ok(healthy?.report?.jobId, 'needs the healthy run');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'the test workspace is a folder');
  for (const [command, name] of [
    ['consumerProbe.exportMarkdown', `${healthy.report.jobId}-healthy.md`],
    ['consumerProbe.exportJson', `${healthy.report.jobId}-healthy.json`],
  ] as const) {
    await vscode.commands.executeCommand(command, healthy.id);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc, `${command} opened a document`);
    assert.equal(doc.uri.scheme, 'untitled');
    assert.equal(doc.uri.path.split('/').pop(), name);
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, name);
    assert.ok(doc.getText().includes(healthy.report.jobId), 'the export names the job');
    const target = vscode.Uri.joinPath(folder, name);
    try {
      // A Save that asked where would never resolve here (nobody answers a dialog in this test).
      assert.equal(await doc.save(), true, 'saved');
      assert.ok(existsSync(target.fsPath), `${target.fsPath} written`);
    } finally {
      rmSync(target.fsPath, { force: true });
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('Clear History empties the tree and the status bar; Undo puts both back', async () => {
  const probe = await api();
  const before = probe.runs().map((r) => r.id);
  assert.ok(before.length >= 2);
  assert.ok(probe.statusText(), 'the status bar shows the last verdict');
  await vscode.commands.executeCommand('consumerProbe.clearHistory');
  assert.deepEqual(probe.runs(), []);
  assert.deepEqual(probe.tree.getChildren(), []);
  assert.equal(probe.statusText(), undefined, 'the status bar no longer shows a cleared verdict');
  await vscode.commands.executeCommand('consumerProbe.undoClearHistory');
  assert.deepEqual(
    probe.runs().map((r) => r.id),
    before,
  );
  assert.deepEqual(
    probe.tree.getChildren().map((n) => n.runId),
    before,
  );
  assert.match(probe.statusText() ?? '', /slow_consumer · ready/);
});

test('a probe that cannot read its kubeconfig does not start, and leaves no run in the history', async () => {
  const probe = await api();
  const sandbox = probe.sandbox();
  assert.ok(sandbox, 'the sandbox of the earlier runs is up');
  const before = probe.runs().map((r) => r.id);
  const settings = vscode.workspace.getConfiguration('consumerProbe');
  await settings.update('backendUrl', sandbox.backendUrlFor('healthy'), vscode.ConfigurationTarget.Global);
  await settings.update('kubeconfig', '/nonexistent/consumer-probe/kubeconfig', vscode.ConfigurationTarget.Global);
  try {
    const final = await vscode.commands.executeCommand<RunRecord>('consumerProbe.runProbe');
    assert.equal(final?.status, 'failed');
    assert.match(final.error ?? '', /cannot read kubeconfig \/nonexistent\/consumer-probe\/kubeconfig: no such file/);
    assert.deepEqual(
      probe.runs().map((r) => r.id),
      before,
      'the failed start is not a run of the history (nor of the trend)',
    );
    assert.match(probe.statusText() ?? '', /slow_consumer · ready/, 'the status bar is back on the last verdict');
  } finally {
    await settings.update('backendUrl', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
  }
});

test('Run Probe in Sandbox offers every scenario with the line the CLI prints, the default first', async () => {
  const probe = await api();
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
  const choices = manifestScenarios(extension.packageJSON);
  assert.deepEqual(
    choices,
    PROFILES.map((p) => ({ name: p.name, description: p.description })),
  );
  assert.equal(scenarioItems(choices, 'pod_pending', 'default')[0]?.detail, PROFILES.find((p) => p.name === 'pod_pending')?.description);

  // No scenario set: the command asks; Enter plays the first (the default).
  const count = probe.runs().length;
  const pending = vscode.commands.executeCommand<RunRecord | undefined>('consumerProbe.runSandbox');
  await eventually(async () => {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return probe.runs().length > count || probe.isRunning();
  }, 'the scenario pick to be answered');
  const run = await pending;
  assert.equal(run?.target.scenario, 'healthy');
});
