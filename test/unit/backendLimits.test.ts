// The backend client against backends that misbehave: an answer far larger than anything it needs, a
// body trickled a byte at a time, a certificate from an internal CA. Real local servers, no mocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendClient } from '../../src/probe/backend/backendClient';
import { BODY_CAP_BYTES } from '../../src/probe/cappedBody';
import { defaultProbeOptions, type BackendOptions } from '../../src/probe/options';
import { generateClusterCertificates } from '../../src/sandbox/kube/certs';
import { hostileServer, streamHugeJson, streamHugeText, trickle } from '../helpers/hostileHttp';

const MiB = 1024 * 1024;

function client(t: import('node:test').TestContext, url: string, patch: Partial<BackendOptions> = {}) {
  const c = new BackendClient({ ...defaultProbeOptions(url).backend, ...patch });
  t.after(() => c.close());
  return c;
}

test('a 50 MB configure answer is read only up to the cap: the job id near its top is found, the rest never read', async (t) => {
  let written: Promise<number> | null = null;
  const server = await hostileServer(t, (req, res) => {
    if (req.url === '/configure') written = streamHugeJson(res, '"status":"ok","job_id":"12-70788"');
    else res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Invalid job_id"}');
  });
  const c = client(t, server.url);
  const out = await c.configure(AbortSignal.timeout(10_000));
  assert.deepEqual(out, { status: 200, jobId: '12-70788', error: null, failure: null, bodyCut: { readBytes: BODY_CAP_BYTES } });
  assert.ok((await written!) < 20 * MiB, 'the client stopped reading: the server could not write the 50 MB');
  assert.deepEqual(await c.metadata('12-70788', AbortSignal.timeout(5000)), { status: 404, error: 'Invalid job_id' });
  assert.deepEqual(
    server.requests.map((r) => r.connection),
    [1, 2],
    'the half-read connection was closed, not reused',
  );
});

test('a cut configure answer without a top-level job id, or that is not JSON, is a failure that says so', async (t) => {
  const cases: [(res: import('node:http').ServerResponse) => unknown, Record<string, unknown>][] = [
    [
      (res) => streamHugeJson(res, '"status":"ok","window":{"job_id":"decoy"}', 6 * MiB),
      {
        failure: 'no_job_id',
        error: 'response has no "job_id" in its first 4 MiB (got: status, window, frequencies_list)',
      },
    ],
    [
      (res) => streamHugeText(res, 200, 'text/html', '<html><body>login</body></html>', 6 * MiB),
      { failure: 'not_json', error: `response is not JSON: ${'<html><body>login</body></html>'.repeat(4).slice(0, 119)}…` },
    ],
    [
      (res) => streamHugeText(res, 502, 'text/plain', 'upstream exploded ', 6 * MiB),
      { failure: 'http_error', error: `HTTP 502: ${'upstream exploded '.repeat(12).trim().slice(0, 199)}…` },
    ],
  ];
  for (const [answer, expected] of cases) {
    const server = await hostileServer(t, (_req, res) => void answer(res));
    const out = await client(t, server.url).configure(AbortSignal.timeout(10_000));
    assert.deepEqual(
      { failure: out.failure, error: out.error, jobId: out.jobId, bodyCut: out.bodyCut },
      { ...expected, jobId: null, bodyCut: { readBytes: BODY_CAP_BYTES } },
    );
  }
});

test('a backend that sends its headers and trickles the body is cut off by the deadline on the whole answer', async (t) => {
  const server = await hostileServer(t, (_req, res) => trickle(res, '{"status":'));
  const c = client(t, server.url, { requestTimeoutMs: 300 });
  // The run's own signal would end an endless request only after 10 s, and then it rejects: the test fails, it does not hang.
  const out = await c.configure(AbortSignal.timeout(10_000));
  assert.deepEqual(out, {
    status: null,
    jobId: null,
    error: `no complete answer from ${server.url} within 0.3 s`,
    failure: 'timeout',
  });
  assert.deepEqual(await c.metadata('1-1', AbortSignal.timeout(10_000)), {
    status: null,
    error: `no complete answer from ${server.url} within 0.3 s`,
  });
});

test('stopping the run while an answer trickles rejects with the run reason, not a timeout', async (t) => {
  let answering!: () => void;
  const answered = new Promise<void>((resolve) => (answering = resolve));
  const server = await hostileServer(t, (_req, res) => {
    trickle(res, '{');
    answering();
  });
  const c = client(t, server.url, { requestTimeoutMs: 60_000 });
  const run = new AbortController();
  const pending = c.configure(run.signal);
  await answered;
  run.abort(new Error('stopped by the user'));
  await assert.rejects(pending, /stopped by the user/);
});

test('an HTTPS backend behind an internal CA: a TLS failure without the CA, verified with it (warm-up included)', async (t) => {
  const certs = await generateClusterCertificates();
  const server = await hostileServer(
    t,
    (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"job_id":"19-5"}'),
    certs,
  );
  const untrusted = await client(t, server.url).configure(AbortSignal.timeout(5000));
  assert.equal(untrusted.failure, 'tls_error', untrusted.error ?? '');
  assert.equal(untrusted.jobId, null);

  const trusting = client(t, server.url, { ca: certs.caPem });
  const tcpBefore = server.tcpConnections();
  await trusting.warmUp(AbortSignal.timeout(5000));
  assert.deepEqual(await trusting.configure(AbortSignal.timeout(5000)), { status: 200, jobId: '19-5', error: null, failure: null });
  // Only verified handshakes count as connections: one, opened by the warm-up with the CA, carried the request.
  assert.equal(server.connections.length, 1);
  assert.deepEqual(
    server.requests.map((r) => r.connection),
    [1],
  );
  assert.equal(
    server.tcpConnections() - tcpBefore,
    1,
    'a warm-up without the CA would have failed its handshake, and configure connected again',
  );
  assert.equal(trusting.requestsSent, 1);
});
