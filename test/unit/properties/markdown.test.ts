// Properties of the Markdown report under hostile strings in every place outside text reaches.
//
// What md() promises for any string: one line (no line break, no control character); no "<" or ">" (so
// no HTML, no <autolink>); every Markdown character that could start syntax (` * _ [ ] # | ~ \) is
// backslash-escaped and every "&" is the start of &amp; &lt; or &gt; (so no link, image, reference,
// footnote, code span, emphasis, entity, or table cell break); it does not begin with what would open a
// block (list, heading, quote, rule, setext underline, fence, indented code); and it is lossless: the
// text it renders is oneLine(s).trim().
// What renderMarkdown promises: outside text changes no line's kind (heading, list item, table row,
// paragraph, blank), no table row's cell count, and adds no active Markdown character to any line, so
// the document has the same structure as with harmless text in the same places.
// Not promised (plain text that stays visible as itself): GitHub's bare-URL autolinks
// (`https://…`, `www.…`) and @mentions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { md, renderMarkdown } from '../../../src/probe/report/markdown';
import { oneLine } from '../../../src/probe/text';
import { fillReport, hostileString } from '../../helpers/hostile';
import { configureFailedReport, healthyReport, hostileReport, podFailedReport, podPendingReport } from '../../fixtures/reports';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
/** Characters that start or end Markdown syntax inline, and `\` itself. */
const ACTIVE = new Set(['`', '*', '_', '[', ']', '#', '|', '~', '<', '>', '\\']);

/** The characters a CommonMark parser would act on, in order: unescaped ACTIVE ones and "&" that is not one of ours. */
function activeChars(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && ASCII_PUNCTUATION.test(line[i + 1] ?? '')) {
      i++;
      continue;
    }
    if (ACTIVE.has(c) || (c === '&' && !/^&(?:amp|lt|gt);/.test(line.slice(i)))) out += c;
  }
  return out;
}

/** What the text reads as once rendered: escapes and our three entities undone. */
const unescape = (m: string) =>
  m.replace(/\\([!-/:-@[-`{-~])|&(amp|lt|gt);/g, (_all, c?: string, e?: string) => c ?? { amp: '&', lt: '<', gt: '>' }[e as 'amp']);

test('md: one line, no HTML, every Markdown character escaped, no block opened, and nothing lost', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const m = md(s);
      assert.ok(!CONTROL.test(m), JSON.stringify(m));
      assert.ok(!m.includes('<') && !m.includes('>'), m);
      assert.equal(activeChars(m), '', m);
      assert.ok(!/^(?:[-+*=>#~`|]|\d{1,9}[.)]|[ \t])/.test(m), `opens a block: ${m}`);
      assert.equal(unescape(m), oneLine(s).trim());
    }),
    { numRuns: 1000 },
  );
});

/** What kind of block a line opens (or continues) in a Markdown document. */
function lineKind(line: string): string {
  if (line.trim() === '') return 'blank';
  const heading = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line);
  if (heading) return `h${heading[1]!.length}`;
  if (/^ {0,3}(?:[-*_][ \t]*){3,}$/.test(line)) return 'rule';
  if (/^ {0,3}(?:=+|-+)[ \t]*$/.test(line)) return 'setext';
  if (/^ {0,3}(?:```|~~~)/.test(line)) return 'fence';
  if (/^ {4}|^\t/.test(line)) return 'code';
  if (/^ {0,3}>/.test(line)) return 'quote';
  if (/^ {0,3}[-+*](?:[ \t]|$)/.test(line)) return 'bullet';
  if (/^ {0,3}\d{1,9}[.)](?:[ \t]|$)/.test(line)) return 'ordered';
  if (line.startsWith('|')) return 'row';
  return 'paragraph';
}

/** A table row's cells: split at pipes no backslash escapes. */
const cellCount = (row: string) =>
  activeChars(row)
    .split('')
    .filter((c) => c === '|').length - 1;

const FIXTURES = { healthyReport, podPendingReport, podFailedReport, configureFailedReport, hostileReport };
const reports = fc.constantFrom(...(Object.keys(FIXTURES) as (keyof typeof FIXTURES)[]));

/**
 * Harmless strings in the same places: empty where it was empty, blank where md() made it blank, and
 * equal exactly where the hostile ones were equal (repeated outcomes fold into one run).
 */
function harmless(): (s: string) => string {
  const ids = new Map<string, number>();
  return (s) => {
    if (s === '') return '';
    const id = ids.get(s) ?? ids.set(s, ids.size).size - 1;
    return md(s) === '' ? ' '.repeat(id + 1) : `x${id}`;
  };
}

test('renderMarkdown: outside text changes no line kind, no cell count, and adds no active Markdown character', () => {
  fc.assert(
    fc.property(reports, fc.array(hostileString, { minLength: 1, maxLength: 40 }), (name, strings) => {
      const hostile = renderMarkdown(fillReport(FIXTURES[name](), strings)).split('\n');
      const plain = renderMarkdown(fillReport(FIXTURES[name](), strings, harmless())).split('\n');
      assert.equal(hostile.length, plain.length, 'the same number of lines');
      hostile.forEach((line, i) => {
        const want = plain[i]!;
        assert.equal(lineKind(line), lineKind(want), `line ${i}: ${JSON.stringify(line)} instead of ${JSON.stringify(want)}`);
        if (lineKind(want) === 'row') assert.equal(cellCount(line), cellCount(want), `row ${i}: ${line}`);
        assert.equal(activeChars(line), activeChars(want), `line ${i}: ${JSON.stringify(line)}`);
        assert.ok(!CONTROL.test(line), JSON.stringify(line));
      });
    }),
    { numRuns: 100 },
  );
});
