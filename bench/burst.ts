// The burst benchmark (scripts/bench/burst.js runs it under tsx): N = 1, 10, 30 healthy jobs in ONE
// process against the sandbox. Per N: the Kubernetes API requests and response bytes the sandbox's API
// server counted (all of them, and without the per-job pod log follows), the process's peak RSS, and
// the per-job pod-created lag (the probe's podCreatedMs minus the sandbox's ground truth) p95.
import { runBurst } from '../src/probe/burst/runBurst';
import { censoredPercentile } from '../src/probe/burst/stats';
import { probeOptions } from '../src/probe/options';
import { probeOverridesForProfile } from '../src/sandbox/probeOptions';
import { profileByName } from '../src/sandbox/profiles';
import { Sandbox, truthSince } from '../src/sandbox/sandbox';

async function main(): Promise<void> {
  const sizes = (process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ?? '1,10,30').split(',').map(Number);
  const sandbox = await Sandbox.start({});
  const options = probeOptions(probeOverridesForProfile(sandbox, profileByName('healthy')!));
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const rows: string[] = [];
  try {
    for (const n of sizes) {
      sandbox.resetUsage();
      const outcome = await runBurst(options, { jobs: n });
      const usage = sandbox.apiUsage();
      const follows = Object.entries(usage.byPath).filter(([p]) => /^follow .*\/pods\/grpc-job-/.test(p));
      const perJob = follows.reduce((sum, [, u]) => sum + u.requests, 0);
      const lags: number[] = [];
      for (const run of outcome.runs) {
        const record = run.jobId ? sandbox.job(run.jobId) : undefined;
        const truth = record ? truthSince(record, outcome.t0 + run.sentAtMs).podCreatedMs : undefined;
        if (truth !== undefined && run.timings.podCreatedMs !== null) lags.push(run.timings.podCreatedMs - truth);
      }
      const healthy = outcome.runs.filter((r) => r.scenario.id === 'healthy').length;
      const lagP95 = lags.length > 0 ? censoredPercentile(lags, lags.length, 95) : null;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      rows.push(
        `| ${n} | ${healthy}/${n} | ${usage.requests} | ${usage.requests - perJob} | ${(usage.bytes / 1024).toFixed(0)} KiB | ` +
          `${lagP95 === null ? '—' : `${lagP95.toFixed(1)} ms`} | ${(peakRss / 1024 / 1024).toFixed(0)} MB |`,
      );
    }
  } finally {
    clearInterval(sampler);
    await sandbox.stop();
  }
  console.log(`RSS before the first burst (tsx, the sandbox, the engine loaded): ${(baselineRss / 1024 / 1024).toFixed(0)} MB\n`);
  console.log('| N | healthy | API requests | without per-job log follows | API bytes | pod-created lag p95 | peak RSS so far |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
