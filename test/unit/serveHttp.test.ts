// serve's HTTP routes on a real socket (port 0) over scripted data: status codes, content types, JSON
// errors, 404 for unknown paths, 405 for other methods, and a close that does not wait for idle clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, Agent } from 'node:http';
import { startHttp, type ServeRoutes } from '../../src/serve/httpServer';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(base: string, path: string, method = 'GET', agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, ...(agent ? { agent } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? 'x=1' : undefined);
  });
}

type ScriptedRoutes = ServeRoutes & { latest: string | null; healthy: boolean };

function routes(over: Partial<ServeRoutes> = {}): ScriptedRoutes {
  const state: ScriptedRoutes = {
    latest: null as string | null,
    healthy: true,
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'm_total 1\n' }),
    health(): { ok: boolean; reason?: string } {
      return state.healthy ? { ok: true } : { ok: false, reason: 'wedged' };
    },
    runs: () => [{ runId: 'a-2' }, { runId: 'a-1' }],
    report: (which: string) => (which === 'latest' ? state.latest : which === 'a-1' ? '{"jobId":"1-1"}\n' : null),
    ...over,
  };
  return state;
}

test('the routes: metrics as text, health as 200/503, runs and reports as JSON, 404 before the first run', async (t) => {
  const r = routes();
  const http = await startHttp(r, '127.0.0.1', 0);
  t.after(() => http.close());
  assert.match(http.url, /^http:\/\/127\.0\.0\.1:\d+$/);

  const metrics = await call(http.url, '/metrics?format=ignored');
  assert.equal(metrics.status, 200);
  assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.equal(metrics.body, 'm_total 1\n');

  assert.equal((await call(http.url, '/healthz')).status, 200);
  r.healthy = false;
  const sick = await call(http.url, '/healthz');
  assert.equal(sick.status, 503);
  assert.deepEqual(JSON.parse(sick.body), { ok: false, reason: 'wedged' });

  const runs = await call(http.url, '/runs');
  assert.equal(runs.status, 200);
  assert.match(String(runs.headers['content-type']), /^application\/json/);
  assert.deepEqual(JSON.parse(runs.body), [{ runId: 'a-2' }, { runId: 'a-1' }]);

  const before = await call(http.url, '/runs/latest');
  assert.equal(before.status, 404);
  assert.deepEqual(JSON.parse(before.body), { error: 'no run has finished yet' });
  r.latest = '{"jobId":"2-2"}\n';
  const latest = await call(http.url, '/runs/latest');
  assert.equal(latest.status, 200);
  assert.equal(JSON.parse(latest.body).jobId, '2-2');

  assert.equal(JSON.parse((await call(http.url, '/runs/a-1')).body).jobId, '1-1');
  const gone = await call(http.url, '/runs/a-0');
  assert.equal(gone.status, 404);
  assert.match(JSON.parse(gone.body).error, /no kept run with id "a-0"/);
});

test('unknown paths are 404 and other methods 405, as JSON', async (t) => {
  const http = await startHttp(routes(), '127.0.0.1', 0);
  t.after(() => http.close());
  for (const path of ['/', '/metricsx', '/runs/a/b', '/healthz/', '/../etc/passwd']) {
    const answer = await call(http.url, path);
    assert.equal(answer.status, 404, path);
    assert.ok(typeof JSON.parse(answer.body).error === 'string', path);
  }
  assert.equal((await call(http.url, '/runs/%E0%A4%A')).status, 404, 'a malformed escape names no run');
  for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
    const answer = await call(http.url, '/metrics', method);
    assert.equal(answer.status, 405, method);
    assert.equal(answer.headers.allow, 'GET');
    if (method !== 'HEAD') assert.match(JSON.parse(answer.body).error, new RegExp(`^${method} is not allowed`));
  }
});

test('close ends idle keep-alive connections instead of waiting for them', async () => {
  const http = await startHttp(routes(), '127.0.0.1', 0);
  const agent = new Agent({ keepAlive: true });
  try {
    assert.equal((await call(http.url, '/healthz', 'GET', agent)).status, 200);
    const closed = http.close();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still open'), 2000)));
    assert.equal(await Promise.race([closed.then(() => 'closed'), late]), 'closed');
    clearTimeout(timer);
  } finally {
    agent.destroy();
  }
});

test('a route that throws answers 500 with a JSON error, and the server goes on', async (t) => {
  const http = await startHttp(
    routes({
      metrics: () => Promise.reject(new Error('registry broke')),
    }),
    '127.0.0.1',
    0,
  );
  t.after(() => http.close());
  const broken = await call(http.url, '/metrics');
  assert.equal(broken.status, 500);
  assert.deepEqual(JSON.parse(broken.body), { error: 'internal error' });
  assert.equal((await call(http.url, '/healthz')).status, 200);
});
