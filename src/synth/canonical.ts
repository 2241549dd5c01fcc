import { Yaml } from 'cdk8s';
import { Manifest } from '../render/model';

/**
 * The manifest exactly as cdk8s's `ApiObject.toJson()` renders it: keys sorted recursively,
 * undefined values dropped, then `apiVersion`, `kind`, `metadata` first. Keeping this identical
 * lets `netiso synth` skip cdk8s's app-wide synthesis and still write the same bytes.
 */
export function canonical(manifest: Manifest): Record<string, unknown> {
  const sorted = sortKeys(manifest) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(sorted)]) {
    if (key in sorted && !(key in out)) out[key] = sorted[key];
  }
  return out;
}

/** One manifest as a YAML document, byte-identical to cdk8s output. */
export function toYaml(manifest: Manifest): string {
  return Yaml.stringify(canonical(manifest));
}

/** File name cdk8s gives a resource in `FOLDER_PER_CHART_FILE_PER_RESOURCE` mode. */
export function manifestFileName(manifest: Manifest): string {
  return `${manifest.kind}.${manifest.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '') + '.k8s.yaml';
}

function sortKeys(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = sortKeys((value as Record<string, unknown>)[key]);
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}
