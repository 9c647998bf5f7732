// Properties of the line framing under watch streams and pod logs: whatever the lines (garbage, empty,
// unicode, invalid UTF-8, over the cap) and wherever the chunks are cut (inside a character, between
// "\r" and "\n"), the lines come out as they went in, an over-cap line as one marker, and the framer
// holds no more than the cap. Then the watch reader end to end on such streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { LineSplitter, readLines, type FramedLine } from '../../../src/probe/lineFraming';
import { consumeWatch, type RawObject, type WatchChange } from '../../../src/probe/kube/listWatch';
import { KubeAccessError } from '../../../src/probe/kube/kubeHttp';

const CAP = 64;

/** Any UTF-16 code unit, lone surrogates included (they are sent as U+FFFD). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const richChar = fc.oneof(
  fc.constantFrom('\r', '\t', ' ', '{', '"', '€', '😀', '\u0000', '\u00e9', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  codeUnit,
);
/** The bytes of one line, never a "\n" in it: text (short, around the cap, far over it) or raw bytes. */
const lineBytes = fc.oneof(
  fc.string({ unit: richChar, maxLength: 20 }).map((s) => Buffer.from(s.replace(/\n/g, ''), 'utf8')),
  fc
    .tuple(fc.string({ unit: richChar, maxLength: 4 }), fc.integer({ min: CAP - 4, max: CAP * 3 }))
    .map(([s, n]) => Buffer.from((s + '€'.repeat(n)).replace(/\n/g, ''), 'utf8')),
  fc.uint8Array({ maxLength: CAP + 8 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a))),
);
const ending = fc.constantFrom('\n', '\r\n');

interface Framed {
  bytes: Buffer;
  lines: { content: Buffer }[];
}

/** Lines with their endings, the last maybe without one; what each line's content is once framed. */
const framedStream = fc
  .tuple(fc.array(fc.tuple(lineBytes, ending), { maxLength: 12 }), fc.option(lineBytes, { nil: undefined }))
  .map(([lines, last]): Framed => {
    const parts: Buffer[] = [];
    const out: { content: Buffer }[] = [];
    for (const [bytes, end] of lines) {
      parts.push(bytes, Buffer.from(end));
      // "\n" after a line ending in "\r" makes a "\r\n": that "\r" is the line end's.
      const content = end === '\n' && bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes;
      out.push({ content });
    }
    if (last !== undefined && last.length > 0) {
      parts.push(last);
      out.push({ content: last });
    }
    return { bytes: Buffer.concat(parts), lines: out };
  });

/** The stream cut anywhere, inside characters and line ends included. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks.filter((c) => c.length > 0);
}

/** What the framer must give for a line: its text, or a marker with its size and its first whole characters. */
function expected(content: Buffer, headBytes: number): FramedLine {
  if (content.length <= CAP) return { tooLong: false, text: content.toString('utf8') };
  return { tooLong: true, bytes: content.length, head: new StringDecoder('utf8').write(content.subarray(0, headBytes)) };
}

test('framing: every line as it was sent, each over-cap line as one marker, in order, holding at most the cap', () => {
  fc.assert(
    fc.property(framedStream, fc.array(fc.nat(), { maxLength: 30 }), fc.constantFrom(0, 10, CAP), (stream, cuts, headBytes) => {
      const splitter = new LineSplitter({ maxLineBytes: CAP, headBytes });
      const got: FramedLine[] = [];
      for (const chunk of chunked(stream.bytes, cuts)) {
        got.push(...splitter.push(chunk));
        assert.ok(splitter.heldBytes <= CAP + 1, `holds ${splitter.heldBytes} bytes`);
      }
      got.push(...splitter.end());
      assert.deepEqual(
        got,
        stream.lines.map((l) => expected(l.content, headBytes)),
      );
    }),
  );
});

test('framing: a head is whole characters, the most that fit its bytes', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', minLength: CAP + 1, maxLength: CAP * 2 }),
      fc.integer({ min: 0, max: CAP }),
      (text, headBytes) => {
        fc.pre(!text.includes('\n') && Buffer.byteLength(text) > CAP);
        const [line] = new LineSplitter({ maxLineBytes: CAP, headBytes }).push(Buffer.from(`${text}\n`));
        assert.ok(line?.tooLong);
        const chars = [...text];
        let fit = 0;
        let bytes = 0;
        while (fit < chars.length && bytes + Buffer.byteLength(chars[fit]!) <= headBytes) bytes += Buffer.byteLength(chars[fit++]!);
        assert.equal(line.head, chars.slice(0, fit).join(''));
      },
    ),
  );
});

test('framing over a Readable: the same lines as the push parser', async () => {
  await fc.assert(
    fc.asyncProperty(framedStream, fc.array(fc.nat(), { maxLength: 10 }), async (stream, cuts) => {
      const got: FramedLine[] = [];
      for await (const line of readLines(Readable.from(chunked(stream.bytes, cuts)), { maxLineBytes: CAP })) got.push(line);
      assert.deepEqual(
        got,
        stream.lines.map((l) => expected(l.content, 0)),
      );
    }),
    { numRuns: 50 },
  );
});

