// Text that came from outside (a backend body, a cluster message) made safe for a single line:
// line breaks become spaces, control characters (terminal escapes) go, long text is cut.

export function oneLine(text: string, max = Infinity): string {
  const flat = text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return truncate(flat, max);
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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
