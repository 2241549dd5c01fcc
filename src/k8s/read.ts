import * as fs from 'fs';
import { compare } from './compare';
import { inputFiles } from './files';
import { parseManifestText } from './manifests-yaml';

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
 * Parses the documents of one YAML (or JSON) text. `kind: List` and other `*List` documents, which
 * `kubectl get -o yaml` writes, are flattened into their items (items of a `PodList` without kind
 * are Pods). Throws on a syntax error, naming `source`, because a half-read export would import
 * as a silently smaller cluster.
 */
export function parseObjects(text: string, source = 'input'): KubeObject[] {
  const out: KubeObject[] = [];
  for (const value of parseDocuments(text, source)) collect(value, out);
  return out;
}

/**
 * The documents of a multi-document YAML text or JSON stream as plain values, split and indented
 * as kubectl reads them (see `parseManifestText`) but with YAML 1.2 scalars, as before; documents
 * with only comments as `null`. Throws on the first syntax error, as `<source>: <message> at line <n>`.
 */
export function parseDocuments(text: string, source = 'input'): unknown[] {
  const { documents, errors } = parseManifestText(text, { yamlVersion: '1.2' });
  if (errors.length) throw new Error(`${source}: ${errors[0].message} at line ${errors[0].line}`);
  return documents.map((d) => d.value);
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

function collect(value: unknown, out: KubeObject[], inherited?: { kind: string; apiVersion?: unknown }): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const raw = value as KubeObject;
  const obj: KubeObject = inherited && raw.kind === undefined && raw.apiVersion === undefined ? { ...raw, kind: inherited.kind, apiVersion: inherited.apiVersion as string | undefined } : raw;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    const itemKind = obj.kind.slice(0, -'List'.length);
    for (const item of obj.items) collect(item, out, itemKind ? { kind: itemKind, apiVersion: obj.apiVersion } : undefined);
    return;
  }
  out.push(obj);
}
