// Probe runs inside a real VS Code: the sandbox run fills the tree (live, then final), Stop cancels
// every request and watch, and the report, export and pod-log commands work on the run's data.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConsumerProbeApi } from '../../../src/extension/main';
import type { RunRecord } from '../../../src/extension/runRecord';
import type { TreeNodeModel } from '../../../src/extension/tree/runTreeModel';
import { EXTENSION_ID } from './activation.tests';
import { test } from './runner';

async function api(): Promise<ConsumerProbeApi> {
  const extension = vscode.extensions.getExtension<ConsumerProbeApi>(EXTENSION_ID);
  assert.ok(extension, 'the extension is installed');
  return extension.activate();
}

/** Resolves when `check` holds, re-checking on every tree change (no sleeps); rejects at the deadline. */
function untilTree(probe: ConsumerProbeApi, check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const sub = probe.tree.onDidChangeTreeData(() => {
      if (!check()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** Polls a condition that no event announces (server-side socket teardown) until a deadline. */
async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function runNode(probe: ConsumerProbeApi, runId: string): TreeNodeModel | undefined {
  return probe.tree.getChildren().find((n) => n.id === `run:${runId}`);
}

let healthy: RunRecord | undefined;

test('Run Probe in Sandbox fills the tree live and ends with the primary pod Running and ready', async () => {
  const probe = await api();
  const seen: string[] = [];
  let podRowWhileRunning = false;
  const sub = probe.tree.onDidChangeTreeData(() => {
    const [root] = probe.tree.getChildren();
    if (!root) return;
    seen.push(root.description ?? '');
    if (root.contextValue === 'run.running' && root.children.some((c) => c.contextValue === 'pod.primary')) podRowWhileRunning = true;
  });
  try {
    healthy = await vscode.commands.executeCommand<RunRecord>('consumerProbe.runSandbox', { scenario: 'healthy' });
  } finally {
    sub.dispose();
  }
  assert.ok(healthy, 'the command resolves with the finished run');
  assert.equal(healthy.status, 'done');
  assert.equal(healthy.report?.scenario.id, 'healthy', healthy.report?.scenario.summary);
  assert.ok(
    seen.some((d) => d.startsWith('running ·')),
    `the tree showed the run while it ran (saw: ${seen.join(' | ')})`,
  );
  assert.ok(podRowWhileRunning, 'the pod appeared in the tree before the run ended');

  const root = runNode(probe, healthy.id);
  assert.ok(root, 'the run is a root of the tree');
  assert.match(probe.tree.getTreeItem(root).description as string, /^healthy · ready \d+\.\d{3}s · /);
  const primary = probe.tree.getChildren(root).find((n) => n.contextValue === 'pod.primary');
  assert.ok(primary, 'the run has the primary pod as a child');
  const item = probe.tree.getTreeItem(primary);
  assert.match(String(item.label), /^grpc-job-\d+-\d+-[a-z0-9]{5}$/);
  assert.match(String(item.description), /^Running · ready · 0 restarts · /);
  assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass-filled');
  const metadata = probe.tree.getChildren(root).find((n) => n.contextValue === 'metadata');
  assert.match(metadata?.description ?? '', /attempts · last 200$/);
});

test('Stop Probe cancels a run: the verdict is inconclusive and no watch stays open', async () => {
  const probe = await api();
  const pending = vscode.commands.executeCommand<RunRecord>('consumerProbe.runSandbox', { scenario: 'consumer_never_ready' });
  await untilTree(
    probe,
    () => {
      const [root] = probe.tree.getChildren();
      return root?.contextValue === 'run.running' && root.children.some((c) => c.contextValue === 'pod.primary');
    },
    'the run to show its pod',
  );
  const server = probe.sandbox()?.api;
  assert.ok(server, 'the sandbox runs in the extension host');
  assert.ok(server.openWatches > 0, 'the probe watches the cluster while it runs');
  assert.equal(probe.isRunning(), true);

  await vscode.commands.executeCommand('consumerProbe.stopProbe');
  const final = await pending;
  assert.equal(final.status, 'done');
  assert.equal(final.report?.scenario.severity, 'inconclusive', final.report?.scenario.summary);
  assert.equal(probe.isRunning(), false);
  // A stopped run reads as stopped, in the tree and in the status bar.
  const root = runNode(probe, final.id);
  assert.ok(root);
  assert.match(String(probe.tree.getTreeItem(root).description), /^stopped · after \d+\.\d{3}s · /);
  assert.equal((probe.tree.getTreeItem(root).iconPath as vscode.ThemeIcon).id, 'debug-stop');
  assert.match(probe.statusText() ?? '', /^\$\(debug-stop\) stopped after \d+\.\d{3}s$/);
  await eventually(() => server.openWatches === 0, 'the watches to close');
});

test('Open Report, Export as Markdown and as JSON work on the finished run', async () => {
  assert.ok(healthy?.report, 'needs the healthy run');
  await vscode.commands.executeCommand('consumerProbe.openReport', healthy.id);
  // The tab's title follows the run it shows (VS Code passes a new title on to the tab a moment later).
  const reportTab = () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .some((t) => t.input instanceof vscode.TabInputWebview && t.label === `job ${healthy!.report!.jobId} · healthy`);
  await eventually(reportTab, 'the report tab, titled by its run');

  await vscode.commands.executeCommand('consumerProbe.exportMarkdown', healthy.id);
  const md = vscode.window.activeTextEditor?.document;
  assert.equal(md?.languageId, 'markdown');
  assert.ok(md.getText().includes(healthy.report.jobId!), 'the Markdown names the job');

  await vscode.commands.executeCommand('consumerProbe.exportJson', healthy.id);
  const json = vscode.window.activeTextEditor?.document;
  assert.equal(json?.languageId, 'json');
  const parsed = JSON.parse(json.getText()) as { schemaVersion: number; jobId: string; scenario: { id: string } };
  assert.deepEqual([parsed.schemaVersion, parsed.jobId, parsed.scenario.id], [1, healthy.report.jobId, 'healthy']);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('Show Pod Logs opens the pod container log as a read-only document; Copy Pod Name copies it', async () => {
  assert.ok(healthy?.report, 'needs the healthy run');
  const primary = healthy.report.pods.find((p) => p.role === 'primary');
  assert.ok(primary);
  const ref = { runId: healthy.id, pod: { name: primary.name, namespace: primary.namespace } };
  await vscode.commands.executeCommand('consumerProbe.showPodLogs', ref);
  const doc = vscode.window.activeTextEditor?.document;
  assert.equal(doc?.uri.scheme, 'consumer-probe-log');
  assert.ok(doc.getText().includes(`Baby Analyzer 2.3.1 starting for job ${healthy.report.jobId}`), doc.getText());

  await vscode.commands.executeCommand('consumerProbe.copyPodName', ref);
  assert.equal(await vscode.env.clipboard.readText(), primary.name);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('Run Probe probes the backend, cluster and broker named in the settings', async () => {
  const probe = await api();
  const sandbox = probe.sandbox();
  assert.ok(sandbox, 'the sandbox of the earlier runs is still up');
  const settings = vscode.workspace.getConfiguration('consumerProbe');
  const values: Record<string, unknown> = {
    backendUrl: sandbox.backendUrlFor('healthy'),
    kubeconfig: sandbox.kubeconfigFor('healthy'),
    namespace: sandbox.namespace,
    brokerUrl: sandbox.brokerUrl.replace('://', '://guest:guest@'),
    timeoutSeconds: 8,
    slowThresholdSeconds: 4,
  };
  for (const [key, value] of Object.entries(values)) await settings.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    const run = await vscode.commands.executeCommand<RunRecord>('consumerProbe.runProbe');
    assert.ok(run, 'the command resolves with the finished run');
    assert.equal(run.target.kind, 'cluster');
    assert.equal(run.target.backendUrl, values.backendUrl);
    assert.equal(run.report?.scenario.id, 'healthy', run.report?.scenario.summary);
    assert.notEqual(run.report?.timings.consumerAttachedMs, null, 'the queue was watched through the broker setting');
    assert.ok(
      run.report?.pods.some((p) => p.role === 'primary' && p.ready),
      'the pod was watched through the kubeconfig setting',
    );
  } finally {
    for (const key of Object.keys(values)) await settings.update(key, undefined, vscode.ConfigurationTarget.Global);
  }
});

test('Clear History empties the tree', async () => {
  const probe = await api();
  assert.ok(probe.runs().length >= 2);
  await vscode.commands.executeCommand('consumerProbe.clearHistory');
  assert.deepEqual(probe.runs(), []);
  assert.deepEqual(probe.tree.getChildren(), []);
});
