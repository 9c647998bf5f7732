// Server-side printing: `meta.k8s.io` Tables, which kubectl asks for (`Accept: …;as=Table`) and prints
// as-is. The column sets and cell wording follow the real apiserver's printers, so `kubectl get pods`
// against the sandbox reads like it does against a cluster. Rows always carry the wide (priority 1)
// cells too; kubectl hides those unless `-o wide`.
import { columnsFor, rowCellsFor } from './printColumns';
import type { KubeObject } from './store';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: object;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface TableOptions {
  /** What each row's `object` holds; the real server's default is `Metadata` (PartialObjectMetadata). */
  includeObject?: IncludeObject;
  /** `v1` unless the client only accepts `v1beta1`. */
  version?: 'v1' | 'v1beta1';
  /** Ages are computed against this instant (tests pin it). */
  now?: number;
}

/** A Table of `objects` of the resource `plural` (`pods`, `jobs`, `events`, `namespaces`, …). */
export function toTable(plural: string, objects: readonly KubeObject[], metadata: Table['metadata'], options: TableOptions = {}): Table {
  const now = options.now ?? Date.now();
  const includeObject = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version ?? 'v1'}`,
    metadata,
    columnDefinitions: columnsFor(plural),
    rows: objects.map((object) => {
      const row: TableRow = { cells: rowCellsFor(plural, object, now) };
      const embedded = embeddedObject(object, includeObject);
      if (embedded) row.object = embedded;
      return row;
    }),
  };
}

/** `includeObject` from the query; absent or unrecognised means the real server's default, Metadata. */
export function parseIncludeObject(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function embeddedObject(object: KubeObject, includeObject: IncludeObject): object | undefined {
  switch (includeObject) {
    case 'None':
      return undefined;
    case 'Object':
      return object;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
  }
}
