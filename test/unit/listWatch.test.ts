// The watch loop against a scripted API server on port 0 (plain HTTP): a watch from now starts at the
// resourceVersion a limit=1 list names and never lists the collection; a server that gives no
// resourceVersion gets the full list instead, and the owner is told once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { runListWatch, type RawObject } from '../../src/probe/kube/listWatch';
import { newApiMeter } from '../../src/probe/kube/kubeHttp';
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
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
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

test('a server that names no resourceVersion gets one full list instead, and the owner is told once', async (t) => {
  const { kc, asked } = await fakeApiServer(t, (url, res) => {
    if (url.searchParams.get('watch') === 'true') return watchEvents(res, { type: 'MODIFIED', object: pod('old-pod', '8') });
    if (url.searchParams.has('limit')) return res.end(JSON.stringify({ items: [pod('old-pod', '7')] }));
    res.end(JSON.stringify({ items: [pod('old-pod', '7')], metadata: { resourceVersion: '7' } }));
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

  assert.deepEqual(lists, [['old-pod']]);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /gave no resourceVersion for \/api\/v1\/namespaces\/panda\/pods: listing all of it/);
  assert.deepEqual(asked.slice(0, 2), ['/api/v1/namespaces/panda/pods?limit=1', '/api/v1/namespaces/panda/pods']);
  assert.match(asked[2]!, /watch=true&resourceVersion=7&/);
});
