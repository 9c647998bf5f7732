// deploy/ and the Dockerfile as a cluster, Prometheus and an image build would take them: kustomize
// builds the manifests, kubectl's client-side dry run maps every object, the built-in kinds conform to
// the Kubernetes API types, the Prometheus Operator's kinds carry what it requires, the alert rules
// pass promtool's check and unit tests, the Role allows exactly what the engine reads from the sandbox,
// and the image's one file runs a probe. No image is built here (no Docker engine): the Dockerfile is
// linted and its build stage replayed on the files it copies.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import yaml from 'js-yaml';
import { parseCommandLine, USAGE } from '../../src/cli/args';
import { defaultLogOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';
import { STAGE_BUCKETS_SECONDS } from '../../src/serve/serveMetrics';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import type { ApiRequestUsage } from '../../src/sandbox/kube/apiUsage';
import { DiscoveryStub } from '../helpers/discoveryStub';
import { requireKubectl } from '../helpers/kubectl';
import { prometheusSkip, prometheusUnavailable } from '../helpers/prometheus';
import { isCheckableKind, schemaErrors } from '../helpers/kubeSchema';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';
import { makeTempDir } from '../helpers/tmp';
import { withDeadline } from '../helpers/waitFor';

const ROOT = resolve(__dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const RULES_FILE = join(DEPLOY, 'prometheus/consumer-probe-rules.yaml');
const RULES_TESTS = join(DEPLOY, 'prometheus/consumer-probe-rules.test.yaml');
const DOCKERFILE = join(ROOT, 'Dockerfile');
const DOCKERIGNORE = join(ROOT, '.dockerignore');
const PROMTOOL = 'promtool';
const READ_ONLY_VERBS = new Set(['get', 'list', 'watch']);

/** A manifest object: untyped YAML, read field by field. */
type Obj = Record<string, any>;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end without blocking the event loop (a test may serve what it talks to). */
async function run(program: string, args: string[], { env = {}, cwd = ROOT, timeoutMs = 60_000 } = {}): Promise<Ran> {
  const child = spawn(program, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<Ran>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
  try {
    return await withDeadline(exited, { timeoutMs, what: `${program} ${args.join(' ')} to exit` });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function requirePromtool(): void {
  const missing = prometheusUnavailable();
  if (missing) throw new Error(missing);
}

function loadYaml(file: string): Obj {
  return yaml.load(readFileSync(file, 'utf8')) as Obj;
}

function only(objects: Obj[], kind: string): Obj {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `one ${kind} in deploy/, found ${found.length}`);
  return found[0]!;
}

/** The Deployment's args with the namespace the kubelet substitutes for $(POD_NAMESPACE). */
function serveArgv(deployment: Obj, namespace: string): string[] {
  return (deployment.spec.template.spec.containers[0].args as string[]).map((a) => a.replace('$(POD_NAMESPACE)', namespace));
}

describe('deploy/: the manifests', () => {
  let objects: Obj[] = [];

  before(async () => {
    requireKubectl();
    const built = await run('kubectl', ['kustomize', DEPLOY]);
    assert.equal(built.code, 0, `kubectl kustomize deploy/ failed: ${built.stderr}`);
    objects = yaml.loadAll(built.stdout) as Obj[];
  });

  test('kubectl kustomize builds one of each object, all in the namespace panda', () => {
    assert.deepEqual(objects.map((o) => `${o.apiVersion}/${o.kind}`).sort(), [
      'apps/v1/Deployment',
      'monitoring.coreos.com/v1/PrometheusRule',
      'monitoring.coreos.com/v1/ServiceMonitor',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/Service',
      'v1/ServiceAccount',
    ]);
    for (const o of objects) assert.equal(o.metadata.namespace, 'panda', `${o.kind} ${o.metadata.name}`);
    assert.equal(
      only(objects, 'RoleBinding').subjects[0].namespace,
      'panda',
      'kustomize puts the ServiceAccount subject in the namespace too',
    );
  });

  test('the built-in objects conform to the Kubernetes API types, and a misspelt field would not', () => {
    for (const o of objects.filter((o) => isCheckableKind(o.apiVersion, o.kind))) {
      assert.deepEqual(schemaErrors(o), [], `${o.kind} ${o.metadata.name}`);
    }
    const typo = structuredClone(only(objects, 'Deployment'));
    const container = typo.spec.template.spec.containers[0];
    container.securityContext.readOnlyRootFileSystem = container.securityContext.readOnlyRootFilesystem;
    delete container.securityContext.readOnlyRootFilesystem;
    container.resources.limits.memory = 268435456.5;
    typo.spec.replicas = '1';
    assert.deepEqual(schemaErrors(typo), [
      'Deployment.spec.replicas: expected a number (int32), got "1"',
      'Deployment.spec.template.spec.containers[0].resources.limits.memory: expected a string, got 268435456.5',
      'Deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: no such field in V1SecurityContext',
    ]);
  });

  test('kubectl apply -k --dry-run=client maps every object to its resource in the namespace and writes nothing', async (t) => {
    const stub = new DiscoveryStub();
    const url = await stub.start();
    t.after(() => stub.stop());
    const home = makeTempDir(t, 'kubectl-home-');
    const kubeconfig = stub.writeKubeconfig(join(home, 'kubeconfig'), url, 'default');
    // --validate=false: validation needs the server's OpenAPI documents, which the stub does not have
    // (the API types are checked by the test above).
    const applied = await run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-k', DEPLOY, '--dry-run=client', '--validate=false'], {
      env: { HOME: home },
    });
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(applied.stdout.trim().split('\n').sort(), [
      'deployment.apps/consumer-probe created (dry run)',
      'prometheusrule.monitoring.coreos.com/consumer-probe created (dry run)',
      'role.rbac.authorization.k8s.io/consumer-probe-reader created (dry run)',
      'rolebinding.rbac.authorization.k8s.io/consumer-probe-reader created (dry run)',
      'service/consumer-probe created (dry run)',
      'serviceaccount/consumer-probe created (dry run)',
      'servicemonitor.monitoring.coreos.com/consumer-probe created (dry run)',
    ]);
    const looked = stub.requests.filter((r) => r.path.includes('/namespaces/panda/')).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(looked.sort(), [
      'GET /api/v1/namespaces/panda/serviceaccounts/consumer-probe',
      'GET /api/v1/namespaces/panda/services/consumer-probe',
      'GET /apis/apps/v1/namespaces/panda/deployments/consumer-probe',
      'GET /apis/monitoring.coreos.com/v1/namespaces/panda/prometheusrules/consumer-probe',
      'GET /apis/monitoring.coreos.com/v1/namespaces/panda/servicemonitors/consumer-probe',
      'GET /apis/rbac.authorization.k8s.io/v1/namespaces/panda/rolebindings/consumer-probe-reader',
      'GET /apis/rbac.authorization.k8s.io/v1/namespaces/panda/roles/consumer-probe-reader',
    ]);
    assert.deepEqual(
      stub.requests.filter((r) => r.method !== 'GET'),
      [],
      'a client-side dry run sends no write',
    );
  });

  test('the ServiceMonitor and the PrometheusRule carry what the Prometheus Operator requires', () => {
    const monitor = only(objects, 'ServiceMonitor');
    assert.ok(monitor.spec.selector && typeof monitor.spec.selector === 'object', 'ServiceMonitor spec.selector is required');
    assert.ok(Array.isArray(monitor.spec.endpoints) && monitor.spec.endpoints.length > 0);
    for (const endpoint of monitor.spec.endpoints) {
      assert.equal(typeof endpoint.port, 'string', 'each endpoint names the Service port');
      for (const d of [endpoint.interval, endpoint.scrapeTimeout]) assert.match(d, /^(\d+(ms|s|m|h))+$/);
    }
    const rule = only(objects, 'PrometheusRule');
    const names = rule.spec.groups.map((g: Obj) => g.name);
    assert.equal(new Set(names).size, names.length, 'group names are unique');
    for (const group of rule.spec.groups) {
      assert.ok(typeof group.name === 'string' && group.name !== '');
      for (const r of group.rules) {
        assert.equal(typeof r.expr, 'string');
        assert.ok(typeof r.alert === 'string' && r.record === undefined, 'every rule is an alert');
        if (r.for !== undefined) assert.match(r.for, /^(\d+(ms|s|m|h|d|w|y))+$/);
        assert.ok(['critical', 'warning'].includes(r.labels.severity), `${r.alert}: severity`);
        assert.deepEqual(Object.keys(r.annotations).sort(), ['description', 'runbook_url', 'summary'], r.alert);
        const anchor = /^README\.md#([a-z]+)$/.exec(r.annotations.runbook_url)?.[1];
        assert.equal(anchor, r.alert.toLowerCase(), `${r.alert}: the runbook is the README's section named after it`);
      }
    }
  });

  test('the Deployment runs serve as a non-root user on a read-only root filesystem, without privileges or capabilities', () => {
    const pod = only(objects, 'Deployment').spec.template.spec;
    assert.equal(pod.containers.length, 1);
    const [container] = pod.containers;
    assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(Number.isInteger(pod.securityContext.runAsUser) && pod.securityContext.runAsUser > 0, 'a numeric non-root uid');
    assert.equal(pod.automountServiceAccountToken, true, 'serve reads the cluster with its service account');
    const sc = container.securityContext;
    assert.equal(sc.allowPrivilegeEscalation, false);
    assert.equal(sc.readOnlyRootFilesystem, true);
    assert.equal(sc.runAsNonRoot, true);
    assert.notEqual(sc.privileged, true);
    assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
    assert.deepEqual(
      container.volumeMounts.map((m: Obj) => m.mountPath),
      ['/tmp'],
      'the only writable place is /tmp',
    );
    const tmp = pod.volumes.find((v: Obj) => v.name === container.volumeMounts[0].name);
    assert.ok(tmp?.emptyDir, '/tmp is an emptyDir');
    for (const k of ['cpu', 'memory']) {
      assert.ok(container.resources.requests[k], `requests.${k}`);
      assert.ok(container.resources.limits[k], `limits.${k}`);
    }
    for (const p of [container.livenessProbe, container.readinessProbe]) assert.deepEqual(p.httpGet, { path: '/healthz', port: 'metrics' });
    assert.equal(only(objects, 'ServiceAccount').automountServiceAccountToken, true);
    assert.equal(only(objects, 'Deployment').spec.replicas, 1, 'one prober');
  });

  test('secrets reach the probe from the Secret through the environment, under the names the CLI reads, never through args', () => {
    const container = only(objects, 'Deployment').spec.template.spec.containers[0];
    const fromSecret = container.env.filter((e: Obj) => e.valueFrom?.secretKeyRef);
    assert.deepEqual(fromSecret.map((e: Obj) => e.name).sort(), [
      'CONSUMER_PROBE_RABBITMQ_PASSWORD',
      'CONSUMER_PROBE_RABBITMQ_USER',
      'CONSUMER_PROBE_TOKEN',
    ]);
    for (const e of fromSecret) {
      assert.ok(USAGE.includes(e.name), `the CLI's usage names ${e.name}`);
      assert.equal(e.valueFrom.secretKeyRef.name, 'consumer-probe-credentials');
      assert.equal(e.valueFrom.secretKeyRef.optional, true, 'a backend without a token needs no Secret');
    }
    assert.ok(
      container.env.every((e: Obj) => e.value === undefined),
      'no literal values in env',
    );
    for (const arg of container.args as string[]) {
      assert.doesNotMatch(arg, /token|password|secret/i, arg);
      const value = arg.split('=').slice(1).join('=');
      if (/^[a-z]+:\/\//.test(value)) assert.equal(new URL(value).username, '', `${arg}: no credentials in a URL`);
    }
  });

  test("the Deployment's args are a serve command line the CLI accepts, and the alert rules follow its --every and --slow", () => {
    const deployment = only(objects, 'Deployment');
    const cli = parseCommandLine(serveArgv(deployment, 'panda'));
    assert.equal(cli.command, 'serve');
    if (cli.command !== 'serve') return;
    assert.equal(cli.namespace, 'panda');
    assert.equal(cli.port, 9464);
    const rules = loadYaml(RULES_FILE).groups.flatMap((g: Obj) => g.rules) as Obj[];
    const expr = (alert: string) => rules.find((r) => r.alert === alert)!.expr as string;
    assert.match(expr('ConsumerProbeConsumerReadySlow'), new RegExp(`\\) > ${cli.slowS}\\s*$`), 'the slow threshold is --slow');
    assert.match(expr('ConsumerProbeFailing'), new RegExp(`>= ${2.5 * cli.everyS}\\b`), 'three runs in a row: 2.5 × --every');
    assert.ok(cli.timeoutS !== undefined && cli.timeoutS < cli.everyS / 6, 'runs are short next to their interval');
  });

  test('the Service, the probes and the ServiceMonitor meet on the port named metrics, and select the probe', () => {
    const deployment = only(objects, 'Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    const container = deployment.spec.template.spec.containers[0];
    const service = only(objects, 'Service');
    const monitor = only(objects, 'ServiceMonitor');
    const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    assert.ok(matches(deployment.spec.selector.matchLabels, podLabels));
    assert.ok(matches(service.spec.selector, podLabels), 'the Service selects the probe pod');
    assert.ok(matches(monitor.spec.selector.matchLabels, service.metadata.labels), 'the ServiceMonitor selects the Service');
    assert.deepEqual(container.ports, [{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    assert.deepEqual(service.spec.ports, [{ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' }]);
    assert.deepEqual(
      monitor.spec.endpoints.map((e: Obj) => [e.port, e.path]),
      [['metrics', '/metrics']],
    );
  });

  test("the Role is read-only and bound to the Deployment's ServiceAccount", () => {
    const role = only(objects, 'Role');
    for (const rule of role.rules) {
      for (const verb of rule.verbs) assert.ok(READ_ONLY_VERBS.has(verb), `${rule.resources}: ${verb} is not read-only`);
      for (const r of rule.resources) assert.notEqual(r, '*');
      for (const g of rule.apiGroups) assert.notEqual(g, '*');
    }
    const binding = only(objects, 'RoleBinding');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: only(objects, 'ServiceAccount').metadata.name, namespace: 'panda' },
    ]);
    assert.equal(only(objects, 'Deployment').spec.template.spec.serviceAccountName, only(objects, 'ServiceAccount').metadata.name);
  });

  test("the Role allows every request the engine makes against the sandbox, each of its permissions is used, and the README's Role has them all", async (t) => {
    const role = only(objects, 'Role');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const documented = yaml
      .loadAll(/### Read-only RBAC the probe needs[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!)
      .find((o) => (o as Obj).kind === 'Role') as Obj;
    const documentedPermissions = new Set(permissions(documented));
    for (const p of permissions(role)) assert.ok(documentedPermissions.has(p), `the README's Role grants ${p} too`);

    const requests: ApiRequestUsage[] = [];
    const probe = async (profile: string, backendPods?: string) => {
      const sandbox = await Sandbox.start();
      t.after(() => sandbox.stop());
      const options = probeOptionsForProfile(sandbox, profileByName(profile)!);
      if (backendPods) options.logs = { ...defaultLogOptions(), backend: { enabled: true, podNamePrefix: backendPods } };
      sandbox.resetUsage();
      const report = await startProbe(options).report;
      assert.equal(report.scenario.id, profileByName(profile)!.expectedScenario);
      requests.push(...sandbox.apiUsage().log);
    };
    await probe('healthy'); // the backend's pods through its Deployment
    await probe('healthy', 'rabbitmq-panda'); // a name only a StatefulSet has: Deployment 404, then the StatefulSet
    await probe('pod_failed_oom'); // a restarted container: previous logs
    await probe('pod_pending_scale_up'); // a pod waiting for a GPU: who holds them

    const used = new Set<string>();
    const outside: string[] = [];
    for (const request of requests) {
      const access = rbacAccess(request);
      if (!access) continue; // discovery: every authenticated client may read it
      const rule = role.rules.find(
        (r: Obj) => r.apiGroups.includes(access.group) && r.resources.includes(access.resource) && r.verbs.includes(access.verb),
      );
      if (rule) used.add(`${access.group}/${access.resource}/${access.verb}`);
      else outside.push(`${access.verb} ${access.group || 'core'}/${access.resource} (${request.method} ${request.path})`);
    }
    // The README's one optional cluster-scoped read: telling a missing namespace from an empty one.
    assert.deepEqual(
      [...new Set(outside)],
      ['get core/namespaces (GET /api/v1/namespaces/panda)'],
      'every other request is allowed by the Role',
    );
    assert.deepEqual(
      permissions(role).filter((p) => !used.has(p)),
      [],
      'each permission is used by the engine',
    );
  });
});

/** Every `group/resource/verb` a Role grants. */
function permissions(role: Obj): string[] {
  return role.rules.flatMap((r: Obj) =>
    r.apiGroups.flatMap((g: string) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g}/${res}/${v}`))),
  );
}

/** What RBAC checks for one API request: its group, resource (with subresource) and verb; null for discovery. */
function rbacAccess(request: ApiRequestUsage): { group: string; resource: string; verb: string } | null {
  const segments = request.path.split('/').filter(Boolean);
  const core = segments[0] === 'api';
  const rest = segments.slice(core ? 2 : 3);
  if (rest.length === 0) return null;
  const group = core ? '' : segments[1]!;
  let resource: string;
  let name: string | undefined;
  let sub: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) [, , resource, name, sub] = rest as [string, string, string, string?, string?];
  else [resource, name, sub] = rest as [string, string?, string?];
  const query = new URLSearchParams(request.query);
  const verb = name ? 'get' : query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
  return { group, resource: sub ? `${resource}/${sub}` : resource, verb };
}

describe('deploy/prometheus: the alert rules', { skip: prometheusSkip() }, () => {
  before(requirePromtool);

  test("promtool check rules accepts the rules file and the PrometheusRule's groups", async (t) => {
    const rules = await run(PROMTOOL, ['check', 'rules', RULES_FILE]);
    assert.equal(rules.code, 0, rules.stdout + rules.stderr);
    assert.match(rules.stdout, /SUCCESS: 4 rules found/);
    const dir = makeTempDir(t, 'prometheusrule-');
    const spec = loadYaml(join(DEPLOY, 'prometheusrule.yaml')).spec;
    writeFileSync(join(dir, 'operator-rules.yaml'), yaml.dump({ groups: spec.groups }));
    const operator = await run(PROMTOOL, ['check', 'rules', join(dir, 'operator-rules.yaml')]);
    assert.equal(operator.code, 0, operator.stdout + operator.stderr);
  });

  test("the PrometheusRule carries exactly the rules file's groups", () => {
    const operator = loadYaml(join(DEPLOY, 'prometheusrule.yaml'));
    assert.deepEqual(
      operator.spec.groups,
      loadYaml(RULES_FILE).groups,
      'deploy/prometheusrule.yaml and deploy/prometheus/consumer-probe-rules.yaml differ: regenerate the first (README, "Deploy it in a cluster")',
    );
  });

  test('promtool test rules: every alert fires on its failing series and stays quiet on the healthy ones', async () => {
    const tested = await run(PROMTOOL, ['test', 'rules', RULES_TESTS]);
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, /SUCCESS/);
    const tests = loadYaml(RULES_TESTS).tests as Obj[];
    const rules = loadYaml(RULES_FILE).groups.flatMap((g: Obj) => g.rules) as Obj[];
    for (const { alert } of rules) {
      const checks = tests.flatMap((t) => (t.alert_rule_test ?? []).filter((c: Obj) => c.alertname === alert));
      assert.ok(
        checks.some((c) => c.exp_alerts?.length > 0),
        `${alert}: a test where it fires`,
      );
      assert.ok(
        checks.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert}: a test where it does not`,
      );
    }
  });

  test('promtool test rules fails when an alert is changed (the slow alert waits 20 minutes instead of 30)', async (t) => {
    const dir = makeTempDir(t, 'broken-rules-');
    const rules = readFileSync(RULES_FILE, 'utf8');
    assert.equal(rules.split('for: 30m').length, 2, 'one alert waits 30 minutes');
    writeFileSync(join(dir, 'consumer-probe-rules.yaml'), rules.replace('for: 30m', 'for: 20m'));
    copyFileSync(RULES_TESTS, join(dir, 'consumer-probe-rules.test.yaml'));
    const tested = await run(PROMTOOL, ['test', 'rules', join(dir, 'consumer-probe-rules.test.yaml')]);
    assert.equal(tested.code, 1, tested.stdout + tested.stderr);
    assert.match(tested.stdout + tested.stderr, /FAILED[\s\S]*alertname: ConsumerProbeConsumerReadySlow, time: 30m/);
  });

  test("the rule tests use serve's histogram buckets, the slow threshold among them", () => {
    const les = new Set<string>();
    for (const t of loadYaml(RULES_TESTS).tests as Obj[]) {
      for (const s of t.input_series) {
        const le = /consumer_probe_stage_seconds_bucket\{.*le="([^"]+)"/.exec(s.series)?.[1];
        if (le) les.add(le);
      }
    }
    const served = new Set([...STAGE_BUCKETS_SECONDS.map(String), '+Inf']);
    assert.ok(les.size >= 3);
    for (const le of les) assert.ok(served.has(le), `le="${le}" is one of serve's buckets`);
    assert.ok(served.has('20') && les.has('20'), 'the slow threshold is a bucket boundary');
  });
});

/** The part of dockerfile-utils' API used here (its validate() and severities). */
interface DockerfileUtils {
  validate(content: string, settings?: Record<string, number>): { message: string; range: { start: { line: number } } }[];
  ValidationSeverity: { ERROR: number };
}

/** One Dockerfile instruction: its keyword and the rest of its (continued) line. */
interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The stages of a Dockerfile: each FROM and the instructions after it. */
function stages(all: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const i of all) {
    if (i.keyword === 'FROM') result.push([i]);
    else result[result.length - 1]?.push(i);
  }
  return result;
}

/** Whether .dockerignore (only `*` and `!name` lines, as ours has) lets a top-level `name` into the context. */
function inContext(ignore: string, name: string): boolean {
  let included = true;
  for (const line of ignore.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    assert.ok(line === '*' || /^![\w.-]+$/.test(line), `.dockerignore line "${line}" is beyond this check's matcher`);
    if (line === '*') included = false;
    else if (line.slice(1) === name) included = true;
  }
  return included;
}

describe('the Dockerfile (not built here: no Docker engine)', () => {
  test('dockerfile-utils (the validator of VS Code’s Docker extension) finds nothing in it, and flags a broken one', () => {
    let lint: DockerfileUtils;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      lint = require('dockerfile-utils');
    } catch {
      throw new Error('dockerfile-utils is not installed: it is a devDependency (npm ci)');
    }
    const strict = Object.fromEntries(
      [
        'deprecatedMaintainer',
        'directiveCasing',
        'emptyContinuationLine',
        'instructionCasing',
        'instructionCmdMultiple',
        'instructionEntrypointMultiple',
        'instructionHealthcheckMultiple',
        'instructionJSONInSingleQuotes',
        'instructionWorkdirRelative',
      ].map((k) => [k, lint.ValidationSeverity.ERROR]),
    );
    const text = readFileSync(DOCKERFILE, 'utf8');
    const found = (t: string) => lint.validate(t, strict).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    assert.deepEqual(found(text), []);
    const broken = text.replace('COPY --from=build', 'COPY --frm=build').replace('WORKDIR /app', 'WORKDIR app');
    assert.deepEqual(
      found(broken).map((d) => d.replace(/^line \d+: /, '')),
      ['WORKDIR paths should be absolute', 'Unknown flag: frm'],
    );
  });

  test('multi-stage on a pinned Node 20 slim image; the image holds dist/cli.js only, runs as the Deployment’s user and serves on 9464', async () => {
    const all = instructions(readFileSync(DOCKERFILE, 'utf8'));
    const image = /^NODE_IMAGE=(\S+)$/.exec(all.find((i) => i.keyword === 'ARG')!.args)?.[1];
    assert.match(image ?? '', /^node:20\.\d+\.\d+-(bookworm-)?slim$/, 'node:20 slim, pinned to a release');
    const [build, final, ...more] = stages(all);
    assert.equal(more.length, 0);
    assert.equal(build![0]!.args, '${NODE_IMAGE} AS build');
    assert.equal(final![0]!.args, '${NODE_IMAGE}');
    const runs = build!.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    assert.ok(runs.some((r) => /^npm ci\b/.test(r)));
    assert.ok(runs.includes('npm run build'));
    const finalCopies = final!.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map((i) => i.args);
    assert.deepEqual(finalCopies, ['--from=build /src/dist/cli.js /app/cli.js']);
    const field = (k: string) => final!.filter((i) => i.keyword === k).map((i) => i.args);
    assert.deepEqual(field('ENTRYPOINT'), ['["node", "/app/cli.js"]']);
    assert.deepEqual(field('CMD'), ['["serve"]']);
    assert.deepEqual(field('EXPOSE'), ['9464']);
    const [user] = field('USER');
    const deployment = (yaml.loadAll(readFileSync(join(DEPLOY, 'deployment.yaml'), 'utf8')) as Obj[])[0]!;
    const pod = deployment.spec.template.spec.securityContext;
    assert.equal(user, `${pod.runAsUser}:${pod.runAsGroup}`, 'numeric, and the uid the Deployment runs as');
    for (const i of all.filter((i) => ['ENV', 'ARG', 'LABEL'].includes(i.keyword))) {
      assert.doesNotMatch(i.args, /token|password|secret|credential/i, `${i.keyword} ${i.args}: no secrets in the image`);
    }
    const ignore = readFileSync(DOCKERIGNORE, 'utf8');
    for (const name of ['node_modules', 'dist', '.git', 'test', '.npmrc', 'kubeconfig', '.env']) {
      assert.equal(inContext(ignore, name), false, `${name} stays out of the build context`);
    }
  });

  test('its build stage builds dist/cli.js from what it copies, and that one file runs a probe within the memory request', async (t) => {
    const all = instructions(readFileSync(DOCKERFILE, 'utf8'));
    const [build] = stages(all);
    const ignore = readFileSync(DOCKERIGNORE, 'utf8');
    const context = makeTempDir(t, 'docker-build-');
    for (const copy of build!.filter((i) => i.keyword === 'COPY')) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        assert.ok(inContext(ignore, source), `${source} is in the build context`);
        cpSync(join(ROOT, source), join(context, source), { recursive: true });
      }
    }
    // What `npm ci` installs there is installed here already.
    symlinkSync(join(ROOT, 'node_modules'), join(context, 'node_modules'), 'dir');
    const built = await run(process.execPath, ['esbuild.js'], { cwd: context, timeoutMs: 120_000 });
    assert.equal(built.code, 0, built.stderr);

    const image = makeTempDir(t, 'docker-image-');
    copyFileSync(join(context, 'dist/cli.js'), join(image, 'cli.js'));
    const rssFile = join(image, 'maxrss');
    const demo = await run(process.execPath, ['--require', join(__dirname, '../helpers/reportMaxRss.cjs'), join(image, 'cli.js'), 'demo'], {
      cwd: image,
      env: { HOME: image, CONSUMER_PROBE_MAXRSS_FILE: rssFile, NODE_PATH: '' },
      timeoutMs: 60_000,
    });
    assert.equal(demo.code, 0, demo.stdout + demo.stderr);
    assert.match(demo.stdout, /healthy/);
    const peakMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
    const resources = only(yaml.loadAll(readFileSync(join(DEPLOY, 'deployment.yaml'), 'utf8')) as Obj[], 'Deployment').spec.template.spec
      .containers[0].resources;
    const mebibytes = (q: string) => Number(/^(\d+)Mi$/.exec(q)?.[1]);
    // demo runs the sandbox in the same process besides the probe: more than serve needs.
    assert.ok(peakMiB < mebibytes(resources.requests.memory), `peak RSS ${peakMiB.toFixed(0)} MiB within the memory request`);
    assert.ok(mebibytes(resources.requests.memory) < mebibytes(resources.limits.memory));
    t.diagnostic(`demo from the lone cli.js: peak RSS ${peakMiB.toFixed(0)} MiB (request ${resources.requests.memory})`);
  });
});
