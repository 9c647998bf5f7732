// The one message protocol between the extension host and the report page. Both sides import this
// file, so it must stay free of `vscode` and DOM imports. Host → page messages are whole snapshots,
// never deltas: a hidden page only keeps the newest one.
import type { Report, ScenarioId } from '../../probe/model';
import type { RunStatus } from '../runRecord';

export interface Envelope<P = unknown> {
  method: string;
  params: P;
}

export interface MessageType<P> {
  readonly method: string;
  is(m: unknown): m is Envelope<P>;
  make(params: P): Envelope<P>;
}

function message<P>(method: string): MessageType<P> {
  return {
    method,
    is: (m: unknown): m is Envelope<P> =>
      typeof m === 'object' && m !== null && (m as { method?: unknown }).method === method && 'params' in m,
    make: (params: P) => ({ method, params }),
  };
}

/** One earlier run, for the trend chart of consumer-ready times. */
export interface TrendPoint {
  runId: string;
  startedAt: string;
  jobId: string | null;
  scenarioId: ScenarioId | null;
  consumerReadyMs: number | null;
}

export interface ReportViewState {
  status: RunStatus | 'idle';
  runId?: string;
  /** The whole report object (schema 1): a live snapshot while running. */
  report?: Report;
  /** Ms since the run started, for "running for 3.2 s". */
  elapsedMs?: number;
  /** Why the probe could not run; shown instead of an endless spinner. */
  error?: string;
  /** Stored runs, oldest first. */
  trend: TrendPoint[];
  /** The slow threshold (ms) the trend chart draws; the panel fills it in from the setting. */
  slowThresholdMs?: number;
}

// host → page
export const DidChangeState = message<{ state: ReportViewState }>('state/didChange');

// page → host
export const PageReady = message<Record<string, never>>('page/ready');
export const ShowPodLogs = message<{ runId: string; pod: string; namespace: string }>('pod/showLogs');
export const ExportReport = message<{ runId: string; format: 'markdown' | 'json' }>('report/export');
export const CopyText = message<{ text: string }>('text/copy');
export const RunInTerminal = message<{ runId: string; command: string }>('command/runInTerminal');
export const RunFix = message<{ runId: string; fix: Fix }>('fix/run');

/**
 * The settings and commands a report may offer as a fix. A closed list: the host runs a fix only when it
 * is one of these, whatever the page sends.
 */
export const FIX_SETTINGS = ['consumerProbe.kubeconfig', 'consumerProbe.backendUrl', 'consumerProbe.backendCaFile'] as const;
export const FIX_COMMANDS = [
  'consumerProbe.selectContext',
  'consumerProbe.selectNamespace',
  'consumerProbe.setBrokerCredentials',
  'consumerProbe.setBackendToken',
] as const;
export type FixSetting = (typeof FIX_SETTINGS)[number];
export type FixCommand = (typeof FIX_COMMANDS)[number];
export type Fix = { kind: 'openSetting'; key: FixSetting } | { kind: 'command'; id: FixCommand };

/** The fix itself when `value` is exactly one the report may offer, else null. */
export function knownFix(value: unknown): Fix | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kind, key, id } = value as { kind?: unknown; key?: unknown; id?: unknown };
  if (kind === 'openSetting' && (FIX_SETTINGS as readonly unknown[]).includes(key)) return { kind, key: key as FixSetting };
  if (kind === 'command' && (FIX_COMMANDS as readonly unknown[]).includes(id)) return { kind, id: id as FixCommand };
  return null;
}

// ---- kubectl commands in suggestions --------------------------------------------------------------
// The kubectl commands inside a diagnosis' suggestions ("See what holds the GPUs: kubectl … -o wide"),
// cut out of the sentence around them. Here because both sides use it: the page puts Copy and Run in
// Terminal next to each command, the host runs only a command its run's report really suggested.
/** Words that end a command when they follow it in a sentence ("kubectl describe pod X shows it."). */
const PROSE = new Set(['shows', 'show', 'lists', 'list', 'prints', 'tells', 'says', 'to', 'and', 'then', 'which', 'for', 'is', 'will']);

/** Flags whose value is the next word (`-n panda`), so that word is not taken for the end of the command. */
const FLAGS_WITH_VALUE = new Set([
  '--kubeconfig',
  '--context',
  '-n',
  '--namespace',
  '-c',
  '--container',
  '-o',
  '--output',
  '-l',
  '--selector',
  '--field-selector',
  '--sort-by',
  '--tail',
  '--since',
]);

/** What a command starts with after `kubectl`: a flag or one of these; else "kubectl" is just a word in a sentence. */
const VERBS = new Set([
  'get',
  'describe',
  'logs',
  'top',
  'events',
  'explain',
  'auth',
  'rollout',
  'delete',
  'exec',
  'config',
  'cluster-info',
  'api-resources',
  'version',
]);

/**
 * Whitespace-separated words as a POSIX shell splits them with the quoting the suggestions use: a
 * single-quoted stretch and a backslash-escaped character (`'o'\''neil'`) stay inside one word.
 */
function words(text: string): { word: string; end: number }[] {
  const out: { word: string; end: number }[] = [];
  const re = /(?:[^\s'\\]+|'[^']*'|\\.)+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ word: m[0], end: m.index + m[0].length });
  return out;
}

/** One piece of a suggestion: prose, or a command to copy or run. */
export type SuggestionPart = { text: string; command?: false } | { text: string; command: true };

/** Splits a suggestion into prose and the kubectl commands in it, in order; joined they give the text back. */
export function suggestionParts(text: string): SuggestionPart[] {
  const parts: SuggestionPart[] = [];
  let from = 0;
  const starts = /(^|[\s(])kubectl\s/g;
  for (let m = starts.exec(text); m; m = starts.exec(text)) {
    const start = m.index + m[1]!.length;
    if (start < from) continue;
    const first = words(text.slice(start))[1]?.word ?? '';
    if (!first.startsWith('-') && !VERBS.has(first)) continue;
    const end = start + commandLength(text.slice(start));
    if (start > from) parts.push({ text: text.slice(from, start) });
    parts.push({ text: text.slice(start, end), command: true });
    from = end;
    starts.lastIndex = end;
  }
  if (from < text.length) parts.push({ text: text.slice(from) });
  return parts;
}

/** The kubectl commands in a suggestion. */
export function kubectlCommands(text: string): string[] {
  return suggestionParts(text)
    .filter((p) => p.command)
    .map((p) => p.text);
}

/** How many characters of `rest` (which starts with "kubectl ") are the command. */
function commandLength(rest: string): number {
  let end = 'kubectl'.length;
  let takesValue = false;
  for (const { word, end: wordEnd } of words(rest).slice(1)) {
    const quoted = word.includes("'");
    // A closing parenthesis or a sentence's full stop ends the command (kubectl words never end in them).
    const bare = quoted ? word : word.replace(/[).,;:]+$/, '');
    if (!takesValue && !quoted && PROSE.has(bare)) break;
    if (bare.length === 0) break;
    end = wordEnd - (word.length - bare.length);
    if (bare !== word) break;
    takesValue = !takesValue && FLAGS_WITH_VALUE.has(bare);
  }
  return end;
}
