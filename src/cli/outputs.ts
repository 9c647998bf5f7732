// Where a finished report goes: files for --json/--markdown/--junit/--trace/--chrome-trace, stdout for
// `--json -`.
// Every file is opened (created, or appended to without a byte written) before the probe starts, so a
// typo or an unwritable place cannot throw away a 30-second run; a write that still fails afterwards
// (disk full) puts the report on stderr as JSON instead of dropping it.
import { closeSync, existsSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ProbeError } from '../probe/errors';
import type { Report } from '../probe/model';
import { renderJson } from '../probe/report/json';
import { renderJUnit } from '../probe/report/junit';
import { renderMarkdown } from '../probe/report/markdown';
import { chromeTraceOf } from '../probe/trace/chromeTrace';
import { otlpTraceOf } from '../probe/trace/otlpTrace';
import type { TracedRun } from '../probe/trace/runSpans';
import type { OutputFlags } from './args';

type FileFlag = 'json' | 'markdown' | 'junit' | 'trace' | 'chrome-trace';

function requestedFiles(flags: OutputFlags): [FileFlag, string][] {
  const files: [FileFlag, string][] = [];
  if (flags.json !== undefined && flags.json !== '-') files.push(['json', flags.json]);
  if (flags.markdown !== undefined) files.push(['markdown', flags.markdown]);
  if (flags.junit !== undefined) files.push(['junit', flags.junit]);
  if (flags.trace !== undefined) files.push(['trace', flags.trace]);
  if (flags.chromeTrace !== undefined) files.push(['chrome-trace', flags.chromeTrace]);
  return files;
}

/** Proves each output file can be written, before anything is sent. Throws one line (exit 2). */
export function checkOutputPaths(flags: OutputFlags): void {
  for (const [flag, path] of requestedFiles(flags)) {
    const dir = dirname(resolve(path));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ProbeError('BAD_OUTPUT', `--${flag} ${path}: folder ${dir} does not exist`);
    }
    if (existsSync(path) && statSync(path).isDirectory()) throw new ProbeError('BAD_OUTPUT', `--${flag} ${path} is a folder`);
    const existed = existsSync(path);
    try {
      // Append mode writes nothing and keeps an existing file as it is; a new one is removed again.
      closeSync(openSync(path, 'a'));
    } catch (e) {
      throw new ProbeError(
        'BAD_OUTPUT',
        `--${flag} ${path} cannot be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    if (!existed) unlinkSync(path);
  }
}

/**
 * Writes every requested output. A failure is told on stderr (one line each) and returned; unless the
 * JSON report reached its file or stdout, it follows on stderr, so the run is never lost.
 */
export function writeOutputs(report: Report, flags: OutputFlags, stdout: (text: string) => void, stderr: (text: string) => void): string[] {
  const problems: string[] = [];
  const write = fileWriter(problems);
  if (flags.json === '-') stdout(renderJson(report));
  else if (flags.json) write('json', flags.json, () => renderJson(report));
  if (flags.markdown) write('markdown', flags.markdown, () => renderMarkdown(report));
  if (flags.junit) write('junit', flags.junit, () => renderJUnit(report));
  problems.push(...writeTraceFiles([report], flags));
  for (const p of problems) stderr(`consumer-probe: ${p}\n`);
  // The JSON report is somewhere safe unless its own file failed, or only other files were asked for.
  const jsonDelivered = flags.json !== undefined && !problems.some((p) => p.startsWith('cannot write --json '));
  if (problems.length > 0 && !jsonDelivered) stderr(`consumer-probe: the report as JSON, so that it is not lost:\n${renderJson(report)}`);
  return problems;
}

/** Writes a file, rendered on the spot; a failure (rendering or writing) becomes one line in `problems`. */
function fileWriter(problems: string[]): (flag: FileFlag, path: string, render: () => string) => void {
  return (flag, path, render) => {
    try {
      writeFileSync(path, render());
    } catch (e) {
      problems.push(`cannot write --${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
}

/**
 * --trace (OTLP JSON) and --chrome-trace for one run or a burst's runs (one trace, one Chrome process per
 * job). Returns the problems, one line each, for the caller to tell; the other file is written regardless.
 */
export function writeTraceFiles(runs: readonly TracedRun[], flags: Pick<OutputFlags, 'trace' | 'chromeTrace'>): string[] {
  const problems: string[] = [];
  const write = fileWriter(problems);
  if (flags.trace) write('trace', flags.trace, () => otlpTraceOf(runs));
  if (flags.chromeTrace) write('chrome-trace', flags.chromeTrace, () => chromeTraceOf(runs));
  return problems;
}
