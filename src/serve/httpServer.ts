// The HTTP side of `consumer-probe serve`: GET /metrics, /healthz, /runs, /runs/latest and /runs/<id>;
// any other path 404, any other method 405, every error a small JSON object. Requests carry nothing the
// server reads beyond the path, and slow or idle clients are cut off, so no client can hold memory.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServeRoutes {
  metrics(): Promise<{ contentType: string; body: string }>;
  health(): { ok: boolean } & Record<string, unknown>;
  /** The JSON array of run summaries, newest first. */
  runs(): unknown[];
  /** A report's JSON document, or null: `latest` for the newest run, else a run id. */
  report(which: string): string | null;
}

/** Connections at once; Prometheus and the kubelet need one or two each. */
const MAX_CONNECTIONS = 64;

export interface ServeHttp {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startHttp(routes: ServeRoutes, bind: string, port: number): Promise<ServeHttp> {
  const server = createServer((req, res) => {
    handle(routes, req, res).catch(() => sendJson(res, 500, { error: 'internal error' }));
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(routes: ServeRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://serve.invalid').pathname;
  const known = path === '/metrics' || path === '/healthz' || path === '/runs' || /^\/runs\/[^/]+$/.test(path);
  if (!known) return sendJson(res, 404, { error: `no such path: ${path.slice(0, 200)}` });
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    // The body, if any, is not read: the connection closes after the answer.
    res.setHeader('Connection', 'close');
    return sendJson(res, 405, { error: `${String(req.method).slice(0, 20)} is not allowed; use GET` });
  }
  if (path === '/metrics') {
    const { contentType, body } = await routes.metrics();
    return send(res, 200, contentType, body);
  }
  if (path === '/healthz') {
    const health = routes.health();
    return sendJson(res, health.ok ? 200 : 503, health);
  }
  if (path === '/runs') return sendJson(res, 200, routes.runs());
  const which = safeDecode(path.slice('/runs/'.length));
  const report = routes.report(which);
  if (report === null) {
    const error = which === 'latest' ? 'no run has finished yet' : `no kept run with id ${JSON.stringify(which.slice(0, 100))}`;
    return sendJson(res, 404, { error });
  }
  return send(res, 200, 'application/json; charset=utf-8', report);
}

/** A run id as sent; a malformed escape is kept as it came (it then names no run). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}
