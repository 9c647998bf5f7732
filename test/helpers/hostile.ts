// Strings an attacker or a broken peer could put in a pod label, an event message, a log line or a
// backend body, for the properties of the renderers: control characters (C0, DEL, C1 with U+009B, the
// 8-bit CSI), terminal escape sequences, Markdown and HTML syntax, line breaks of every kind, any
// unicode. And a way to put them everywhere in a report that outside text can reach.
import fc from 'fast-check';
import type { Report } from '../../src/probe/model';

const range = (from: number, to: number) => fc.integer({ min: from, max: to }).map((n) => String.fromCharCode(n));

export const hostileChar = fc.oneof(
  range(0x00, 0x1f),
  fc.constant('\u007f'),
  range(0x80, 0x9f),
  fc.constantFrom('\u009b', '\u001b', '\r', '\n', '\r\n', '\t', '\u2028', '\u2029', '\u0085', '\u200b', '\u202e', '\ufeff'),
  fc.constantFrom(
    '|',
    '*',
    '_',
    '`',
    '[',
    ']',
    '(',
    ')',
    '<',
    '>',
    '#',
    '!',
    '~',
    '&',
    '\\',
    '-',
    '+',
    '=',
    '.',
    ':',
    '/',
    ' ',
    '"',
    "'",
    ';',
  ),
  fc.constantFrom('a', 'Z', '0', '9', 'é', '😀', '中'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Whole payloads: escape sequences, links, images, HTML, entities, block syntax. */
const PAYLOADS = [
  '\u001b[31mred\u001b[0m',
  '\u001b[2J\u001b[H',
  '\u009b31m',
  '\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007',
  '\u001bP+q\u001b\\',
  '[x](http://evil.example)',
  '![i](http://evil.example/x.png)',
  '[ref]: http://evil.example',
  '[^1]',
  '<http://evil.example>',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '&lt;script&gt;',
  '&#60;b&#62;',
  '| a | b |',
  '\\| a',
  'a\\',
  '# heading',
  '- item',
  '+ item',
  '* item',
  '1. item',
  '2) item',
  '> quote',
  '```',
  '~~~',
  '    code',
  '---',
  '===',
  '***',
  '~~struck~~',
  '<!-- x -->',
  '\nsecond line',
  'x\r\n| c |',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(hostileChar, fc.constantFrom(...PAYLOADS)), { maxLength: 8 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** Where a report's strings are the engine's own words from a fixed set, not outside text. */
function isEnumPath(path: readonly (string | number)[]): boolean {
  const [first, , ...rest] = path;
  const last = path[path.length - 1];
  if (first === 'scenario') return ['id', 'severity', 'cause'].includes(String(path[1]));
  if (first === 'pods' && rest.length === 1) return last === 'role';
  if (first === 'logs') {
    if (path.includes('lines')) return last === 'level' || last === 'reason';
    if (path.includes('previous')) return last === 'via';
    if (path.includes('history')) return last === 'source';
  }
  return false;
}

/**
 * The report with its outside strings (every string leaf and label key but the engine's enums) replaced
 * by `strings`, in order, cycling; `benign` maps each to what a harmless string in its place would be.
 */
export function fillReport(report: Report, strings: readonly string[], benign: (s: string) => string = (s) => s): Report {
  let next = 0;
  const take = () => benign(strings[next++ % strings.length]!);
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') return isEnumPath(path) ? value : take();
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') {
      const labels = path[0] === 'pods' && path[path.length - 1] === 'labels';
      return Object.fromEntries(Object.entries(value).map(([k, v], i) => [labels ? `${take()}${i}` : k, walk(v, [...path, k])]));
    }
    return value;
  };
  return walk(report, []) as Report;
}
