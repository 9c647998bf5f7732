// A worker process that runs one probing method (the product's probe or the old test's method) run after
// run, on request from the benchmark, so the method's peak RSS is its own process's and not the
// sandbox's. It loads only the method it runs. Its clock is reported as `performance.timeOrigin`, so the
// parent can put its times on the sandbox's clock (both count from the same wall-clock epoch).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ProbeOptions } from '../src/probe/options';
import type { OldMethodOptions, OldMethodResult } from './oldMethod';
import type { ProbeMethodResult } from './probeMethod';

export type WorkerRequest =
  { type: 'run'; method: 'probe'; options: ProbeOptions } | { type: 'run'; method: 'old'; options: OldMethodOptions } | { type: 'finish' };

export type WorkerReply =
  | { type: 'ready'; timeOrigin: number; maxRssKiB: number; sentAtEpochMs: number }
  | { type: 'result'; method: 'probe'; result: ProbeMethodResult; loopStallMaxMs: number }
  | { type: 'result'; method: 'old'; result: OldMethodResult; loopStallMaxMs: number }
  | { type: 'failed'; error: string }
  | { type: 'finished'; maxRssKiB: number };

/** How long this process's event loop was blocked at most during a run: what delays every observation. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });

function stallMs(): number {
  // The histogram counts the delay beyond the sampling interval, in ns.
  return loopDelay.max / 1e6;
}

function reply(message: WorkerReply): void {
  process.send!(message);
}

async function handle(request: WorkerRequest): Promise<void> {
  if (request.type === 'finish') {
    reply({ type: 'finished', maxRssKiB: process.resourceUsage().maxRSS });
    process.disconnect();
    return;
  }
  try {
    if (request.method === 'probe') {
      const { runProductProbe } = await import('./probeMethod');
      loopDelay.reset();
      const result = await runProductProbe(request.options);
      reply({ type: 'result', method: 'probe', result, loopStallMaxMs: stallMs() });
    } else {
      const { runOldMethod } = await import('./oldMethod');
      loopDelay.reset();
      const result = await runOldMethod(request.options);
      reply({ type: 'result', method: 'old', result, loopStallMaxMs: stallMs() });
    }
  } catch (e) {
    reply({ type: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

if (process.send) {
  loopDelay.enable();
  process.on('message', (request: WorkerRequest) => void handle(request));
  const ready = { type: 'ready', timeOrigin: performance.timeOrigin, maxRssKiB: process.resourceUsage().maxRSS } as const;
  reply({ ...ready, sentAtEpochMs: performance.timeOrigin + performance.now() });
}
