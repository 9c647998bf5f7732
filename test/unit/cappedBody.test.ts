// Reading a body up to a cap: exactly the cap is whole, one byte more is cut and the stream destroyed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readCappedBody } from '../../src/probe/cappedBody';

const chunks = (...sizes: number[]) => Readable.from(sizes.map((n, i) => Buffer.alloc(n, 97 + i)));

test('a body of exactly the cap is read whole; one byte more is cut at the cap and the rest not read', async () => {
  assert.deepEqual(await readCappedBody(chunks(3, 3), 6), { text: 'aaabbb', readBytes: 6, cut: false });
  const longer = chunks(3, 3, 1, 5);
  assert.deepEqual(await readCappedBody(longer, 6), { text: 'aaabbb', readBytes: 6, cut: true });
  assert.ok(longer.destroyed, 'the stream was destroyed, so its connection is not reused half-read');
  assert.deepEqual(await readCappedBody(chunks(4, 4), 6), { text: 'aaaabb', readBytes: 6, cut: true });
});

test('a multi-byte character cut at the cap becomes one replacement character, never a throw', async () => {
  const body = Readable.from([Buffer.from('job é')]); // é is two bytes
  assert.deepEqual(await readCappedBody(body, 5), { text: 'job \ufffd', readBytes: 5, cut: true });
});
