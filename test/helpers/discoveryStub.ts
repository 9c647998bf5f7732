// An API server that only answers discovery, for `kubectl apply --dry-run=client`: kubectl needs a
// server to turn each manifest's apiVersion and kind into a resource path (and to look up the live
// object, which is missing here). It lists what a Kubernetes 1.30 cluster with the Prometheus Operator
// lists for the kinds deploy/ uses, answers every object GET with 404, and records every request, so
// a test can see what kubectl asked for and that a client-side dry run wrote nothing. It serves no
// OpenAPI document: kubectl's schema validation is not available against it (--validate=false).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';

interface StubResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const namespaced = (name: string, kind: string): StubResource => ({ name, kind, namespaced: true, verbs: RW });

/** groupVersion → its resources ('v1' is the core group). */
const GROUPS: Record<string, StubResource[]> = {
  v1: [namespaced('serviceaccounts', 'ServiceAccount'), namespaced('services', 'Service'), namespaced('secrets', 'Secret')],
  'apps/v1': [namespaced('deployments', 'Deployment')],
  'rbac.authorization.k8s.io/v1': [namespaced('roles', 'Role'), namespaced('rolebindings', 'RoleBinding')],
  'monitoring.coreos.com/v1': [namespaced('servicemonitors', 'ServiceMonitor'), namespaced('prometheusrules', 'PrometheusRule')],
};

export interface StubRequest {
  method: string;
  path: string;
}

export class DiscoveryStub {
  readonly requests: StubRequest[] = [];
  private readonly server: Server = createServer((req, res) => this.answer(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A kubeconfig for kubectl pointing at this stub (plain HTTP, no credentials), written to `file`. */
  writeKubeconfig(file: string, url: string, namespace: string): string {
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'stub', cluster: { server: url } }],
        users: [{ name: 'stub', user: {} }],
        contexts: [{ name: 'stub', context: { cluster: 'stub', user: 'stub', namespace } }],
        'current-context': 'stub',
      }),
    );
    return file;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://stub.invalid').pathname;
    this.requests.push({ method: req.method ?? 'GET', path });
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const document = req.method === 'GET' ? discovery(path) : undefined;
    if (document) return json(200, document);
    json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
  }
}

function discovery(path: string): object | undefined {
  if (path === '/version') return { major: '1', minor: '30', gitVersion: 'v1.30.0', platform: 'linux/amd64' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  const named = Object.keys(GROUPS).filter((gv) => gv.includes('/'));
  if (path === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: named.map((gv) => {
        const [name, version] = gv.split('/') as [string, string];
        return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
      }),
    };
  }
  const groupVersion = path === '/api/v1' ? 'v1' : /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
  const resources = groupVersion ? GROUPS[groupVersion] : undefined;
  if (!resources) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((r) => ({ name: r.name, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: r.verbs })),
  };
}
