import { isRecord } from './errors';
import { fieldLine } from './manifests-yaml';
import { Labels } from './names';
import { PROTOCOLS, Protocol } from './protocol';

/** Where an object or problem comes from: a file (or `manifests[<i>]` for in-memory objects) and a 1-based line. */
export interface SourceRef {
  readonly file: string;
  readonly line?: number;
}

/** Something the reader could not read; the object it belongs to was skipped. */
export interface ManifestProblem {
  readonly file: string;
  readonly line?: number;
  /** Names the object and the field, the bad value and the fix, e.g. `NetworkPolicy demo/web: spec: must be an object, got "x"; …`. */
  readonly message: string;
  /**
   * The skipped input may have held a policy or namespace labels, or its kind is unknown: an
   * analysis of the rest can allow or deny wrongly, so callers must not answer as if complete.
   */
  readonly affectsPolicies: boolean;
}

/** `file:line: message`, as the CLI prints a problem. */
export function formatProblem(problem: ManifestProblem): string {
  return `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ''}: ${problem.message}`;
}

/** `Kind namespace/name`, `Kind name` for cluster-scoped objects. */
export function subjectOf(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind} ${namespace !== undefined ? `${namespace}/` : ''}${name ?? '(without metadata.name)'}`;
}

/**
 * Collects the problems of one object, each naming the object, the field, the bad value and the
 * fix, at the line of the field. Readers return `undefined` for a bad value after reporting it.
 */
export class ObjectCheck {
  readonly problems: ManifestProblem[] = [];

  constructor(
    /** e.g. `Deployment shop/web`. */
    readonly subject: string,
    private readonly root: unknown,
    private readonly source: SourceRef,
    private readonly affectsPolicies: boolean,
  ) {}

  get ok(): boolean {
    return this.problems.length === 0;
  }

  fail(field: string, detail: string): undefined {
    const line = fieldLine(this.root, field) ?? this.source.line;
    this.problems.push({
      file: this.source.file,
      ...(line !== undefined ? { line } : {}),
      message: `${this.subject}: ${field}: ${detail}`,
      affectsPolicies: this.affectsPolicies,
    });
    return undefined;
  }

  /** An optional object; `null` counts as absent, as in the API. */
  record(value: unknown, field: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    return isRecord(value) ? value : this.fail(field, `must be an object, got ${show(value)}`);
  }

  list(value: unknown, field: string): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    return Array.isArray(value) ? value : this.fail(field, `must be a list, got ${show(value)}; write it as a YAML list ("- item")`);
  }

  string(value: unknown, field: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : this.fail(field, `must be a string, got ${show(value)}; quote it`);
  }

  boolean(value: unknown, field: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    return typeof value === 'boolean' ? value : this.fail(field, `must be true or false, got ${show(value)}`);
  }

  /** A map of strings (labels, a Service selector); YAML 1.1 reads `yes`, `on`, `y` and numbers as non-strings. */
  stringMap(value: unknown, field: string): Labels | undefined {
    const map = this.record(value, field);
    if (!map) return undefined;
    let ok = true;
    for (const [k, v] of Object.entries(map)) {
      if (typeof v === 'string') continue;
      const fix = v === null || typeof v === 'object' ? 'write the value as a string' : `quote it, e.g. "${String(v)}"`;
      ok = this.fail(`${field}.${k}`, `must be a string, got ${show(v)}; ${fix}`) ?? false;
    }
    return ok ? (map as Labels) : undefined;
  }

  /** A port number 1-65535. */
  portNumber(value: unknown, field: string): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
    return this.fail(field, `must be a port number between 1 and 65535, got ${show(value)}`);
  }

  /** `TCP` (the default), `UDP` or `SCTP`. */
  protocol(value: unknown, field: string): Protocol | undefined {
    if (value === undefined || value === null) return 'TCP';
    if (PROTOCOLS.includes(value as Protocol)) return value as Protocol;
    return this.fail(field, `must be one of ${PROTOCOLS.join(', ')}, got ${show(value)}`);
  }
}

/** A value as it appears in a problem message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
