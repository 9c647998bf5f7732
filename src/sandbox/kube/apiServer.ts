// The sandbox's Kubernetes API server: HTTPS with a generated CA, bearer-token authentication, real
// discovery, and read access (get/list/watch, pod logs) to an ObjectStore — on the real wire protocol,
// so kubectl and @kubernetes/client-node work against it unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { parseResourcePath, type ResourcePath } from './apiRequest';
import { ApiUsageMeter } from './apiUsage';
import { ApiError, forbidden, internalError, methodNotAllowed, pathNotFound, unauthorized } from './apiStatus';
import { generateClusterCertificates, issueClientCertificate, type ClusterCertificates } from './certs';
import { discoveryDocument } from './discovery';
import { writeKubeconfigFile } from './kubeconfig';
import { OpenStreams } from './openStreams';
import type { PodLogStore } from './podLogs';
import { sendJson, serveResource, type ServedCounters } from './resourceRequests';
import type { ObjectStore, ResourceKind } from './store';
import { WatchStream } from './watchStream';

/** What a token may do: everything, nothing (403 on every resource), or everything but read pod logs (RBAC without `pods/log`). */
export type TokenAccess = 'ok' | 'forbidden' | 'no-logs';

export interface KubeApiServerOptions {
  store: ObjectStore;
  logs: PodLogStore;
  /** Bearer token → access. A missing or unknown token gets 401 Unauthorized. */
  tokens: Record<string, TokenAccess>;
  host?: string;
  port?: number;
  /** Default 1000; bookmarks are only sent when the client asks with allowWatchBookmarks=true. */
  bookmarkIntervalMs?: number;
  /** Client certificate common name → access; such certificates are issued by `issueClientCertificate`. */
  certificateUsers?: Record<string, TokenAccess>;
  /** Namespaces that exist even while empty (default: `panda`, the probe's default namespace). */
  namespaces?: readonly string[];
}

/** Who a token authenticates as; appears in 403 messages, as the real server names the user. */
export const SANDBOX_USER = 'system:serviceaccount:panda:consumer-probe';

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);
const WATCH_TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

export class KubeApiServer {
  /** Counters for tests: how many list and watch requests were served, per resource kind. */
  readonly served: ServedCounters & Required<Pick<ServedCounters, 'log'>> = {
    list: zeroPerKind(),
    watch: zeroPerKind(),
    log: { read: 0, follow: 0, previous: 0 },
  };
  /** Every request and the response bytes written for it (benchmarks and tests read and reset it). */
  readonly usage = new ApiUsageMeter();
  private readonly streams = new OpenStreams();
  private logHold: Promise<void> | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  private server?: Server;
  private certs?: ClusterCertificates;
  private port?: number;
  private stopping?: Promise<void>;

  constructor(private readonly opts: KubeApiServerOptions) {}

