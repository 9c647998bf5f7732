import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendClient } from '../../src/probe/backend/backendClient';
import { defaultProbeOptions } from '../../src/probe/options';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function backend(t: import('node:test').TestContext, handler: Handler) {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string; socket: number }[] = [];
  const sockets = new Set<unknown>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      sockets.add(req.socket);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: sockets.size });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen };
}

function client(t: import('node:test').TestContext, url: string, patch: Partial<ReturnType<typeof defaultProbeOptions>['backend']> = {}) {
  const c = new BackendClient({ ...defaultProbeOptions(url).backend, ...patch });
  t.after(() => c.close());
  return c;
}

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

test('configure posts the Focus payload and reads job_id; a base path is kept', async (t) => {
  const { url, seen } = await backend(t, (_req, res) => json(res, 200, { status: 'ok', job_id: '12-70788' }));
  const out = await client(t, `${url}/focus/`).configure(AbortSignal.timeout(5000));
  assert.deepEqual(out, { status: 200, jobId: '12-70788', error: null, failure: null });
  assert.equal(seen[0]!.method, 'POST');
  assert.equal(seen[0]!.url, '/focus/configure');
  assert.equal(seen[0]!.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(seen[0]!.body).nfftSelection, 1024);
  assert.equal(JSON.parse(seen[0]!.body).view_type, '0');
  assert.equal(seen[0]!.headers.authorization, undefined);
});

test('the token goes in a bearer header; the job id field is configurable', async (t) => {
  const { url, seen } = await backend(t, (_req, res) => json(res, 200, { id: 42 }));
  const out = await client(t, url, { token: 's3cret', jobIdField: 'id' }).configure(AbortSignal.timeout(5000));
  assert.equal(out.jobId, '42');
  assert.equal(seen[0]!.headers.authorization, 'Bearer s3cret');
});

test('configure failures become data: status, body error, non-JSON, missing id', async (t) => {
  const cases: [Handler, RegExp][] = [
    [(_q, r) => json(r, 503, { detail: 'All 30 job windows are busy' }), /^HTTP 503: All 30 job windows are busy$/],
    [(_q, r) => json(r, 401, { detail: 'Not authenticated' }), /^HTTP 401: Not authenticated \(.*CONSUMER_PROBE_TOKEN\)$/],
    [
      (_q, r) => {
        r.writeHead(200, { 'content-type': 'text/html' });
        r.end('<html>login</html>');
      },
      /^response is not JSON: <html>login<\/html>$/,
    ],
    [(_q, r) => json(r, 200, { status: 'ok' }), /^response has no "job_id" \(got: status\)$/],
  ];
  for (const [handler, expected] of cases) {
    const { url } = await backend(t, handler);
    const out = await client(t, url).configure(AbortSignal.timeout(5000));
    assert.equal(out.jobId, null);
    assert.match(out.error ?? '', expected);
  }
});

test('an unreachable backend is one clear line', async (t) => {
  const { url } = await backend(t, () => undefined);
  const dead = url.replace(/:\d+$/, ':1');
  const out = await client(t, dead).configure(AbortSignal.timeout(5000));
  assert.equal(out.status, null);
  assert.match(out.error ?? '', /^cannot connect to http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)$/);
});

test('a backend that never answers is cut off by the request timeout', async (t) => {
  const { url } = await backend(t, () => undefined); // never responds
  const out = await client(t, url, { requestTimeoutMs: 300 }).configure(AbortSignal.timeout(5000));
  assert.equal(out.status, null);
  assert.match(out.error ?? '', /no answer from .* within 0\.3 s/);
});

test('metadata: the id is one percent-encoded path segment; errors come from the body', async (t) => {
  const { url, seen } = await backend(t, (req, res) =>
    req.url!.endsWith('ready') ? json(res, 200, {}) : json(res, 404, { detail: 'Invalid job_id' }),
  );
  const c = client(t, url);
  assert.deepEqual(await c.metadata('12-70788/../x y', AbortSignal.timeout(5000)), { status: 404, error: 'Invalid job_id' });
  assert.equal(seen[0]!.url, '/metadata/12-70788%2F..%2Fx%20y');
  assert.deepEqual(await c.metadata('ready', AbortSignal.timeout(5000)), { status: 200, error: null });
});

test('polling reuses one kept-alive connection', async (t) => {
  const { url, seen } = await backend(t, (_req, res) => json(res, 404, { detail: 'Invalid job_id' }));
  const c = client(t, url);
  for (let i = 0; i < 5; i++) await c.metadata('1-1', AbortSignal.timeout(5000));
  assert.equal(seen.length, 5);
  assert.equal(new Set(seen.map((s) => s.socket)).size, 1);
});

