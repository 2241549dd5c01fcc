import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

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
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    collect(doc.toJS(), out);
  }
  return out;
}

/** Every object of the given files, and of the `*.yaml`, `*.yml` and `*.json` files below given directories (sorted). */
export function readObjects(paths: readonly string[]): KubeObject[] {
  return inputFiles(paths).flatMap((file) => parseObjects(fs.readFileSync(file, 'utf8'), file));
}

/** The files `paths` stand for: files as given, directories expanded recursively in sorted order. */
export function inputFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(child);
    }
  };
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new Error(`${p} does not exist`);
    if (fs.statSync(p).isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
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
