// `consumer-probe serve`'s own flags (DESIGN.md, "CLI: serve"): pure parsing, errors as
// ProbeError('BAD_ARGUMENT') in one line. The probe's flags are run's (args.ts).
import { ProbeError } from '../probe/errors';

export interface ServeFlags {
  /** --every S: a probe starts every S seconds (default 300). */
  everyS: number;
  /** --port N (default 9464, the port Prometheus exporters of this kind use). */
  port: number;
  /** --bind ADDR (default 0.0.0.0: reachable by Prometheus and the kubelet in a pod). */
  bind: string;
}

export const SERVE_DEFAULTS: ServeFlags = { everyS: 300, port: 9464, bind: '0.0.0.0' };

/** parseArgs options of serve's own flags. */
export const SERVE_OPTIONS = {
  every: { type: 'string' },
  port: { type: 'string' },
  bind: { type: 'string' },
} as const;

export function serveFlags(values: Record<string, unknown>): ServeFlags {
  const every = values.every as string | undefined;
  const port = values.port as string | undefined;
  const bind = values.bind as string | undefined;
  let everyS = SERVE_DEFAULTS.everyS;
  if (every !== undefined) {
    everyS = Number(every);
    if (every.trim() === '' || !Number.isFinite(everyS) || everyS <= 0) {
      throw new ProbeError('BAD_ARGUMENT', `--every takes a positive number of seconds, got "${every}"`);
    }
  }
  let portN = SERVE_DEFAULTS.port;
  if (port !== undefined) {
    portN = Number(port);
    if (!/^\d+$/.test(port.trim()) || portN > 65535)
      throw new ProbeError('BAD_ARGUMENT', `--port takes a port number (0-65535), got "${port}"`);
  }
  if (bind !== undefined && bind.trim() === '') throw new ProbeError('BAD_ARGUMENT', '--bind needs an address (e.g. 0.0.0.0 or 127.0.0.1)');
  return { everyS, port: portN, bind: bind?.trim() ?? SERVE_DEFAULTS.bind };
}
