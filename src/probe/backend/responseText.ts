// What a backend answer says, in one short line: the error field of a JSON body, else the text itself.
import { oneLine } from '../text';

export function errorTextOf(body: string): string | null {
  const trimmed = body.trim();
  if (!trimmed) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      for (const key of ['detail', 'error', 'message', 'msg', 'reason']) {
        const v = o[key];
        if (typeof v === 'string' && v) return oneLine(v, 200);
        if (v && typeof v === 'object') return oneLine(JSON.stringify(v), 200);
      }
    }
    return oneLine(trimmed, 200);
  } catch {
    return oneLine(trimmed, 200);
  }
}

export function isReadyStatus(status: number | null): boolean {
  return status === 200 || status === 201;
}
