// Text that came from outside (a backend body, a cluster message) made safe for a single line:
// line breaks become spaces, control characters (terminal escapes) go, long text is cut.

export function oneLine(text: string, max = Infinity): string {
  const flat = text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return truncate(flat, max);
}

/** At most `max` UTF-16 units, ending in "…" when cut; a character outside the BMP is never cut in half. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // the first half of a surrogate pair: leave the pair out
  return `${text.slice(0, end)}…`;
}

/** A URL may carry `user:password@`; a log line is no place for it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return oneLine(u.toString());
  } catch {
    return oneLine(url);
  }
}
