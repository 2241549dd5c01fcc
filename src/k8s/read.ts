import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { compare } from './compare';
import { inputFiles } from './files';

/** A Kubernetes object as read from an export; only the fields the importer looks at are typed. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

/**
 * Parses the documents of one YAML (or JSON) text. `kind: List` documents, which
 * `kubectl get -o yaml` writes, are flattened into their items. Throws on a syntax error, naming
 * `source`, because a half-read export would import as a silently smaller cluster.
 */
export function parseObjects(text: string, source = 'input'): KubeObject[] {
  const out: KubeObject[] = [];
  for (const value of parseDocuments(text, source)) collect(value, out);
  return out;
}

/**
 * The documents of a multi-document YAML (or JSON) text as plain values, empty documents as
 * `null`. Throws on the first syntax error, as `<source>: <message>`.
 */
export function parseDocuments(text: string, source = 'input'): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    out.push(doc.toJS());
  }
  return out;
}

/** Every object of the given files, and of the `*.yaml`, `*.yml` and `*.json` files below given directories (sorted). */
export function readObjects(paths: readonly string[]): KubeObject[] {
  return inputFiles(paths).flatMap((file) => parseObjects(fs.readFileSync(file, 'utf8'), file));
}

/** `value` as JSON with object keys sorted recursively (code-point order): equal for equal content. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort(compare).map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function collect(value: unknown, out: KubeObject[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const obj = value as KubeObject;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    for (const item of obj.items) collect(item, out);
    return;
  }
  out.push(obj);
}
