// How objects are represented in responses: the format negotiated from the Accept header (plain JSON,
// a meta.k8s.io Table, or PartialObjectMetadata), and the list/object/watch-event bodies in that format.
import { notAcceptable } from './apiStatus';
import { groupVersionOf, type ServedResource } from './resourceCatalog';
import type { KubeObject } from './store';
import { toTable, type IncludeObject } from './table';

export type ResponseFormat =
  { kind: 'json' } | { kind: 'table'; version: 'v1' | 'v1beta1'; includeObject: IncludeObject } | { kind: 'metadata' };

export const PLAIN_JSON: ResponseFormat = { kind: 'json' };

/**
 * The first acceptable entry of the Accept header wins, as on a real server. kubectl sends
 * `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`.
 * Throws 406 when nothing offered can be produced (YAML or protobuf only).
 */
export function negotiateFormat(accept: string | undefined, includeObject: IncludeObject): ResponseFormat {
  if (!accept || accept.trim() === '') return PLAIN_JSON;
  for (const entry of accept.split(',')) {
    const [type = '', ...rawParams] = entry.split(';').map((p) => p.trim());
    if (!['application/json', 'application/*', '*/*'].includes(type.toLowerCase())) continue;
    const params = new Map(
      rawParams.map((p) => {
        const eq = p.indexOf('=');
        return [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim()] as const;
      }),
    );
    const as = params.get('as');
    if (as === undefined) return PLAIN_JSON;
    if (params.get('g') !== 'meta.k8s.io') continue;
    const version = params.get('v');
    if (as === 'Table' && (version === 'v1' || version === 'v1beta1')) return { kind: 'table', version, includeObject };
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && version === 'v1') {
      return { kind: 'metadata' };
    }
  }
  throw notAcceptable();
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function listBody(resource: ServedResource, items: KubeObject[], meta: ListMeta, format: ResponseFormat): object {
  switch (format.kind) {
    case 'table':
      return toTable(resource.plural, items, meta, tableOptions(format));
    case 'metadata':
      return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: items.map(partialMetadata) };
    case 'json':
      // Items of a typed list carry no kind/apiVersion on the wire: the list's kind says it.
      return {
        kind: resource.listKind,
        apiVersion: groupVersionOf(resource),
        metadata: meta,
        items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
      };
  }
}

/** A single object (a GET, or the object of a watch event). */
export function objectBody(resource: ServedResource, object: KubeObject, format: ResponseFormat): object {
  switch (format.kind) {
    case 'table':
      return toTable(resource.plural, [object], { resourceVersion: object.metadata.resourceVersion }, tableOptions(format));
    case 'metadata':
      return partialMetadata(object);
    case 'json':
      return { ...object, kind: resource.kind, apiVersion: groupVersionOf(resource) };
  }
}

/** The object of a BOOKMARK event: nothing but the resourceVersion (and annotations when it marks something). */
export function bookmarkBody(
  resource: ServedResource,
  resourceVersion: string,
  format: ResponseFormat,
  annotations?: Record<string, string>,
): object {
  const metadata = { resourceVersion, ...(annotations ? { annotations } : {}) };
  switch (format.kind) {
    case 'table':
      return { kind: 'Table', apiVersion: `meta.k8s.io/${format.version}`, metadata, columnDefinitions: [], rows: [] };
    case 'metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
    case 'json':
      return { kind: resource.kind, apiVersion: groupVersionOf(resource), metadata };
  }
}

function partialMetadata(object: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

function tableOptions(format: Extract<ResponseFormat, { kind: 'table' }>) {
  return { version: format.version, includeObject: format.includeObject };
}
