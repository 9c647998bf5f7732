// The Kubernetes-native pod actions inside a real VS Code, on a sandbox run: Show YAML and Show Events
// open read-only documents of that pod; Describe, Follow Logs and Run in Terminal open terminals aimed at
// the run's kubeconfig, whose kubectl lines are then run for real (the real kubectl against the
// sandbox's API server) to prove they work; bad lines are refused; Reveal is hidden without the
// Kubernetes extension; Select Namespace opens on the current namespace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TerminalAction } from '../../../src/extension/kube/podCommands';
import type { RunRecord } from '../../../src/extension/runRecord';
import { test } from './runner';

interface Fixture {
  run: RunRecord;
  ref: { runId: string; pod: { name: string; namespace: string } };
  kubeconfig: string;
}

let fixture: Fixture | undefined;

async function healthyRun(): Promise<Fixture> {
  if (fixture) return fixture;
  const run = await vscode.commands.executeCommand<RunRecord>('consumerProbe.runSandbox', { scenario: 'healthy' });
  assert.equal(run?.report?.scenario.id, 'healthy', run?.report?.scenario.summary);
  const primary = run.report.pods.find((p) => p.role === 'primary');
  assert.ok(primary, 'the run saw its pod');
  assert.ok(run.target.kubeconfig, 'a sandbox run records its kubeconfig');
  fixture = { run, ref: { runId: run.id, pod: { name: primary.name, namespace: primary.namespace } }, kubeconfig: run.target.kubeconfig };
  return fixture;
}

/** The bearer token in the sandbox's kubeconfig: no document may show it. */
function tokenOf(kubeconfig: string): string {
  const doc = JSON.parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token: string } }[] };
  const token = doc.users[0]?.user.token;
  assert.ok(token && token.length > 10);
  return token;
}

/**
 * Runs a kubectl line as a shell would (its own HOME: kubectl caches discovery there), in its own process
 * group so that ending it ends kubectl too; `until` ends a follow once its output matches.
 */
function runLine(
  line: string,
  env: Record<string, string>,
  until?: RegExp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'consumer-probe-kubectl-home-'));
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', line], {
      env: { ...process.env, ...env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const end = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    let stdout = '';
    let stderr = '';
    let matched = false;
    const timer = setTimeout(() => end('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (!matched && until?.test(stdout)) {
        matched = true;
        end('SIGTERM');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolve({ code: matched ? 0 : code, stdout, stderr });
    });
  });
}

function terminalNamed(name: string): vscode.Terminal {
  const found = vscode.window.terminals.filter((t) => t.name === name);
  assert.equal(found.length, 1, `one terminal named "${name}" (terminals: ${vscode.window.terminals.map((t) => t.name).join(', ')})`);
  return found[0]!;
}

function envOf(terminal: vscode.Terminal): Record<string, string | null | undefined> {
  return (terminal.creationOptions as vscode.TerminalOptions).env ?? {};
}

