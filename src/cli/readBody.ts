import { readFileSync } from 'node:fs';
import { ProbeError } from '../probe/errors';

/** Reads the --body file: any JSON value the backend should receive instead of the default payload. */
export function readBodyFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProbeError('BODY_UNREADABLE', `cannot read --body ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(e))}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ProbeError('BODY_UNREADABLE', `--body ${path} is not valid JSON: ${(e as Error).message}`);
  }
}
