// Field selectors (`metadata.name=x,status.phase!=Running`) over the fields each resource really
// supports: an unsupported field is a 400 BadRequest, not a silent non-match, as on a real server.
import { badRequest } from './apiStatus';
import type { KubeObject } from './store';
import type { UntypedJson } from './untypedJson';

export interface FieldSelector {
  matches(object: KubeObject): boolean;
}

type FieldReader = (o: UntypedJson) => unknown;

const META_FIELDS: Record<string, FieldReader> = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace,
};

/** The fields each resource can be selected by, as the real apiserver supports them. */
const SELECTABLE_FIELDS: Record<string, Record<string, FieldReader>> = {
  pods: {
    ...META_FIELDS,
    'spec.nodeName': (o) => o.spec?.nodeName,
    'spec.restartPolicy': (o) => o.spec?.restartPolicy,
    'spec.schedulerName': (o) => o.spec?.schedulerName,
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName,
    'status.phase': (o) => o.status?.phase,
    'status.podIP': (o) => o.status?.podIP,
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName,
  },
  events: {
    ...META_FIELDS,
    'involvedObject.kind': (o) => o.involvedObject?.kind,
    'involvedObject.namespace': (o) => o.involvedObject?.namespace,
    'involvedObject.name': (o) => o.involvedObject?.name,
    'involvedObject.uid': (o) => o.involvedObject?.uid,
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion,
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath,
    reason: (o) => o.reason,
    reportingComponent: (o) => o.reportingComponent,
    source: (o) => o.source?.component,
    type: (o) => o.type,
  },
  jobs: {
    ...META_FIELDS,
    'status.successful': (o) => o.status?.succeeded ?? 0,
  },
  namespaces: {
    ...META_FIELDS,
    'status.phase': (o) => o.status?.phase,
  },
};

interface FieldTerm {
  field: string;
  negate: boolean;
  value: string;
}

/** `metadata.name=x,status.phase!=Running`; `\,`, `\=` and `\\` escape inside values. */
export function parseFieldSelector(text: string | undefined | null, plural: string): FieldSelector {
  if (!text || text.trim() === '') return { matches: () => true };
  const readers = SELECTABLE_FIELDS[plural] ?? META_FIELDS;
  const terms = splitUnescaped(text, ',').map((term) => parseFieldTerm(term, text));
  for (const term of terms) {
    if (!readers[term.field]) throw badRequest(`field label not supported: ${term.field}`);
  }
  return {
    matches: (object) => terms.every((t) => (String(readers[t.field]!(object) ?? '') === t.value) !== t.negate),
  };
}

function parseFieldTerm(term: string, whole: string): FieldTerm {
  for (const op of ['!=', '==', '=']) {
    const at = indexOfUnescaped(term, op);
    if (at < 0) continue;
    return { field: term.slice(0, at).trim(), negate: op === '!=', value: unescape(term.slice(at + op.length)) };
  }
  throw badRequest(`invalid selector: '${whole}'; can't understand '${term}'`);
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function indexOfUnescaped(text: string, needle: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text.startsWith(needle, i)) return i;
  }
  return -1;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
