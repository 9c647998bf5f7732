// A backend that answers POST /configure with 50 MB: the CLI reads the first 4 MiB, finds the job id near
// the top and probes on, and its peak memory (the process's own counter) stays far below what reading
// the whole answer costs (≈500 MB before the read cap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostileServer, streamHugeJson } from '../helpers/hostileHttp';
import { TIMELINE_LIMITS } from '../../src/probe/timeline';
import { KubeApiServer } from '../../src/sandbox/kube/apiServer';
import { PodLogStore } from '../../src/sandbox/kube/podLogs';
import { ObjectStore } from '../../src/sandbox/kube/store';
import { makeEvent } from '../helpers/kubeObjects';
import { runCli } from '../helpers/runCli';
import { makeTempDir } from '../helpers/tmp';

const PRELOAD = resolve(__dirname, '../helpers/reportMaxRss.cjs');
const MiB = 1024 * 1024;

test('run against a 50 MB configure answer: the job id is found, the rest never read, peak RSS under 200 MB', async (t) => {
  const dir = makeTempDir(t);
  let written: Promise<number> | null = null;
  const server = await hostileServer(t, (req, res) => {
    if (req.url === '/configure') written = streamHugeJson(res, '"status":"ok","job_id":"12-70788"', 50 * MiB);
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  const rssFile = join(dir, 'maxrss');
  const json = join(dir, 'report.json');
  const r = await runCli(t, ['run', '--backend', server.url, '--timeout', '3', '--no-logs', '--json', json], {
    nodeArgs: ['--require', PRELOAD],
    env: { CONSUMER_PROBE_MAXRSS_FILE: rssFile },
  });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const maxRssKiB = Number(readFileSync(rssFile, 'utf8'));
  t.diagnostic(`peak RSS ${Math.round(maxRssKiB / 1024)} MB`);
  assert.ok(maxRssKiB > 0 && maxRssKiB < 200 * 1024, `peak RSS ${Math.round(maxRssKiB / 1024)} MB`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { jobId: string | null; metadataAttempts: { status: number | null }[] };
  assert.equal(report.jobId, '12-70788', 'the job id near the top of the cut answer');
  assert.equal(report.metadataAttempts.at(-1)?.status, 200, 'the run went on to poll the job');
  assert.ok((await written!) < 20 * MiB, 'the CLI stopped reading the answer');
});

/** Creates `count` Warning events about the Job, a batch per turn of the event loop (the watch streams them meanwhile). */
async function floodEvents(store: ObjectStore, jobName: string, count: number, messageBytes: number): Promise<void> {
  const filler = 'x'.repeat(messageBytes);
  for (let i = 0; i < count; i += 500) {
    for (let j = i; j < Math.min(count, i + 500); j++) {
      store.create(
        'events',
        makeEvent({
          involvedObject: { kind: 'Job', name: jobName, namespace: 'panda' },
          reason: 'FailedCreate',
          message: `flood ${j} ${filler}`,
          type: 'Warning',
        }),
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('a 50 MB configure answer and a flood of events about the job: peak RSS under 200 MB, the first events kept', async (t) => {
  const dir = makeTempDir(t);
  const store = new ObjectStore();
  const api = new KubeApiServer({ store, logs: new PodLogStore(), tokens: { token: 'ok' } });
  await api.start();
  t.after(() => api.stop());
  const kubeconfig = api.writeKubeconfig(join(dir, 'kubeconfig'), { token: 'token', namespace: 'panda' });
  const FLOOD = 40_000;
  let flooded = false;
  const server = await hostileServer(t, (req, res) => {
    if (req.url === '/configure') {
      void streamHugeJson(res, '"status":"ok","job_id":"77-1"', 50 * MiB);
      void floodEvents(store, 'grpc-job-77-1', FLOOD, 1_000).then(() => (flooded = true));
    } else {
      // Not ready until the whole flood was sent: the run lasts as long as the flood, however fast the machine.
      res.writeHead(flooded ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    }
  });
  const rssFile = join(dir, 'maxrss');
  const json = join(dir, 'report.json');
  const r = await runCli(
    t,
    ['run', '--backend', server.url, '--kubeconfig', kubeconfig, '--timeout', '60', '--no-logs', '--json', json, '--quiet'],
    { nodeArgs: ['--require', PRELOAD], env: { CONSUMER_PROBE_MAXRSS_FILE: rssFile }, killAfterMs: 120_000 },
  );
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.ok(flooded, 'the run lasted until the whole flood was sent');
  const maxRssKiB = Number(readFileSync(rssFile, 'utf8'));
  t.diagnostic(`peak RSS ${Math.round(maxRssKiB / 1024)} MB`);
  assert.ok(maxRssKiB > 0 && maxRssKiB < 200 * 1024, `peak RSS ${Math.round(maxRssKiB / 1024)} MB`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { jobId: string; events: { message: string }[] };
  assert.equal(report.jobId, '77-1');
  assert.equal(report.events.length, TIMELINE_LIMITS['event.seen'], 'the first events are kept, up to the bound');
  assert.match(report.events[0]!.message, /^flood 0 /);
});