  async start(): Promise<void> {
    if (this.server) throw new Error('KubeApiServer.start() was already called');
    const certs = await generateClusterCertificates();
    this.certs = certs;
    // A client certificate is asked for, not required: bearer tokens work without one, as on a real cluster.
    const server = createServer(
      { cert: certs.certPem, key: certs.keyPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => this.handle(req, res),
    );
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('KubeApiServer: no TCP address after listen');
    this.port = address.port;
  }

  /** `https://127.0.0.1:PORT`. */
  get url(): string {
    return `https://${this.hostPort()}`;
  }

  get caPem(): string {
    if (!this.certs) throw new Error('KubeApiServer: call start() before reading caPem');
    return this.certs.caPem;
  }

  /** Ends every open watch stream cleanly, as a real apiserver does when a watch times out. Returns how many. */
  closeWatches(): number {
    return this.streams.closeAll('watch');
  }

  /** Compacts the store and sends `ERROR` 410 Expired on every open watch, then closes them: clients must re-list. */
  expireWatches(): number {
    this.opts.store.compact();
    const watches = this.streams.of('watch');
    for (const watch of watches) {
      if (watch instanceof WatchStream) watch.expire();
      else watch.close();
    }
    return watches.length;
  }

  /**
   * Holds every pod log request (as a slow kubelet would) until the returned function is called, so
   * tests can make a log follow connect late. Requests whose client left meanwhile are dropped.
   */
  holdLogRequests(): () => void {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    this.logHold = hold;
    return () => {
      if (this.logHold === hold) this.logHold = null;
      release();
    };
  }

  /** Number of watch streams currently open (tests use it to wait until a client is watching). */
  get openWatches(): number {
    return this.streams.count('watch');
  }

  /** Number of log follows currently open. */
  get openFollows(): number {
    return this.streams.count('follow');
  }

  /** Writes a kubeconfig with the CA inline, the token, a context and its namespace. Returns the path. */
  writeKubeconfig(path: string, opts: { token: string; namespace: string; contextName?: string; userName?: string }): string {
    return writeKubeconfigFile(path, { server: this.url, caPem: this.caPem, ...opts });
  }

  /** Closes the server and destroys every open socket (watches and log follows included). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.streams.closeAll();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    server.closeAllConnections();
    await closed;
  }

  private get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  private hostPort(): string {
    if (this.port === undefined) throw new Error('KubeApiServer: call start() before reading url');
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${host}:${this.port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.usage.track(req, res);
    const hold = this.logHold;
    if (hold && /^[^?]*\/log(?:\?|$)/.test(req.url ?? '')) {
      void hold.then(() => {
        if (!req.socket.destroyed && !res.destroyed) this.serve(req, res);
      });
      return;
    }
    this.serve(req, res);
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.route(req, res);
    } catch (error) {
      if (res.headersSent) {
        // Mid-stream there is no way to send a Status any more; cutting the stream is what's left.
        res.destroy();
        return;
      }
      const apiError = error instanceof ApiError ? error : internalError(error);
      sendJson(res, apiError.code, apiError.status);
    }
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    // Like a real apiserver: authentication comes before anything else, even before "not found".
    const access = this.authenticate(req);
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;

    const isHealth = HEALTH_PATHS.has(path);
    const discovery = isHealth ? undefined : discoveryDocument(path, this.hostPort());
    const resourcePath = isHealth || discovery ? undefined : parseResourcePath(path);
    if (!isHealth && !discovery && !resourcePath) throw pathNotFound();
    if (req.method !== 'GET') throw methodNotAllowed();

    if (isHealth) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, private' });
      res.end('ok');
      return;
    }
    // Discovery is open to every authenticated user, as the real system:discovery role grants.
    if (discovery) {
      sendJson(res, 200, discovery);
      return;
    }
    if (access === 'forbidden' || (access === 'no-logs' && resourcePath!.subresource === 'log'))
      throw this.forbiddenFor(resourcePath!, url.searchParams);
    serveResource(req, res, resourcePath!, url.searchParams, {
      store: this.opts.store,
      logs: this.opts.logs,
      streams: this.streams,
      served: this.served,
      bookmarkIntervalMs: this.opts.bookmarkIntervalMs ?? 1000,
      startedAt: this.startedAt,
      namespaces: this.opts.namespaces ?? ['panda'],
    });
  }

  /** A client certificate for `commonName` signed by this server's CA (start() first). */
  issueClientCertificate(commonName: string): Promise<{ certPem: string; keyPem: string }> {
    if (!this.certs) throw new Error('KubeApiServer: call start() before issuing certificates');
    return issueClientCertificate(this.certs, commonName);
  }

  private authenticate(req: IncomingMessage): TokenAccess {
    // x509 first, as the real authenticator chain: a verified client certificate names the user.
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const commonName = socket.getPeerCertificate().subject?.CN;
      const users = this.opts.certificateUsers ?? {};
      if (typeof commonName === 'string' && Object.hasOwn(users, commonName)) return users[commonName]!;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const token = match?.[1];
    if (token === undefined || !Object.hasOwn(this.opts.tokens, token)) throw unauthorized();
    return this.opts.tokens[token]!;
  }

  private forbiddenFor(path: ResourcePath, query: URLSearchParams): ApiError {
    const watching = path.watchPrefix || WATCH_TRUE.has(query.get('watch') ?? '');
    const verb = watching ? 'watch' : path.name !== undefined ? 'get' : 'list';
    const isNamespaceObject = !path.resource.namespaced && path.resource.plural === 'namespaces';
    return forbidden({
      user: SANDBOX_USER,
      verb,
      plural: path.resource.plural,
      group: path.resource.group,
      subresource: path.subresource,
      // A real server treats a namespace's own name as the namespace of the request.
      namespace: isNamespaceObject ? path.name : path.namespace,
      name: path.name,
    });
  }
}

function zeroPerKind(): Record<ResourceKind, number> {
  return { pods: 0, jobs: 0, events: 0, deployments: 0, statefulsets: 0 };
}