test('aborting a request rejects with the signal reason', async (t) => {
  const { url } = await backend(t, () => undefined);
  const c = client(t, url);
  const controller = new AbortController();
  const pending = c.metadata('1-1', controller.signal);
  controller.abort(new Error('stop now'));
  await assert.rejects(pending, /stop now/);
});

/** A backend that records each connection (when it was accepted) and each request (on which connection). */
async function countingBackend(t: import('node:test').TestContext) {
  const connections: { at: number; socket: import('node:net').Socket }[] = [];
  const requests: { url: string; connection: number; at: number }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url!, connection: connections.findIndex((c) => c.socket === req.socket) + 1, at: performance.now() });
    req.resume();
    json(res, 200, { status: 'ok', job_id: '1-1' });
  });
  const firstConnection = new Promise<import('node:net').Socket>((resolve) => server.once('connection', resolve));
  server.on('connection', (socket) => connections.push({ at: performance.now(), socket }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  /** The server's side of the first connection; fails the test if the client never connects. */
  const first = () =>
    Promise.race([
      firstConnection,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the client never connected')), 5000).unref()),
    ]);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections, requests, first };
}

test('warmUp opens the connection without a request, and the first request goes over it', async (t) => {
  const { url, connections, requests, first } = await countingBackend(t);
  const c = client(t, url);
  await c.warmUp(AbortSignal.timeout(5000));
  const warmedAt = performance.now();
  await first();
  assert.equal(connections.length, 1, 'connected during the warm-up');
  assert.ok(connections[0]!.at <= warmedAt, 'the connection was accepted before warmUp settled');
  assert.equal(requests.length, 0, 'the warm-up sends no request');
  assert.equal(c.requestsSent, 0);
  const out = await c.configure(AbortSignal.timeout(5000));
  assert.equal(out.jobId, '1-1');
  await c.metadata('1-1', AbortSignal.timeout(5000));
  assert.equal(connections.length, 1, 'configure and metadata used the warm connection');
  assert.deepEqual(
    requests.map((r) => r.connection),
    [1, 1],
  );
  assert.equal(c.requestsSent, 2);
});

test('a warm-up that cannot connect changes nothing: configure reports the connect error as without one', async (t) => {
  const { url } = await backend(t, () => undefined);
  const dead = url.replace(/:\d+$/, ':1');
  const c = client(t, dead);
  await c.warmUp(AbortSignal.timeout(5000)); // settles, never rejects
  const out = await c.configure(AbortSignal.timeout(5000));
  assert.equal(out.status, null);
  assert.match(out.error ?? '', /^cannot connect to http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)$/);
  assert.equal(c.requestsSent, 1);
});

test('a warm connection the server closed before the first request is dropped; the request connects anew', async (t) => {
  const { url, connections, requests, first } = await countingBackend(t);
  const c = client(t, url);
  await c.warmUp(AbortSignal.timeout(5000));
  // A server that closes a connection on which nothing was asked (as keep-alive timeouts do).
  const idle = await first();
  await new Promise((r) => idle.once('close', r).destroy());
  const out = await c.configure(AbortSignal.timeout(5000));
  assert.deepEqual(out, { status: 200, jobId: '1-1', error: null, failure: null });
  assert.equal(connections.length, 2);
  assert.deepEqual(
    requests.map((r) => r.connection),
    [2],
  );
});

test('a warm connection on which the server spoke first (a 408 before closing) is dropped, not read as the answer', async (t) => {
  const { url, connections, requests, first } = await countingBackend(t);
  const c = client(t, url);
  await c.warmUp(AbortSignal.timeout(5000));
  // A server that answers 408 on an idle connection and closes it only later.
  const idle = await first();
  const dropped = new Promise((r) => idle.once('close', r));
  idle.write('HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  await dropped; // the client closed the connection it can no longer use
  const out = await c.configure(AbortSignal.timeout(5000));
  assert.deepEqual(out, { status: 200, jobId: '1-1', error: null, failure: null });
  assert.equal(connections.length, 2);
  assert.deepEqual(
    requests.map((r) => r.connection),
    [2],
  );
});

test('close() closes a warm connection no request took; an aborted warm-up settles at once', async (t) => {
  const { url, connections, requests, first } = await countingBackend(t);
  const c = new BackendClient(defaultProbeOptions(url).backend);
  await c.warmUp(AbortSignal.timeout(5000));
  const warm = await first();
  const closed = new Promise((r) => warm.once('close', r));
  await c.close();
  await closed;
  assert.equal(requests.length, 0);

  const aborted = new AbortController();
  aborted.abort(new Error('stopped'));
  const d = new BackendClient(defaultProbeOptions(url).backend);
  await d.warmUp(aborted.signal);
  await d.close();
  assert.equal(connections.length, 1, 'an aborted warm-up does not connect');
});