// ---- The watch reader end to end ----------------------------------------------------------------------

type Item =
  | { kind: 'event'; type: WatchChange | 'BOOKMARK'; name: string; rv: string | null; pad: number }
  | { kind: 'garbage'; text: string }
  | { kind: 'expired' };

const WATCH_CAP = 200;

const eventItem = fc.record({
  kind: fc.constant('event' as const),
  type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK') as fc.Arbitrary<WatchChange | 'BOOKMARK'>,
  name: fc.string({ unit: richChar, maxLength: 8 }),
  rv: fc.option(fc.nat({ max: 99999 }).map(String), { nil: null }),
  // Most events fit; some carry an annotation that takes them over the cap.
  pad: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: WATCH_CAP, max: WATCH_CAP * 2 }) }),
});
/** Lines that are not events: text, JSON that is no event object (null, numbers, arrays, objects without one). */
const garbageItem = fc
  .oneof(
    fc.string({ unit: richChar, maxLength: 30 }),
    fc.json({ maxDepth: 2 }),
    fc.constantFrom('null', '[]', '5', '"x"', '{"type":"ADDED"}', '{"type":"ADDED","object":null}', '{"type":"ADDED","object":7}', '   '),
  )
  .map((text) => ({ kind: 'garbage' as const, text: text.replace(/\n/g, ' ') }))
  .filter(({ text }) => {
    try {
      const v = JSON.parse(text) as unknown;
      const object = v && typeof v === 'object' ? (v as { object?: unknown }).object : undefined;
      return !(object && typeof object === 'object' && !Array.isArray(object));
    } catch {
      return true;
    }
  });

const watchItems = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: eventItem },
    { weight: 3, arbitrary: garbageItem },
    { weight: 1, arbitrary: fc.constant({ kind: 'expired' as const }) },
  ),
  { maxLength: 15 },
) as fc.Arbitrary<Item[]>;

function lineOf(item: Item): string {
  if (item.kind === 'garbage') return item.text;
  if (item.kind === 'expired') return JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410 } });
  const metadata = {
    name: item.name,
    ...(item.rv === null ? {} : { resourceVersion: item.rv }),
    annotations: { pad: 'x'.repeat(item.pad) },
  };
  return JSON.stringify({ type: item.type, object: { metadata } });
}

test('watch reader: events in order, garbage and over-cap lines skipped, the cursor at the last good event', async () => {
  await fc.assert(
    fc.asyncProperty(watchItems, ending, fc.array(fc.nat(), { maxLength: 20 }), async (items, end, cuts) => {
      const bytes = Buffer.from(items.map((i) => lineOf(i) + end).join(''), 'utf8');
      const stream = Readable.from(chunked(bytes, cuts));
      const changes: string[] = [];
      let bookmarks = 0;
      const cursor = { resourceVersion: 'start', events: 0 };
      const outcome = await consumeWatch(
        stream,
        cursor,
        { onChange: (type, obj: RawObject) => changes.push(`${type} ${obj.metadata?.name}`), onBookmark: () => (bookmarks += 1) },
        WATCH_CAP,
      ).then(
        () => 'ended',
        (e: Error) => e.message,
      );

      // The oracle: what the API server's watch protocol says these lines mean.
      const good = items.filter((i) => i.kind !== 'garbage' && Buffer.byteLength(lineOf(i)) <= WATCH_CAP);
      const events = good.filter((i): i is Extract<Item, { kind: 'event' }> => i.kind === 'event');
      assert.deepEqual(
        changes,
        events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.name}`),
      );
      assert.equal(bookmarks, events.filter((e) => e.type === 'BOOKMARK').length);
      assert.equal(cursor.events, good.length);
      assert.equal(cursor.resourceVersion, events.filter((e) => e.rv !== null).at(-1)?.rv ?? 'start');
      assert.equal(outcome, good.some((i) => i.kind === 'expired') ? '410 Gone' : 'ended');
      assert.ok(stream.destroyed, 'the stream is let go');
    }),
    { numRuns: 60 },
  );
});

test('watch reader: a watch error stops reading at once and lets the stream go', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(eventItem, { maxLength: 5 }), fc.array(eventItem, { minLength: 1, maxLength: 5 }), async (before, after) => {
      const error = JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 500, message: 'etcd is sad' } });
      const lines = [...before.map(lineOf), error, ...after.map(lineOf)];
      const stream = Readable.from([Buffer.from(lines.join('\n'))]);
      const changes: string[] = [];
      const cursor = { resourceVersion: '', events: 0 };
      await assert.rejects(
        consumeWatch(stream, cursor, { onChange: (type) => changes.push(type) }, WATCH_CAP),
        (e) => e instanceof KubeAccessError && /etcd is sad/.test(e.message),
      );
      const fits = (i: Item) => Buffer.byteLength(lineOf(i)) <= WATCH_CAP;
      assert.equal(changes.length, before.filter((e) => fits(e) && e.type !== 'BOOKMARK').length, 'nothing after the error');
      assert.ok(stream.destroyed);
    }),
    { numRuns: 30 },
  );
});
