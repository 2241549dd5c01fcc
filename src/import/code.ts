/**
 * Writing TypeScript source for the generated definition files: values laid out to fit the line,
 * literals, identifiers and comments. Deterministic, so that equal models give equal bytes.
 */

/** Line width of the generated code. */
export const WIDTH = 110;

/** Code that is printed as is: an identifier or a call. */
export class Raw {
  constructor(readonly code: string) {}
}

/** A call whose arguments are laid out like any other value. */
export class Call {
  constructor(readonly callee: string, readonly args: readonly Value[]) {}
}

export type Value = string | number | boolean | undefined | Raw | Call | readonly Value[] | { readonly [key: string]: Value };

/** Words an identifier of the generated code may not be. */
export const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for '
  + 'function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static '
  + 'implements interface package private protected public await arguments eval undefined cluster clusters').split(' '));

/** `key: value,` laid out to fit the line. */
export function prop(key: string, value: Value, indent: number): string {
  const k = `${keyText(key)}: `;
  return `${k}${layout(value, indent, 2 * indent + k.length)},`;
}

/** A value on one line when it fits in {@link WIDTH} from column `column`, else one element per line. */
export function layout(value: Value, indent: number, column: number): string {
  const flat = flatText(value);
  if (column + flat.length + 2 <= WIDTH || !isComposite(value)) return flat;
  const pad = '  '.repeat(indent + 1);
  const close = '  '.repeat(indent);
  if (value instanceof Call) {
    if (value.args.length === 1) return `${value.callee}(${layout(value.args[0], indent, column + value.callee.length + 1)})`;
    return `${value.callee}(\n${value.args.map((a) => `${pad}${layout(a, indent + 1, pad.length)},`).join('\n')}\n${close})`;
  }
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${pad}${layout(v, indent + 1, pad.length)},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, Value>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${pad}${prop(k, v, indent + 1).trimStart()}`).join('\n')}\n${close}}`;
}

function isComposite(value: Value): boolean {
  return value instanceof Call || (typeof value === 'object' && value !== null && !(value instanceof Raw));
}

function flatText(value: Value): string {
  if (value instanceof Raw) return value.code;
  if (value instanceof Call) return `${value.callee}(${value.args.map(flatText).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(flatText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${keyText(k)}: ${flatText(v)}`).join(', ')} }` : '{}';
  }
  return lit(value as string | number | boolean);
}

export function lit(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value);
}

function keyText(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : lit(key);
}

/** `demo-project-2` → `demoProject2`; names starting with a digit get an `ns` prefix. */
export function camel(name: string): string {
  const id = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return /^[0-9]/.test(id) || id === '' ? `ns${id.charAt(0).toUpperCase()}${id.slice(1)}` : id;
}

/** Splits text into lines of at most `width` characters at spaces. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) out.push(current);
  return out;
}
