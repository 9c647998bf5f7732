// Every error the simulated API server returns is a `Status` object, shaped and worded like a real
// apiserver's, because clients (kubectl, client-go, client-node) show `message` and branch on `reason`/`code`.

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown by request handlers; the server turns it into the HTTP response carrying its Status. */
export class ApiError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
    this.name = 'ApiError';
  }

  get code(): number {
    return this.status.code;
  }
}

export function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): KubeStatus {
  // Same key order as the real server's JSON, so captured responses read the same.
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export const badRequest = (message: string) => new ApiError(failureStatus(400, 'BadRequest', message));

export const unauthorized = () => new ApiError(failureStatus(401, 'Unauthorized', 'Unauthorized'));

export const pathNotFound = () => new ApiError(failureStatus(404, 'NotFound', 'the server could not find the requested resource', {}));

export const methodNotAllowed = () =>
  new ApiError(failureStatus(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}));

export const notAcceptable = () =>
  new ApiError(
    failureStatus(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io',
    ),
  );

export const internalError = (cause: unknown) =>
  new ApiError(failureStatus(500, 'InternalError', `Internal error occurred: ${cause instanceof Error ? cause.message : String(cause)}`));

/** `pods "x" not found`, `jobs.batch "x" not found`. */
export function objectNotFound(plural: string, group: string, name: string): ApiError {
  const details: StatusDetails = group ? { name, group, kind: plural } : { name, kind: plural };
  return new ApiError(failureStatus(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, details));
}

export interface ForbiddenRequest {
  user: string;
  verb: string;
  plural: string;
  group: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/**
 * `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"`,
 * with `pods "p" is forbidden` for a named object and `at the cluster scope` without a namespace.
 */
export function forbidden(r: ForbiddenRequest): ApiError {
  const subject = r.name ? `${qualified(r.plural, r.group)} "${r.name}"` : qualified(r.plural, r.group);
  const resource = r.subresource ? `${r.plural}/${r.subresource}` : r.plural;
  const scope = r.namespace ? `in the namespace "${r.namespace}"` : 'at the cluster scope';
  const message =
    `${subject} is forbidden: User "${r.user}" cannot ${r.verb} resource "${resource}" ` + `in API group "${r.group}" ${scope}`;
  const details: StatusDetails = {};
  if (r.name) details.name = r.name;
  if (r.group) details.group = r.group;
  details.kind = r.plural;
  return new ApiError(failureStatus(403, 'Forbidden', message, details));
}

/** The status a watch stream carries in its `ERROR` event when the requested history is gone. */
export function expiredStatus(message: string): KubeStatus {
  return failureStatus(410, 'Expired', message);
}

function qualified(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}
