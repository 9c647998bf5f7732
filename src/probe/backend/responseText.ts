// What a backend answer says, in one short line: the error field of a JSON body, else the text itself.
import { oneLine } from '../text';

/** Enough of a body for one line of it: flattening megabytes to keep 200 characters would be waste. */
const HEAD_CHARS = 1000;
const line = (text: string) => oneLine(text.slice(0, HEAD_CHARS), 200);

export function errorTextOf(body: string): string | null {
  const trimmed = body.trim();
  if (!trimmed) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      for (const key of ['detail', 'error', 'message', 'msg', 'reason']) {
        const v = o[key];
        if (typeof v === 'string' && v) return line(v);
        if (v && typeof v === 'object') return line(JSON.stringify(v));
      }
    }
    return line(trimmed);
  } catch {
    return line(trimmed);
  }
}

export function isReadyStatus(status: number | null): boolean {
  return status === 200 || status === 201;
}
