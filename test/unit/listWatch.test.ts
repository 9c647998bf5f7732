// The watch loop against a scripted API server on port 0 (plain HTTP): a watch from now starts at the
// resourceVersion a limit=1 list names and never lists the collection; a server that gives no
// resourceVersion gets the full list instead, and the owner is told once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_RETRY_AFTER_MS, retryDelayMs, runListWatch, type RawObject } from '../../src/probe/kube/listWatch';
import { KubeAccessError, newApiMeter, retryAfterMsOf } from '../../src/probe/kube/kubeHttp';
import { plainKubeConfig } from '../helpers/plainKubeConfig';
import { waitFor } from '../helpers/waitFor';

type Answer = (url: URL, res: ServerResponse) => void;

async function fakeApiServer(t: import('node:test').TestContext, answer: Answer) {
  const asked: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(`${url.pathname}${url.search}`);
    answer(url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const kc = plainKubeConfig((server.address() as AddressInfo).port);
  return { kc, asked };
}

const pod = (name: string, rv: string): RawObject => ({ metadata: { name, uid: name, resourceVersion: rv } });

function watchEvents(res: ServerResponse, ...events: object[]) {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (const e of events) res.write(`${JSON.stringify(e)}\n`);
  // left open, as a real watch is, until the client goes
}

test('a watch from now starts at the resourceVersion of a limit=1 list and never lists the collection', async (t) => {
  const { kc, asked } = await fakeApiServer(t, (url, res) => {
    if (url.searchParams.get('watch') === 'true') return watchEvents(res, { type: 'ADDED', object: pod('new-pod', '43') });
    res.end(JSON.stringify({ items: [pod('old-pod', '12')], metadata: { resourceVersion: '42', continue: 'more' } }));
  });
  const controller = new AbortController();
  const lists: RawObject[][] = [];
  const changes: string[] = [];
  const notices: string[] = [];
  const meter = newApiMeter();
  const loop = runListWatch(
    kc,
    {
      onList: (items) => lists.push(items),
      onChange: (type, obj) => changes.push(`${type} ${obj.metadata?.name}`),
      onHealthy: () => undefined,
      onError: (e) => assert.fail(e.message),
      onNotice: (text) => notices.push(text),
    },
    { path: '/api/v1/namespaces/panda/pods', start: 'now', signal: controller.signal, meter },
  );
  await waitFor(() => changes.length > 0, { what: 'the watched change' });
  controller.abort();
  await loop;

  assert.deepEqual(changes, ['ADDED new-pod']);
  assert.deepEqual(lists, [], 'what existed before is not handed over');
  assert.deepEqual(notices, []);
  assert.equal(asked[0], '/api/v1/namespaces/panda/pods?limit=1');
  assert.match(asked[1]!, /watch=true&resourceVersion=42&/);
  assert.equal(meter.requests, 2);
  assert.ok(meter.bytes > 0);
});

test('a server that names no resourceVersion gets one full list (in pages) instead, and the owner is told once', async (t) => {
  const { kc, asked } = await fakeApiServer(t, (url, res) => {
    if (url.searchParams.get('watch') === 'true') return watchEvents(res, { type: 'MODIFIED', object: pod('old-pod', '8') });
    if (url.searchParams.get('limit') === '1') return res.end(JSON.stringify({ items: [pod('old-pod', '7')] }));
    if (!url.searchParams.has('continue')) {
      return res.end(JSON.stringify({ items: [pod('old-pod', '7')], metadata: { resourceVersion: '7', continue: 'page-2' } }));
    }
    res.end(JSON.stringify({ items: [pod('older-pod', '5')], metadata: { resourceVersion: '7' } }));
  });
  const controller = new AbortController();
  const lists: string[][] = [];
  const notices: string[] = [];
  let changes = 0;
  const loop = runListWatch(
    kc,
    {
      onList: (items) => lists.push(items.map((i) => i.metadata!.name!)),
      onChange: () => (changes += 1),
      onHealthy: () => undefined,
      onError: (e) => assert.fail(e.message),
      onNotice: (text) => notices.push(text),
    },
    { path: '/api/v1/namespaces/panda/pods', start: 'now', signal: controller.signal },
  );
  await waitFor(() => changes > 0, { what: 'the watch after the full list' });
  controller.abort();
  await loop;

  // The full list comes in pages (kubectl's 500), handed over as one list.
  assert.deepEqual(lists, [['old-pod', 'older-pod']]);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /gave no resourceVersion for \/api\/v1\/namespaces\/panda\/pods: listing all of it/);
  assert.deepEqual(asked.slice(0, 3), [
    '/api/v1/namespaces/panda/pods?limit=1',
    '/api/v1/namespaces/panda/pods?limit=500',
    '/api/v1/namespaces/panda/pods?limit=500&continue=page-2',
  ]);
  assert.match(asked[3]!, /watch=true&resourceVersion=7&/);
});

test('a 429 with Retry-After on a list: the loop waits as long as the server asked before listing again', async (t) => {
  const sentAt: number[] = [];
  const { kc } = await fakeApiServer(t, (url, res) => {
    if (url.searchParams.get('watch') === 'true') return watchEvents(res, { type: 'ADDED', object: pod('new-pod', '43') });
    sentAt.push(performance.now());
    if (sentAt.length === 1) {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      return res.end(JSON.stringify({ kind: 'Status', code: 429, message: 'too many requests' }));
    }
    res.end(JSON.stringify({ items: [], metadata: { resourceVersion: '42' } }));
  });
  const controller = new AbortController();
  const errors: (number | null)[] = [];
  let changes = 0;
  const loop = runListWatch(
    kc,
    {
      onList: () => undefined,
      onChange: () => (changes += 1),
      onHealthy: () => undefined,
      onError: (e) => errors.push(e.retryAfterMs),
    },
    { path: '/api/v1/namespaces/panda/pods', start: 'now', signal: controller.signal },
  );
  await waitFor(() => changes > 0, { what: 'the watch after the second list' });
  controller.abort();
  await loop;
  assert.deepEqual(errors, [1000]);
  // A lower bound only: a loaded machine makes the gap longer, never shorter.
  assert.ok(sentAt[1]! - sentAt[0]! >= 990, `listed again after ${Math.round(sentAt[1]! - sentAt[0]!)} ms, not after the 1 s asked for`);
});

test('retry delays: Retry-After honoured up to a cap, else the backoff with jitter between half and all of it', () => {
  const limited = (ms: number | null) => new KubeAccessError('ERROR', 'HTTP 429', 429, ms === null ? {} : { retryAfterMs: ms });
  assert.equal(retryDelayMs(limited(1000), 250), 1000);
  assert.equal(retryDelayMs(limited(3_600_000), 250), MAX_RETRY_AFTER_MS);
  assert.equal(
    retryDelayMs(limited(null), 1000, () => 0),
    500,
  );
  assert.equal(
    retryDelayMs(limited(null), 1000, () => 0.999),
    999.5,
  );
  assert.equal(retryAfterMsOf('7'), 7000);
  assert.equal(retryAfterMsOf('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 5000);
  assert.equal(retryAfterMsOf('soon'), null);
  assert.equal(retryAfterMsOf(undefined), null);
});
