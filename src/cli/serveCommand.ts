// `consumer-probe serve`: probe continuously until SIGTERM/SIGINT, with the metrics and the last runs on
// HTTP (src/serve). Each probe is built from the same flags and environment as `run`'s.
import { ProbeError, describeError } from '../probe/errors';
import { resolveKubeconfig } from '../probe/kube/kubeconfig';
import { startProbe } from '../probe/runProbe';
import { wedgedAfterMs } from '../serve/health';
import { startServe } from '../serve/serve';
import type { CliCommand } from './args';
import type { CliIo } from './probeCommand';
import { runOptions } from './runOptions';

/** SIGTERM to exit: the probe in flight gets this long to end as `stopped` (DESIGN.md allows 2 s in all). */
const STOP_GRACE_MS = 1_500;

/** The backend URL fit to print (no user info). */
function printable(raw: string): string {
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  return url.toString();
}

export async function serve(cmd: Extract<CliCommand, { command: 'serve' }>, io: CliIo): Promise<number> {
  const options = runOptions({ ...cmd, command: 'run', quiet: true }, io.env);
  const say = (line: string) => io.stdout(`${line}\n`);
  // What cannot work for any probe stops serve at once, as it stops run (exit 2): an unreadable
  // kubeconfig, an unknown context. What fails later is counted per run and the loop goes on.
  const kube = options.kube.enabled
    ? resolveKubeconfig({ kubeconfig: options.kube.kubeconfig, context: options.kube.context, namespace: options.kube.namespace })
    : null;

  say(`consumer-probe serve: probing ${printable(cmd.backend)} every ${cmd.everyS} s, one probe at a time`);
  if (kube?.found) {
    const credentials = kube.serviceAccountDir
      ? `the pod's service account (${kube.serviceAccountDir})`
      : `kubeconfig ${kube.files.join(', ')}`;
    say(`cluster: ${kube.server}, namespace ${kube.namespace}, with ${credentials}`);
  } else if (kube) {
    say(`cluster: not observed (${kube.reason})`);
  }

  const handle = await startServe({
    everyMs: cmd.everyS * 1000,
    bind: cmd.bind,
    port: cmd.port,
    probe: (signal) => startProbe(options, { signal }).report,
    wedgedAfterMs: wedgedAfterMs(options.timeoutMs, options.kube.syncTimeoutMs),
    log: say,
  }).catch((e: unknown) => {
    throw new ProbeError('BAD_ARGUMENT', describeError(e));
  });

  say(`listening on ${handle.url}: GET /metrics, /healthz, /runs, /runs/latest`);

  await new Promise<void>((resolve) => {
    if (!io.signal || io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  say('stopping: the probe in flight ends as stopped');
  const ended = await handle.stop(STOP_GRACE_MS);
  if (!ended) io.stderr(`consumer-probe: the probe in flight did not stop within ${STOP_GRACE_MS / 1000} s\n`);
  say('serve stopped');
  return 0;
}
