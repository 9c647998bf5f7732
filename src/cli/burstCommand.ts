// `consumer-probe burst` (and `demo --burst N`): runs the burst with live text, then writes its
// outputs. Every output of a burst is written here, in one table (BURST_FILES), so another format is
// one more row; files are proved writable before the first job is sent (checkOutputPaths).
import { writeFileSync } from 'node:fs';
import { buildBurstReport, burstExitCode } from '../probe/burst/buildBurstReport';
import type { BurstReport } from '../probe/burst/model';
import { runBurst } from '../probe/burst/runBurst';
import type { ProbeOptions } from '../probe/options';
import { renderBurstJson } from '../probe/report/burstJson';
import { renderBurstJUnit } from '../probe/report/burstJunit';
import { renderBurstMarkdown } from '../probe/report/burstMarkdown';
import { createBurstLiveText, renderBurstText } from '../probe/report/burstText';
import type { CliCommand, OutputFlags } from './args';
import type { BurstFlags } from './burstArgs';
import { writeTraceFiles } from './outputs';
import type { CliIo } from './probeCommand';
import { runOptions } from './runOptions';

/** The burst's file outputs: flag, where its path is, how the report renders. */
const BURST_FILES: { flag: string; path: (f: OutputFlags) => string | undefined; render: (r: BurstReport) => string }[] = [
  { flag: 'json', path: (f) => (f.json === '-' ? undefined : f.json), render: renderBurstJson },
  { flag: 'markdown', path: (f) => f.markdown, render: renderBurstMarkdown },
  { flag: 'junit', path: (f) => f.junit, render: renderBurstJUnit },
];

/** Writes every requested output; returns the problems (one line each, already told on stderr). */
export function writeBurstOutputs(report: BurstReport, flags: OutputFlags, io: Pick<CliIo, 'stdout' | 'stderr'>): string[] {
  const problems: string[] = [];
  if (flags.json === '-') io.stdout(renderBurstJson(report));
  for (const file of BURST_FILES) {
    const path = file.path(flags);
    if (!path) continue;
    try {
      writeFileSync(path, file.render(report));
    } catch (e) {
      problems.push(`cannot write --${file.flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  problems.push(...writeTraceFiles(report.runs, flags));
  for (const p of problems) io.stderr(`consumer-probe: ${p}\n`);
  const jsonDelivered = flags.json !== undefined && !problems.some((p) => p.startsWith('cannot write --json '));
  if (problems.length > 0 && !jsonDelivered)
    io.stderr(`consumer-probe: the burst report as JSON, so that it is not lost:\n${renderBurstJson(report)}`);
  return problems;
}

/** Runs a burst and reports it: 0 every job healthy and every threshold met, 1 otherwise, 2 an output failed. */
export async function burstAndReport(
  options: ProbeOptions,
  burst: BurstFlags,
  flags: OutputFlags,
  io: CliIo,
  preface: string[] = [],
): Promise<number> {
  // With `--json -` stdout carries only the JSON document; everything human goes to stderr.
  const human = flags.json === '-' ? io.stderr : io.stdout;
  const line = (text: string) => human(`${text}\n`);
  if (!flags.quiet) preface.forEach(line);
  const concurrency = burst.concurrency ?? burst.jobs;
  if (!flags.quiet) {
    line(
      `Burst: ${burst.jobs} jobs, at most ${Math.min(concurrency, burst.jobs)} in flight, ramp ${(burst.rampMs ?? 0) / 1000} s, timeout ${options.timeoutMs / 1000} s`,
    );
  }
  const live = createBurstLiveText(line, { jobs: burst.jobs });
  const outcome = await runBurst(options, {
    jobs: burst.jobs,
    concurrency,
    rampMs: burst.rampMs ?? 0,
    signal: io.signal,
    onJobEvent: (e) => {
      if (!flags.quiet) live(e);
    },
  });
  const report = buildBurstReport(outcome, burst.thresholds);
  if (flags.quiet) line(`${report.verdict.severity}: ${report.verdict.title}`);
  else human(`\n${renderBurstText(report)}`);
  const problems = writeBurstOutputs(report, flags, io);
  if (problems.length > 0) return 2;
  return burstExitCode(report);
}

/** `burst`'s flags as `run`'s, for the one options builder (same names, same errors). */
export function burstOptions(cmd: Extract<CliCommand, { command: 'burst' }>, env: NodeJS.ProcessEnv): ProbeOptions {
  return runOptions(
    {
      command: 'run',
      backend: cmd.backend,
      namespace: cmd.namespace,
      kubeconfig: cmd.kubeconfig,
      context: cmd.context,
      body: cmd.body,
      timeoutS: cmd.timeoutS,
      slowS: cmd.slowS,
      rabbitmq: cmd.rabbitmq,
      amqp: cmd.amqp,
      quiet: cmd.quiet,
    },
    env,
  );
}
