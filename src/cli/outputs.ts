// Where a finished report goes: files for --json/--markdown/--junit, stdout for `--json -`.
// Paths are checked before the probe starts, so a typo cannot throw away a 30-second run.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ProbeError } from '../probe/errors';
import type { Report } from '../probe/model';
import { renderJson } from '../probe/report/json';
import { renderJUnit } from '../probe/report/junit';
import { renderMarkdown } from '../probe/report/markdown';
import type { OutputFlags } from './args';

export function checkOutputPaths(flags: OutputFlags): void {
  for (const [flag, path] of [
    ['json', flags.json],
    ['markdown', flags.markdown],
    ['junit', flags.junit],
  ] as const) {
    if (path === undefined || (flag === 'json' && path === '-')) continue;
    const dir = dirname(resolve(path));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ProbeError('BAD_ARGUMENT', `--${flag} ${path}: folder ${dir} does not exist`);
    }
    if (existsSync(path) && statSync(path).isDirectory()) throw new ProbeError('BAD_ARGUMENT', `--${flag} ${path} is a folder`);
  }
}

export function writeOutputs(report: Report, flags: OutputFlags, stdout: (text: string) => void): string[] {
  const problems: string[] = [];
  const write = (flag: string, path: string, text: string) => {
    try {
      writeFileSync(path, text);
    } catch (e) {
      problems.push(`cannot write --${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  if (flags.json === '-') stdout(renderJson(report));
  else if (flags.json) write('json', flags.json, renderJson(report));
  if (flags.markdown) write('markdown', flags.markdown, renderMarkdown(report));
  if (flags.junit) write('junit', flags.junit, renderJUnit(report));
  return problems;
}
