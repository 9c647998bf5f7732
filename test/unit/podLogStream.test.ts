// A pod log read that is not a follow must end even when the kubelet trickles it: what arrived is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readPodLog } from '../../src/probe/logs/podLogStream';
import { plainKubeConfig } from '../helpers/plainKubeConfig';

test('a trickled (not followed) pod log read ends at its deadline and keeps the lines that arrived', async (t) => {
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((_req, res) => {
    open.add(res);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first line\nsecond line\n');
    // Then one byte every 20 ms, never a newline: without a deadline this read never ends.
    const timer = setInterval(() => res.write('x'), 20);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const timer of timers) clearInterval(timer);
    server.closeAllConnections();
    server.close();
  });
  const kc = plainKubeConfig((server.address() as AddressInfo).port);
  const lines: string[] = [];
  await readPodLog(
    kc,
    'panda',
    'p',
    { container: 'analyzer', tailLines: 10 },
    { onLine: (l) => lines.push(l.text) },
    { signal: AbortSignal.timeout(20_000), timeoutMs: 300 },
  );
  assert.deepEqual(lines.slice(0, 2), ['first line', 'second line']);
});
