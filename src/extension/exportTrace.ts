// "Export Report as Trace": the run as OTLP JSON (Jaeger) or as a Chrome trace (Perfetto). This module
// asks which and renders it; the command opens it like the other exports (`<job>-<scenario>.otlp.json`,
// ready to save and upload). The writers live in the engine bundle, so the OpenTelemetry packages stay
// out of the activation bundle.
import * as vscode from 'vscode';
import { userMessage } from '../probe/errors';
import type { Report } from '../probe/model';
import { loadEngine } from './lazy';
import type { Logger } from './log';
import { showFailure } from './messages';

export type TraceFormatId = 'otlp' | 'chrome';

interface TraceFormat extends vscode.QuickPickItem {
  id: TraceFormatId;
  extension: string;
  render: (report: Report) => string;
}

const FORMATS: TraceFormat[] = [
  {
    id: 'otlp',
    label: 'OTLP JSON',
    description: 'OpenTelemetry traces',
    detail: 'Jaeger: Search → JSON File; a span per stage, pod transitions and metadata attempts as events',
    extension: 'otlp.json',
    render: (r) => loadEngine().otlpTraceOf([r]),
  },
  {
    id: 'chrome',
    label: 'Chrome trace',
    description: 'Trace Event Format',
    detail: 'ui.perfetto.dev → Open trace file (or chrome://tracing); a track per stage',
    extension: 'chrome-trace.json',
    render: (r) => loadEngine().chromeTraceOf([r]),
  },
];

export interface TraceExport {
  text: string;
  /** The file name's ending: `otlp.json`, `chrome-trace.json`. */
  extension: string;
}

/** `{ format: 'otlp' }` beside the run id (tests, keybindings) skips the question. */
function presetFormat(arg: unknown): TraceFormat | undefined {
  const id = arg && typeof arg === 'object' ? (arg as { format?: unknown }).format : undefined;
  return FORMATS.find((f) => f.id === id);
}

/** Asks for the format (unless the argument names one) and renders the report; undefined when dismissed or failed. */
export async function traceExport(report: Report, log: Logger, arg?: unknown): Promise<TraceExport | undefined> {
  const format = presetFormat(arg) ?? (await vscode.window.showQuickPick(FORMATS, { title: 'Export the report as a trace' }));
  if (!format) return undefined;
  try {
    return { text: format.render(report), extension: format.extension };
  } catch (e) {
    await showFailure(log, `Cannot export the report as ${format.label}`, userMessage(e));
    return undefined;
  }
}
