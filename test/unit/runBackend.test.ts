// The run and the backend, with a backend on port 0 and scripted monitors: the connection is open
// before t0 and POST /configure goes over it; a connection that cannot be opened before t0 changes
// nothing; what the run says it cost the backend (requests) and how long it took to start; and that the
// metadata poller hears what the monitors said before t0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProbeClock } from '../../src/probe/clock';
import { deferred, type Monitor, type MonitorDeps } from '../../src/probe/monitor';
import { defaultProbeOptions, type ProbeOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';

/** A backend that records each connection and request (performance.now(), the probe clock's base). */
async function backend(t: { after(fn: () => unknown): void }, opts: { readyAfter?: number } = {}) {
  const connections: { at: number; socket: Socket }[] = [];
  const requests: { method: string; url: string; connection: number; at: number }[] = [];
  const server = createServer((req, res) => {
    requests.push({
      method: req.method!,
      url: req.url!,
      connection: connections.findIndex((c) => c.socket === req.socket) + 1,
      at: performance.now(),
    });
    req.resume();
    const metadata = requests.filter((r) => r.method === 'GET').length;
    const ready = req.method === 'POST' || metadata > (opts.readyAfter ?? Infinity);
    res.writeHead(ready ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ready ? { status: 'ok', job_id: '1-1' } : { detail: 'Invalid job_id' }));
  });
  server.on('connection', (socket) => connections.push({ at: performance.now(), socket }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  const options = defaultProbeOptions(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  options.kube.enabled = false;
  options.timeoutMs = 5_000;
  return { options, connections, requests };
}

/** A monitor that is ready `readyAfterMs` after it started, and may say things when it starts. */
function slowToStart(readyAfterMs: number, onStart: (deps: MonitorDeps) => void = () => undefined): Monitor {
  return {
    name: 'slow',
    start(deps) {
      onStart(deps);
      const ready = deferred();
      const timer = setTimeout(ready.resolve, readyAfterMs);
      const done = new Promise<void>((resolve) =>
        deps.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        ),
      );
      return { ready: ready.promise, onT0() {}, onJobId() {}, finalLook: async () => undefined, done };
    },
  };
}

const fixed = (options: ProbeOptions, intervalMs: number) => (options.backend.polling = { mode: 'fixed', intervalMs });

test('the connection to the backend is open before t0, and POST /configure and the polls go over it', async (t) => {
  const { options, connections, requests } = await backend(t, { readyAfter: 2 });
  fixed(options, 10);
  const clock = createProbeClock();
  const report = await startProbe(options, { clock, monitors: [slowToStart(80)] }).report;
  assert.equal(report.jobId, '1-1');
  assert.notEqual(report.timings.consumerReadyMs, null);
  assert.equal(connections.length, 1, 'one connection for the whole run');
  assert.ok(connections[0]!.at < clock.t0!, `connected ${(clock.t0! - connections[0]!.at).toFixed(1)} ms before t0`);
  assert.deepEqual(
    requests.map((r) => `${r.method} ${r.connection}`),
    ['POST 1', 'GET 1', 'GET 1', 'GET 1'],
  );
  assert.ok(requests[0]!.at >= clock.t0!, 'no request before t0: the warm-up sends none');
});

test('a backend that cannot be reached before t0 is reported by the configure request as without a warm-up', async (t) => {
  const { options } = await backend(t);
  options.backend.url = options.backend.url.replace(/:\d+$/, ':1');
  const run = startProbe(options, { monitors: [] });
  const report = await run.report;
  assert.equal(report.scenario.id, 'configure_failed');
  const answered = run.timeline.observations.find((o) => o.kind === 'configure.answered');
  assert.ok(answered?.kind === 'configure.answered');
  assert.equal(answered.error, 'cannot connect to http://127.0.0.1:1 (ECONNREFUSED)');
  assert.equal(report.probe.backendRequests, 1, 'the configure request counts; the warm-up does not');
});

test('the run says how long it took to start (from its first Kubernetes API request) and how many backend requests it sent', async (t) => {
  const { options, requests } = await backend(t, { readyAfter: 3 });
  fixed(options, 10);
  let requestedAt = 0;
  const monitor = slowToStart(60, (deps) => {
    // Some setup first, then the first API request, then 60 ms until ready.
    const wait = performance.now() + 15;
    while (performance.now() < wait);
    requestedAt = performance.now();
    // What kubeGet does for every request it sends.
    deps.apiMeter.requests += 1;
    deps.apiMeter.firstAt ??= requestedAt;
  });
  const clock = createProbeClock();
  const run = startProbe(options, { clock, monitors: [monitor] });
  const { probe } = await run.report;
  assert.ok(Math.abs(probe.startDelayMs - (clock.t0! - requestedAt)) < 1, `start delay ${probe.startDelayMs} ms`);
  assert.ok(probe.startDelayMs >= 55 && probe.startDelayMs < 200, `start delay ${probe.startDelayMs} ms`);
  assert.equal(probe.apiRequests, 1);
  assert.equal(probe.backendRequests, requests.length, 'as many as the backend received');
  assert.equal(probe.backendRequests, 1 + run.timeline.observations.filter((o) => o.kind === 'metadata.attempt').length);

  // Without any API request, the start delay runs from the run's start.
  const plain = await backend(t);
  plain.options.timeoutMs = 50;
  const quick = startProbe(plain.options, { monitors: [slowToStart(40)] });
  const quickProbe = (await quick.report).probe;
  assert.ok(quickProbe.startDelayMs >= 38 && quickProbe.startDelayMs < 150, `start delay ${quickProbe.startDelayMs} ms`);
});

test('the poller hears what the monitors said before t0: a watched cluster and no Ready pod means slow polling', async (t) => {
  const { options, requests } = await backend(t);
  options.timeoutMs = 700;
  const watching = slowToStart(10, (deps) =>
    deps.emit({
      kind: 'cluster.access',
      at: deps.now(),
      access: { state: 'watching', server: 'https://k', namespace: 'panda', context: null },
    }),
  );
  const report = await startProbe(options, { monitors: [watching] }).report;
  assert.equal(report.timings.consumerReadyMs, null);
  // Far: one attempt every 2 s, so one in 0.7 s (even polling at the budget would have sent 7).
  assert.deepEqual(
    requests.map((r) => r.method),
    ['POST', 'GET'],
  );
  const blind = await backend(t);
  blind.options.timeoutMs = 700;
  await startProbe(blind.options, { monitors: [slowToStart(10)] }).report;
  const polls = blind.requests.filter((r) => r.method === 'GET').length;
  assert.ok(polls >= 6 && polls <= 8, `blind: even at the budget, ${polls} attempts in 0.7 s`);
});