test('Show Pod YAML opens the pod as a read-only YAML document, without credentials', async () => {
  const { ref, kubeconfig } = await healthyRun();
  await vscode.commands.executeCommand('consumerProbe.showPodYaml', ref);
  const doc = vscode.window.activeTextEditor?.document;
  assert.equal(doc?.uri.scheme, 'consumer-probe-kube');
  assert.equal(doc.languageId, 'yaml');
  const text = doc.getText();
  assert.match(text, /^kind: Pod$/m);
  assert.match(text, new RegExp(`^  name: ${ref.pod.name}$`, 'm'));
  assert.match(text, /^ {2}phase: Running$/m, 'the live status');
  assert.ok(!text.includes('managedFields'), 'managedFields are left out, as kubectl does');
  assert.ok(!text.includes(tokenOf(kubeconfig)), 'the token is never shown');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test("Show Pod Events lists that pod's events and no other object's", async () => {
  const { ref } = await healthyRun();
  await vscode.commands.executeCommand('consumerProbe.showPodEvents', ref);
  const doc = vscode.window.activeTextEditor?.document;
  assert.equal(doc?.uri.scheme, 'consumer-probe-kube');
  const rows = doc
    .getText()
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('LAST SEEN'));
  assert.ok(
    rows.some((r) => /\bNormal\s+Scheduled\s/.test(r)),
    doc.getText(),
  );
  assert.ok(
    rows.some((r) => /\bNormal\s+Started\s/.test(r)),
    doc.getText(),
  );
  for (const r of rows) assert.ok(r.includes(`pod/${ref.pod.name}`), `a row of another object: ${r}`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test("Describe Pod opens a terminal on the run's kubeconfig, and its kubectl line describes the pod", async () => {
  const { run, ref, kubeconfig } = await healthyRun();
  const action = await vscode.commands.executeCommand<TerminalAction>('consumerProbe.describePod', ref);
  assert.ok(action, 'the command ran');
  assert.equal(action.line, `kubectl --kubeconfig ${kubeconfig} -n ${ref.pod.namespace} describe pod ${ref.pod.name}`);
  assert.equal(action.terminalName, `Consumer Probe: ${run.report!.jobId}`);
  assert.equal(envOf(terminalNamed(action.terminalName)).KUBECONFIG, kubeconfig);

  const result = await runLine(action.line, { KUBECONFIG: kubeconfig });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`^Name:\\s+${ref.pod.name}$`, 'm'));
  assert.match(result.stdout, /^Events:/m);
});

test('Follow Pod Logs follows the container in its own terminal; the line streams the log', async () => {
  const { ref, kubeconfig, run } = await healthyRun();
  const action = await vscode.commands.executeCommand<TerminalAction>('consumerProbe.followPodLogs', ref);
  assert.ok(action, 'the command ran (one container: no picker)');
  assert.equal(
    action.line,
    `kubectl --kubeconfig ${kubeconfig} -n ${ref.pod.namespace} logs ${ref.pod.name} -c baby-analyzer -f --tail 200`,
  );
  assert.equal(action.terminalName, `Consumer Probe: logs ${ref.pod.name}/baby-analyzer`);
  assert.equal(envOf(terminalNamed(action.terminalName)).KUBECONFIG, kubeconfig);

  // Again: the old follow is replaced, not duplicated.
  const first = terminalNamed(action.terminalName);
  const firstClosed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the first follow terminal was not closed')), 5_000);
    const sub = vscode.window.onDidCloseTerminal((t) => {
      if (t !== first) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
  await vscode.commands.executeCommand('consumerProbe.followPodLogs', ref);
  await firstClosed;
  assert.notEqual(terminalNamed(action.terminalName), first);

  const started = new RegExp(`Baby Analyzer 2\\.3\\.1 starting for job ${run.report!.jobId}`);
  const result = await runLine(action.line, { KUBECONFIG: kubeconfig }, started);
  assert.match(result.stdout, started, result.stderr);
});

test("Run in Terminal runs a report's kubectl command in the job's terminal and refuses anything else", async () => {
  const { run, ref, kubeconfig } = await healthyRun();
  const line = `kubectl --kubeconfig ${kubeconfig} -n ${ref.pod.namespace} get pod ${ref.pod.name} -o 'jsonpath={.status.phase}'`;
  const action = await vscode.commands.executeCommand<TerminalAction>('consumerProbe.runInTerminal', { runId: run.id, command: line });
  assert.deepEqual(action, { terminalName: `Consumer Probe: ${run.report!.jobId}`, line });
  assert.equal(envOf(terminalNamed(action.terminalName)).KUBECONFIG, kubeconfig, 'the job terminal is reused, on the same kubeconfig');
  const result = await runLine(line, { KUBECONFIG: kubeconfig });
  assert.deepEqual([result.code, result.stdout], [0, 'Running'], result.stderr);

  const before = vscode.window.terminals.length;
  for (const command of ['echo hello', `${line}; echo owned`, `${line} $(id)`, `${line}\necho owned`]) {
    const refused = await vscode.commands.executeCommand('consumerProbe.runInTerminal', { runId: run.id, command });
    assert.equal(refused, undefined, `refused: ${command}`);
  }
  assert.equal(vscode.window.terminals.length, before, 'no terminal was opened for a refused command');
});

test('without kubectl on PATH, Describe and Follow Logs open no terminal (they say so, with a button)', async () => {
  const { ref } = await healthyRun();
  const path = process.env.PATH;
  const before = vscode.window.terminals.length;
  process.env.PATH = '/nonexistent';
  try {
    assert.equal(await vscode.commands.executeCommand('consumerProbe.describePod', ref), undefined);
    assert.equal(await vscode.commands.executeCommand('consumerProbe.followPodLogs', ref), undefined);
  } finally {
    process.env.PATH = path;
  }
  assert.equal(vscode.window.terminals.length, before);
});

test('Reveal in Kubernetes View is hidden, and does nothing, without the Kubernetes extension', async () => {
  const { ref } = await healthyRun();
  assert.equal(
    vscode.extensions.getExtension('ms-kubernetes-tools.vscode-kubernetes-tools'),
    undefined,
    'precondition: not installed here',
  );
  const manifest = vscode.extensions.getExtension('consumer-probe.consumer-probe')?.packageJSON as {
    contributes: { menus: Record<string, { command: string; when?: string }[]> };
  };
  const entries = Object.values(manifest.contributes.menus)
    .flat()
    .filter((m) => m.command === 'consumerProbe.revealInKubernetesView');
  assert.ok(entries.length >= 2, 'the pod menu and the palette list it');
  for (const e of entries) assert.match(e.when ?? '', /\bconsumerProbe\.kubernetesToolsInstalled\b/);
  assert.equal(await vscode.commands.executeCommand('consumerProbe.revealInKubernetesView', ref), undefined);
});

test('Select Namespace opens on the current namespace: Enter keeps it', async () => {
  const { kubeconfig } = await healthyRun();
  const cfg = () => vscode.workspace.getConfiguration('consumerProbe');
  await cfg().update('kubeconfig', kubeconfig, vscode.ConfigurationTarget.Global);
  // Not the first in the list (default, kube-node-lease, kube-public, kube-system, panda).
  await cfg().update('namespace', 'kube-public', vscode.ConfigurationTarget.Global);
  try {
    let settled = false;
    const picking = Promise.resolve(vscode.commands.executeCommand('consumerProbe.selectNamespace')).finally(() => (settled = true));
    // The QuickPick appears once the namespaces are listed.
    await acceptUntil(picking, () => settled);
    assert.equal(cfg().inspect('namespace')?.workspaceValue, 'kube-public', 'Enter chose the current namespace');
  } finally {
    await cfg().update('namespace', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg().update('namespace', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
  }
});

/** Presses Enter in the QuickPick until `pending` settles (nothing announces that a QuickPick is shown). */
async function acceptUntil(pending: Promise<unknown>, isSettled: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isSettled() && Date.now() < deadline) {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await Promise.race([pending, new Promise((r) => setTimeout(r, 100))]);
  }
  await pending;
}

test('Select Context asks where to save: "All workspaces" writes the user settings and drops the workspace value', async () => {
  const { kubeconfig } = await healthyRun();
  const doc = JSON.parse(readFileSync(kubeconfig, 'utf8')) as { contexts: { name: string; context: object }[] };
  doc.contexts.push({ name: 'second', context: doc.contexts[0]!.context });
  const dir = mkdtempSync(join(tmpdir(), 'consumer-probe-contexts-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
  const cfg = () => vscode.workspace.getConfiguration('consumerProbe');
  await cfg().update('kubeconfig', file, vscode.ConfigurationTarget.Global);
  await cfg().update('context', 'second', vscode.ConfigurationTarget.Workspace);
  try {
    let settled = false;
    const picking = Promise.resolve(vscode.commands.executeCommand('consumerProbe.selectContext')).finally(() => (settled = true));
    // The context list needs no network: the first Enter takes "second" (the current one, active)…
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await Promise.race([picking, new Promise((r) => setTimeout(r, 500))]);
    assert.equal(settled, false, 'after the context, the command asks where to save it');
    // …then the second choice of "where": All workspaces.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await acceptUntil(picking, () => settled);
    const inspected = cfg().inspect('context');
    assert.deepEqual([inspected?.globalValue, inspected?.workspaceValue], ['second', undefined]);
  } finally {
    await cfg().update('context', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg().update('context', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
    for (const t of vscode.window.terminals.filter((t) => t.name.startsWith('Consumer Probe: '))) t.dispose();
  }
});
