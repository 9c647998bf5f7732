// Line framing with the real caps: a watch line over 4 MiB is skipped and the next event still arrives,
// a pod log line over 64 KiB is shown cut like any long line, and a reader that stops early lets the
// stream go. (test/unit/properties/lineFraming has the properties, on a small cap.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { LineSplitter, readLines } from '../../src/probe/lineFraming';
import { WATCH_LINE_MAX_BYTES, consumeWatch } from '../../src/probe/kube/listWatch';
import { LOG_LINE_MAX_BYTES, LOG_LINE_MAX_CHARS } from '../../src/probe/logs/podLogStream';
import { oneLine } from '../../src/probe/text';

const MiB = 1024 * 1024;

test('a watch line over 4 MiB is read past without being held, and the next event arrives', async () => {
  const huge = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'huge', resourceVersion: '2' }, pad: 'x'.repeat(5 * MiB) } });
  const next = JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'small', resourceVersion: '3' } } });
  const bytes = Buffer.from(`${huge}\n${next}\n`);
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));

  const splitter = new LineSplitter({ maxLineBytes: WATCH_LINE_MAX_BYTES });
  let peak = 0;
  for (const c of chunks) {
    splitter.push(c);
    peak = Math.max(peak, splitter.heldBytes);
  }
  assert.ok(peak <= WATCH_LINE_MAX_BYTES + 1, `held ${peak} bytes`);

  const changes: string[] = [];
  const cursor = { resourceVersion: '1', events: 0 };
  await consumeWatch(Readable.from(chunks), cursor, { onChange: (type, obj) => changes.push(`${type} ${obj.metadata?.name}`) });
  assert.deepEqual(changes, ['MODIFIED small']);
  assert.deepEqual(cursor, { resourceVersion: '3', events: 1 });
});

test('a pod log line over 64 KiB keeps its first 64 KiB, shown cut at 2000 characters', () => {
  const [line] = new LineSplitter({ maxLineBytes: LOG_LINE_MAX_BYTES, headBytes: LOG_LINE_MAX_BYTES }).push(
    Buffer.from(`${'é'.repeat(MiB)}\n`),
  );
  assert.ok(line?.tooLong);
  assert.equal(line.bytes, 2 * MiB);
  assert.equal(line.head, 'é'.repeat(LOG_LINE_MAX_BYTES / 2));
  const shown = oneLine(line.head, LOG_LINE_MAX_CHARS);
  assert.equal(shown.length, LOG_LINE_MAX_CHARS);
  assert.ok(shown.endsWith('…'));
});

test('a reader that stops early destroys the stream', async () => {
  const stream = Readable.from(
    (function* () {
      for (let i = 0; ; i++) yield Buffer.from(`line ${i}\n`);
    })(),
  );
  for await (const line of readLines(stream, { maxLineBytes: 100 })) {
    assert.deepEqual(line, { tooLong: false, text: 'line 0' });
    break;
  }
  assert.ok(stream.destroyed);
});

test('a stream that breaks throws from the reader, after the lines before the break', async () => {
  const stream = new Readable({ read() {} });
  stream.push('a\nb\r\n');
  stream.push('partial');
  setImmediate(() => stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const line of readLines(stream, { maxLineBytes: 100 })) got.push(line.tooLong ? '!' : line.text);
    })(),
    /aborted/,
  );
  assert.deepEqual(got, ['a', 'b']);
});
