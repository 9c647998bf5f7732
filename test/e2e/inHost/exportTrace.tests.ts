// "Export Report as Trace" inside a real VS Code: a sandbox run exported as OTLP JSON and as a Chrome
// trace opens as an untitled JSON document named `<job>-<scenario>.otlp.json` / `.chrome-trace.json`,
// holding one trace with a span (a track) per stage.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/extension/runRecord';
import { test } from './runner';
import { CONTRACT_STAGES } from '../../fixtures/stageNames';

const STAGES = CONTRACT_STAGES;

test('Export Report as Trace opens OTLP JSON and a Chrome trace, named after the run', async () => {
  const run = await vscode.commands.executeCommand<RunRecord>('consumerProbe.runSandbox', { scenario: 'healthy' });
  assert.equal(run?.report?.scenario.id, 'healthy');
  const jobId = run.report.jobId!;

  await vscode.commands.executeCommand('consumerProbe.exportTrace', { runId: run.id, format: 'otlp' });
  const otlpDoc = vscode.window.activeTextEditor?.document;
  assert.ok(otlpDoc, 'the OTLP export opened a document');
  assert.equal(otlpDoc.uri.scheme, 'untitled');
  assert.equal(otlpDoc.uri.path.split('/').pop(), `${jobId}-healthy.otlp.json`);
  assert.equal(otlpDoc.languageId, 'json');
  const otlp = JSON.parse(otlpDoc.getText());
  const spans: { name: string; traceId: string; parentSpanId?: string }[] = otlp.resourceSpans.flatMap(
    (rs: { scopeSpans: { spans: unknown[] }[] }) => rs.scopeSpans.flatMap((ss) => ss.spans),
  );
  assert.equal(new Set(spans.map((s) => s.traceId)).size, 1);
  assert.equal(spans.find((s) => !s.parentSpanId)?.name, `probe job ${jobId}`);
  for (const stage of STAGES)
    assert.ok(
      spans.some((s) => s.name === stage && s.parentSpanId),
      `a span for ${stage}`,
    );

  await vscode.commands.executeCommand('consumerProbe.exportTrace', { runId: run.id, format: 'chrome' });
  const chromeDoc = vscode.window.activeTextEditor?.document;
  assert.ok(chromeDoc);
  assert.equal(chromeDoc.uri.path.split('/').pop(), `${jobId}-healthy.chrome-trace.json`);
  const tracks = (JSON.parse(chromeDoc.getText()).traceEvents as { ph: string; name: string; args?: { name?: string } }[])
    .filter((e) => e.ph === 'M' && e.name === 'thread_name')
    .map((e) => e.args?.name);
  for (const stage of STAGES) assert.ok(tracks.includes(stage), `a track for ${stage}`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
