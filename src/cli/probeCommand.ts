// Runs one probe for the CLI and renders it: live text while it runs, the text report, then files.
import type { Observation, Report } from '../probe/model';
import type { ProbeOptions } from '../probe/options';
import { createLiveTextLog } from '../probe/report/liveText';
import { renderTextReport } from '../probe/report/text';
import { startProbe } from '../probe/runProbe';
import type { OutputFlags } from './args';
import { writeOutputs } from './outputs';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Aborts the probe (Ctrl-C). */
  signal?: AbortSignal;
}

export async function runAndReport(options: ProbeOptions, flags: OutputFlags, io: CliIo, preface: string[] = []): Promise<number> {
  // With `--json -` stdout carries only the JSON document; everything human goes to stderr.
  const human = flags.json === '-' ? io.stderr : io.stdout;
  const line = (text: string) => human(`${text}\n`);
  if (!flags.quiet) preface.forEach(line);

  const live = createLiveTextLog(line, { match: options.match });
  const onObservation = (o: Observation) => {
    if (!flags.quiet) live(o);
  };

  const handle = startProbe(options, { signal: io.signal, onObservation });
  const report: Report = await handle.report;

  if (flags.quiet) line(`${report.scenario.id}: ${report.scenario.summary}`);
  else human(`\n${renderTextReport(report)}`);
  const problems = writeOutputs(report, flags, io.stdout, io.stderr);
  if (problems.length > 0) return 2;
  return report.scenario.id === 'healthy' ? 0 : 1;
}
