// The run's lifecycle, driven with scripted fake monitors and a tiny backend on port 0: what each
// monitor is told, in which order, what happens to observations made before t0, after the end, and
// when the caller aborts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deferred, type Monitor, type MonitorDeps } from '../../src/probe/monitor';
import { defaultProbeOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';

/** A backend whose metadata answers 404 `notReady` times, then 200; every request goes into `log`. */
async function fakeBackend(t: { after(fn: () => unknown): void }, log: string[], notReady: number, onMetadata?: () => void) {
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    log.push(`backend ${req.method} ${req.url}`);
    req.resume();
    if (req.url === '/configure') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ status: 'ok', job_id: '1-1' }));
    }
    onMetadata?.();
    attempts += 1;
    res.writeHead(attempts > notReady ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(attempts > notReady ? { status: 'ok', job_id: '1-1' } : { detail: 'Invalid job_id' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const options = defaultProbeOptions(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  options.kube.enabled = false;
  options.backend.polling = { mode: 'fixed', intervalMs: 5 };
  options.timeoutMs = 5_000;
  return options;
}

/** A monitor that writes every call into `log`, with a ready the test settles. */
function scripted(name: string, log: string[], opts: { trailMs?: number; onStart?: (deps: MonitorDeps) => void } = {}) {
  const ready = deferred();
  let deps!: MonitorDeps;
  const monitor: Monitor = {
    name,
    start(d) {
      deps = d;
      log.push(`${name} start`);
      d.signal.addEventListener('abort', () => log.push(`${name} stop`), { once: true });
      d.observations.on(['configure.sent', 'configure.answered', 'probe.ended'], (o) => log.push(`${name} saw ${o.kind}`));
      opts.onStart?.(d);
      return {
        ready: ready.promise.then(() => void log.push(`${name} ready`)),
        onT0: () => log.push(`${name} onT0`),
        onJobId: (id) => log.push(`${name} onJobId ${id}`),
        finalLook: async () => void log.push(`${name} finalLook${d.signal.aborted ? ' (after stop!)' : ''}`),
        // Settles a moment after the stop, as real monitors do once their sockets have closed.
        done: new Promise<void>((resolve) =>
          d.signal.addEventListener('abort', () => setImmediate(() => (log.push(`${name} done`), resolve())), { once: true }),
        ),
        trailMs: opts.trailMs,
      };
    },
  };
  return { monitor, ready, deps: () => deps };
}

test('every monitor goes through start → ready → onT0 → onJobId → finalLook → stop → done, in that order around the run', async (t) => {
  const log: string[] = [];
  const options = await fakeBackend(t, log, 2);
  const a = scripted('a', log, {
    trailMs: 50,
    onStart: (d) => {
      // Made before t0: kept, with a negative time.
      d.emit({
        kind: 'event.seen',
        at: d.now(),
        event: { type: 'Normal', reason: 'EarlyBird', object: 'Pod/x', message: 'before t0', count: 1 },
      });
      // After the end, within the grace period: still recorded.
      d.observations.on('probe.ended', () =>
        setImmediate(() => {
          log.push(`a trails${d.signal.aborted ? ' (after stop!)' : ''}`);
          d.emit({
            kind: 'log.line',
            at: d.now(),
            source: 'pod',
            line: {
              time: null,
              pod: 'x',
              container: 'c',
              instance: 0,
              level: 'ERROR',
              reason: 'error',
              mentionsJob: false,
              text: 'late line',
            },
          });
        }),
      );
    },
  });
  const b = scripted('b', log);
  const run = startProbe(options, { monitors: [a.monitor, b.monitor] });
  // Let the run go on as far as it can while one monitor is not ready: POST /configure must wait.
  a.ready.resolve();
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(!log.some((l) => l.startsWith('backend')), `nothing sent before every monitor is ready:\n${log.join('\n')}`);
  b.ready.resolve();
  const report = await run.report;
  log.push('report');

  const at = (entry: string) => {
    const i = log.indexOf(entry);
    assert.ok(i >= 0, `"${entry}" happened:\n${log.join('\n')}`);
    return i;
  };
  for (const m of ['a', 'b']) {
    assert.ok(at(`${m} start`) < at('b ready'));
    assert.ok(at('b ready') < at(`${m} onT0`), 'onT0 only after every ready');
    assert.ok(at(`${m} onT0`) < at(`${m} saw configure.sent`), 'onT0 before the configure observation');
    assert.ok(at(`${m} saw configure.sent`) < at('backend POST /configure'));
    assert.ok(at(`${m} saw configure.answered`) < at(`${m} onJobId 1-1`), 'onJobId after the answer');
    assert.ok(at(`${m} onJobId 1-1`) < at('backend GET /metadata/1-1'));
    assert.ok(at(`${m} finalLook`) < at(`${m} saw probe.ended`), 'the final look before the end');
    assert.ok(
      at(`${m} saw probe.ended`) < at(`${m} stop`) && at(`${m} stop`) < at(`${m} done`) && at(`${m} done`) < at('report'),
      'done awaited',
    );
  }
  assert.ok(at('a trails') < at('a stop'), 'the grace period of the monitor that asked for one ran before the stop');
  assert.ok(!log.some((l) => l.includes('(after stop!)')), log.join('\n'));

  assert.equal(report.timings.consumerReadyMs !== null, true, 'the metadata answered ready');
  const early = report.events.find((e) => e.reason === 'EarlyBird');
  assert.ok(early && early.atMs < 0, `the observation from before t0 kept, at a negative time: ${early?.atMs}`);
  const ended = run.timeline.observations.find((o) => o.kind === 'probe.ended')!;
  const late = run.timeline.observations.find((o) => o.kind === 'log.line');
  assert.ok(late && late.atMs >= ended.atMs, 'the line delivered in the grace period is in the timeline');
  assert.equal(ended.kind === 'probe.ended' && ended.reason, 'consumer_ready');
});

test(
  'aborting mid-run: every monitor stops and is awaited, no final look and no grace period, the run ends as aborted',
  { timeout: 10_000 },
  async (t) => {
    const log: string[] = [];
    const controller = new AbortController();
    const options = await fakeBackend(t, log, Infinity, () => controller.abort(new Error('user pressed stop')));
    const a = scripted('a', log, { trailMs: 60_000 });
    a.ready.resolve();
    const run = startProbe(options, { monitors: [a.monitor], signal: controller.signal });
    const report = await run.report; // a grace period of 60 s would time this test out
    assert.equal(report.scenario.severity, 'inconclusive');
    const ended = run.timeline.observations.find((o) => o.kind === 'probe.ended');
    assert.ok(ended?.kind === 'probe.ended' && ended.reason === 'aborted');
    assert.ok(!log.includes('a finalLook'), 'no final look after an abort');
    assert.ok(log.indexOf('a stop') < log.indexOf('a done') && a.deps().signal.aborted, `stopped and awaited:\n${log.join('\n')}`);
  },
);
