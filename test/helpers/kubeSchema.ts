// A strict structural check of built-in Kubernetes objects against the API types that
// @kubernetes/client-node generates from the Kubernetes OpenAPI spec: every field must be one its type
// has, holding a value of that type (a typo such as `readOnlyRootFileSystem` is an error, as it is for
// `kubectl apply --validate=strict`). Those models do not say which fields are required: the callers
// assert the ones that matter.
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  baseName: string;
  type: string;
  format: string;
}

interface Model {
  getAttributeTypeMap(): Attribute[];
}

/** `apiVersion/kind` of the built-in kinds this checks → the client-node model of it. */
const MODELS: Record<string, string> = {
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/Service': 'V1Service',
  'v1/Secret': 'V1Secret',
  'v1/ConfigMap': 'V1ConfigMap',
  'apps/v1/Deployment': 'V1Deployment',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function model(name: string): Model | undefined {
  const candidate = (k8s as unknown as Record<string, unknown>)[name];
  return typeof candidate === 'function' && 'getAttributeTypeMap' in candidate ? (candidate as unknown as Model) : undefined;
}

/** True when `apiVersion/kind` is a built-in kind this module can check. */
export function isCheckableKind(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in MODELS;
}

/** Every mismatch between `object` and its kind's API type, as `path: what` lines; empty when it conforms. */
export function schemaErrors(object: { apiVersion?: unknown; kind?: unknown }): string[] {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const name = MODELS[key];
  if (!name) return [`${key}: not a kind this check knows`];
  const errors: string[] = [];
  check(object, name, String(object.kind), errors);
  return errors;
}

function check(value: unknown, type: string, path: string, errors: string[], format = ''): void {
  const fail = (what: string): void => {
    errors.push(`${path}: ${what}, got ${JSON.stringify(value)}`);
  };
  if (value === null || value === undefined) return; // absent and null mean "not set"
  const array = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return fail(`expected a list of ${array[1]}`);
    value.forEach((item, i) => check(item, array[1]!, `${path}[${i}]`, errors));
  } else if (map) {
    if (!isPlainObject(value)) return fail(`expected a map of ${map[1]}`);
    for (const [k, v] of Object.entries(value)) check(v, map[1]!, `${path}.${k}`, errors);
  } else if (type === 'string') {
    if (typeof value !== 'string') fail('expected a string');
  } else if (type === 'number') {
    if (typeof value !== 'number' || ((format === 'int32' || format === 'int64') && !Number.isInteger(value))) {
      fail(`expected a number${format ? ` (${format})` : ''}`);
    }
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') fail('expected true or false');
  } else if (type === 'Date') {
    if (typeof value !== 'string' || !RFC3339.test(value)) fail('expected an RFC 3339 time');
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) fail('expected an integer or a string');
  } else if (type === 'any' || type === 'object') {
    // free-form
  } else {
    const m = model(type);
    if (!m) return fail(`unknown API type ${type}`);
    if (!isPlainObject(value)) return fail(`expected an object (${type})`);
    const attributes = new Map(m.getAttributeTypeMap().map((a) => [a.baseName, a]));
    for (const [k, v] of Object.entries(value)) {
      const attribute = attributes.get(k);
      if (!attribute) errors.push(`${path}.${k}: no such field in ${type}`);
      else check(v, attribute.type, `${path}.${k}`, errors, attribute.format);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
