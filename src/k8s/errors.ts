/**
 * Raised when an input manifest cannot be understood. The message names the
 * object (for example `NetworkPolicy demo/allow-web`) and the offending field
 * path (for example `spec.ingress[0].from[1].ipBlock.cidr`), so a user can fix
 * the source without reading engine code.
 */
export class ManifestError extends Error {
  constructor(
    /** The object at fault, e.g. `NetworkPolicy demo/allow-web`. */
    readonly subject: string,
    /** Dotted field path inside the object, e.g. `spec.ingress[0].ports[0].port`. */
    readonly field: string,
    detail: string,
  ) {
    super(`${subject}: ${field}: ${detail}`);
    this.name = 'ManifestError';
  }
}

/** Where a value sits in a manifest; threaded through compilers so errors can name it. */
export interface FieldContext {
  readonly subject: string;
  readonly field: string;
}

export function fail(ctx: FieldContext, detail: string): never {
  throw new ManifestError(ctx.subject, ctx.field, detail);
}

export function child(ctx: FieldContext, suffix: string): FieldContext {
  return { subject: ctx.subject, field: suffix.startsWith('[') ? `${ctx.field}${suffix}` : `${ctx.field}.${suffix}` };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
