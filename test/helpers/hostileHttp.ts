// Local HTTP(S) peers that misbehave the way real ones do under load or behind odd proxies: an answer of
// tens of megabytes, a body trickled a byte at a time. Each server and its connections go when the test
// ends; every stream stops as soon as the client goes away.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface HostileServer {
  /** `http://127.0.0.1:PORT` (or https). */
  url: string;
  /** Every connection accepted so far, in order (for HTTPS: those whose handshake completed). */
  connections: Socket[];
  /** TCP connections accepted so far, TLS handshakes that failed included. */
  tcpConnections(): number;
  /** Every request, in order, with the connection (1-based index into `connections`) it came on. */
  requests: { method: string; url: string; connection: number }[];
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on a free loopback port (HTTPS with `tls`), closed with everything open when the test ends. */
export async function hostileServer(
  t: { after(fn: () => unknown): void },
  handler: Handler,
  tls?: { certPem: string; keyPem: string },
): Promise<HostileServer> {
  const connections: Socket[] = [];
  const requests: HostileServer['requests'] = [];
  const onRequest: Handler = (req, res) => {
    requests.push({ method: req.method!, url: req.url!, connection: connections.indexOf(req.socket) + 1 });
    req.resume();
    req.on('end', () => handler(req, res));
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, onRequest) : createHttpServer(onRequest);
  // A TLS server's request socket is the TLSSocket it handed out on 'secureConnection'.
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => connections.push(socket));
  server.on('tlsClientError', () => undefined); // a client that refused our certificate: what some tests want
  let tcp = 0;
  server.on('connection', () => (tcp += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const scheme = tls ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`, connections, requests, tcpConnections: () => tcp };
}

const MiB = 1024 * 1024;

/**
 * Answers 200 with a JSON object of about `totalBytes`: `head` (its first members, e.g.
 * `"status":"ok","job_id":"12-70788"`), then a long number list. Written as fast as the client reads
 * it (never buffered whole); resolves with the bytes written once the answer ended or the client left.
 */
export function streamHugeJson(res: ServerResponse, head: string, totalBytes = 50 * MiB): Promise<number> {
  const opening = `{${head},"frequencies_list":[`;
  const filler = Buffer.from('0.125,'.repeat(Math.floor((64 * 1024) / 6)));
  res.writeHead(200, { 'content-type': 'application/json' });
  return streamBody(res, [Buffer.from(opening)], filler, Buffer.from('0]}'), totalBytes);
}

/** Answers `status` with `totalBytes` of `filler` repeated (HTML, say), as fast as the client reads it. */
export function streamHugeText(
  res: ServerResponse,
  status: number,
  contentType: string,
  filler: string,
  totalBytes: number,
): Promise<number> {
  res.writeHead(status, { 'content-type': contentType });
  return streamBody(res, [], Buffer.from(filler.repeat(Math.ceil((64 * 1024) / filler.length))), Buffer.alloc(0), totalBytes);
}

function streamBody(res: ServerResponse, first: Buffer[], filler: Buffer, last: Buffer, totalBytes: number): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    let gone = false;
    res.on('close', () => {
      gone = true;
      resolve(written);
    });
    res.on('error', () => undefined); // the client hung up mid-answer: what these tests provoke
    const write = (chunk: Buffer) => {
      written += chunk.length;
      return res.write(chunk);
    };
    for (const chunk of first) write(chunk);
    const pump = () => {
      while (!gone) {
        if (written + filler.length >= totalBytes) {
          write(last);
          res.end();
          return;
        }
        if (!write(filler)) return void res.once('drain', pump);
      }
    };
    pump();
  });
}

/**
 * Sends `status` and headers, then `prefix`, then one more byte every `everyMs` ms for ever (until the
 * client goes away): undici's idle timers never fire, only a deadline on the whole answer ends it.
 */
export function trickle(res: ServerResponse, prefix: string, everyMs = 20, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.write(prefix);
  const timer = setInterval(() => res.write(' '), everyMs);
  res.on('close', () => clearInterval(timer));
  res.on('error', () => undefined);
}
