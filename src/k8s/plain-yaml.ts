import * as jsyaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';

/*
 * Reading whole generated trees (a diff reads two dist/ trees of 65,000 files at 5,000 projects)
 * is dominated by YAML parsing. js-yaml builds plain values without a document model and is
 * about ten times faster than the `yaml` package on these files (measured: 21,000 files, 2.2 s
 * against 0.2 s). Its core schema resolves two scalars differently from YAML 1.2's core schema
 * as the `yaml` package (and the rest of netiso) reads it: `0b101` is a number and `+.5` a
 * string. So the scalars are resolved by the YAML 1.2 core schema's own patterns below, and the
 * two readers agree on every document (a test compares them on the repository's YAML and on
 * every scalar form of the schema).
 */

/** YAML 1.2 core schema, integers: decimal, `0o` octal, `0x` hexadecimal (no binary, no `_`). */
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
/** YAML 1.2 core schema, floats, including the exponent forms and the special values. */
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

const coreInt = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && (INT_DEC.test(s) || INT_OCT.test(s) || INT_HEX.test(s)),
  construct: (s: string) => (INT_OCT.test(s) ? parseInt(s.slice(2), 8) : INT_HEX.test(s) ? parseInt(s.slice(2), 16) : Number(s)),
});

const coreFloat = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && (FLOAT.test(s) || FLOAT_SPECIAL.test(s)),
  construct: (s: string) => {
    if (!FLOAT_SPECIAL.test(s)) return Number(s);
    if (/nan/i.test(s)) return NaN;
    return s.startsWith('-') ? -Infinity : Infinity;
  },
});

const coreNull = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string | null) => s === null || /^(?:~|null|Null|NULL|)$/.test(s),
  construct: () => null,
});

const coreBool = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && /^(?:true|True|TRUE|false|False|FALSE)$/.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});

/** The YAML 1.2 core schema: its null, boolean, integer and float patterns over plain strings. */
const CORE_1_2 = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [coreNull, coreBool, coreInt, coreFloat] });

/**
 * The documents of a YAML 1.2 text as plain values, `null` for an empty document, read fast.
 * For files netiso generated and other plain YAML; manifests written by hand go through the
 * manifest reader, which reads them as kubectl does and reports positions.
 * Text js-yaml does not accept is read by the `yaml` package instead, which has the final word:
 * its value when it accepts the text, its first error otherwise.
 * @throws Error `<source>: <message>` on a syntax error.
 */
export function parsePlainYaml(text: string, source: string): unknown[] {
  try {
    return jsyaml.loadAll(text, undefined, { schema: CORE_1_2, filename: source }).map((v) => v ?? null);
  } catch {
    return parseAllDocuments(text).map((doc) => {
      if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
      return doc.toJS() as unknown;
    });
  }
}
