import { CST, Document, DocumentOptions, Lexer, LineCounter, Node, ParseOptions, SchemaOptions, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';

/**
 * Reading manifest text the way `kubectl apply -f` does, with the line of every object and field.
 *
 * kubectl (`k8s.io/apimachinery/pkg/util/yaml`) treats a text whose first non-blank character is `{`
 * as a stream of JSON objects. Any other text is split into documents at lines that start with
 * `---` (followed by nothing but blanks or a comment; other text there is an error), and each
 * document is converted to JSON by `sigs.k8s.io/yaml`, that is by go-yaml v2: YAML 1.1 scalars
 * (`yes`/`on` are booleans, `0755` is octal), timestamps kept as strings, and libyaml's tab rule:
 * a tab is white space inside flow collections (`[...]`, `{...}`) and after a token on the same
 * line, but "cannot start any token" at the beginning of a line or right after `- `, `? ` or `: `
 * in block context. go-yaml also ignores the indentation of lines inside flow collections and
 * quoted scalars. This module parses with the `yaml` package and reproduces those differences:
 * lines inside a flow collection or quoted scalar are re-indented with spaces (which changes no
 * value), and tabs that libyaml rejects are reported even where YAML 1.2 allows them.
 */

/** One document of a manifest text: its value (JSON-like data) and the line where it starts. */
export interface TextDocument {
  /** 1-based. */
  readonly line: number;
  /** `null` for an empty document. */
  readonly value: unknown;
}

/** A document that could not be read (a YAML or JSON syntax error), with the 1-based line of the (first) error. */
export interface TextError {
  readonly line: number;
  readonly message: string;
  /** Set when only part of the text was lost, e.g. content after `...` that kubectl ignores. */
  readonly partial?: boolean;
}

export interface ParsedText {
  readonly documents: readonly TextDocument[];
  readonly errors: readonly TextError[];
}

export interface TextOptions {
  /**
   * Scalar rules: `1.1` (default) as kubectl's go-yaml v2 reads them, `1.2` for callers that read
   * `yes`, `on` and `0755` as written (the tab, indentation and document rules stay kubectl's).
   */
  readonly yamlVersion?: '1.1' | '1.2';
}

/** Parses a manifest text (YAML or a JSON stream) as kubectl does; see the module comment. */
export function parseManifestText(text: string, options: TextOptions = {}): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/^\s*\{/.test(body)) return parseJsonStream(body);
  return parseYamlStream(body, options.yamlVersion === '1.2' ? YAML_1_2_OPTIONS : YAML_OPTIONS);
}

/**
 * The 1-based line of `key` inside `container` (an object or array this module produced), or of
 * the container itself when `key` is omitted; undefined for values from elsewhere.
 */
export function lineOf(container: unknown, key?: string | number): number | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  const pos = POSITIONS.get(container);
  if (!pos) return undefined;
  if (key === undefined) return pos.line;
  return (typeof key === 'number' ? pos.items?.[key] : pos.keys?.get(key)) ?? undefined;
}

/**
 * The line of a field path such as `spec.ingress[0].ports[1].port` (or `metadata.labels.app.kubernetes.io/name`:
 * keys may contain dots) inside `root`: the line of the deepest part of the path that exists,
 * else of `root`. Undefined when `root` was not produced by this module.
 */
export function fieldLine(root: unknown, field: string): number | undefined {
  let line = lineOf(root);
  if (line === undefined) return undefined;
  const parts = field.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let current: unknown = root;
  for (let i = 0; i < parts.length && current !== null && typeof current === 'object'; ) {
    const part = parts[i];
    if (part.startsWith('[')) {
      const index = Number(part.slice(1, -1));
      line = lineOf(current, index) ?? line;
      current = Array.isArray(current) ? current[index] : undefined;
      i++;
      continue;
    }
    // Label keys contain dots: take the longest run of parts that names a key.
    let j = parts.length;
    for (; j > i; j--) {
      const key = parts.slice(i, j).join('.');
      if (!parts.slice(i + 1, j).some((p) => p.startsWith('[')) && Object.prototype.hasOwnProperty.call(current, key)) break;
    }
    if (j === i) break;
    const key = parts.slice(i, j).join('.');
    line = lineOf(current, key) ?? line;
    current = (current as Record<string, unknown>)[key];
    i = j;
  }
  return line;
}

/** Gives `copy` (a shallow copy of `original`) the positions of `original`. */
export function copyPositions(original: object, copy: object): void {
  const pos = POSITIONS.get(original);
  if (pos) POSITIONS.set(copy, pos);
}

interface Positions {
  readonly line: number;
  readonly keys?: ReadonlyMap<string, number>;
  readonly items?: readonly number[];
}

const POSITIONS = new WeakMap<object, Positions>();

/** go-yaml v2: YAML 1.1 scalars, but timestamps and sexagesimal numbers stay strings. */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  prettyErrors: false,
  customTags: (tags) => tags.filter((t) => typeof t === 'object' && t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'),
};

const YAML_1_2_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.2', prettyErrors: false };

const JSON_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.2', schema: 'json', prettyErrors: false, uniqueKeys: false };

// ---------------------------------------------------------------------------------------------
// YAML

function parseYamlStream(text: string, yamlOptions: ParseOptions & DocumentOptions & SchemaOptions): ParsedText {
  const documents: TextDocument[] = [];
  const errors: TextError[] = [];
  for (const chunk of splitDocuments(text)) {
    if (chunk.error) {
      errors.push({ line: chunk.line, message: chunk.error });
      continue;
    }
    const parsed = parseYamlChunk(chunk.text, chunk.line, yamlOptions);
    if ('error' in parsed) errors.push(parsed.error);
    else documents.push(parsed.document);
    if ('ignored' in parsed && parsed.ignored) errors.push(parsed.ignored);
  }
  return { documents, errors };
}

interface Chunk {
  readonly text: string;
  /** Line of the chunk's first line. */
  readonly line: number;
  readonly error?: string;
}

/**
 * kubectl's `YAMLReader`: a line starting with `---` ends a document when only blanks or a
 * comment follow; with other text after it the read fails, so the document after it is lost.
 */
function splitDocuments(text: string): Chunk[] {
  const lines = text.split(/(?<=\n)/);
  const chunks: Chunk[] = [];
  let current: string[] = [];
  let startLine = 1;
  let pendingError: string | undefined;
  const flush = (nextLine: number) => {
    const body = current.join('');
    if (pendingError) chunks.push({ text: body, line: startLine, error: pendingError });
    else if (body.trim() !== '') chunks.push({ text: body, line: startLine });
    current = [];
    startLine = nextLine;
    pendingError = undefined;
  };
  lines.forEach((line, i) => {
    if (!line.startsWith('---')) {
      current.push(line);
      return;
    }
    const rest = line.slice(3).trim();
    flush(i + 2);
    if (rest !== '' && !rest.startsWith('#')) {
      startLine = i + 1;
      pendingError = `kubectl rejects text after the document separator ("--- ${rest}"); put "---" on a line of its own and the content on the next line`;
    }
  });
  flush(lines.length + 1);
  return chunks;
}

type ChunkResult = { document: TextDocument; ignored?: TextError } | { error: TextError };

function parseYamlChunk(original: string, firstLine: number, yamlOptions: ParseOptions & DocumentOptions & SchemaOptions): ChunkResult {
  const parse = (text: string) => {
    const lineCounter = new LineCounter();
    const all = parseAllDocuments(text, { ...yamlOptions, lineCounter });
    // An EmptyStream (an array) for a text without documents.
    return { lineCounter, docs: Array.isArray(all) ? all : [] };
  };
  // The rules this module adds concern tabs and lines the yaml package rejects; text without
  // tabs that it reads without error (the usual case) needs no lexer pass.
  let parsed = parse(original);
  let tabErrors: number[] = [];
  if (original.includes('\t') || parsed.docs.some((d) => d.errors.length)) {
    const normalised = normaliseTabs(original);
    tabErrors = normalised.tabErrors;
    if (normalised.text !== original) parsed = parse(normalised.text);
  }
  const { lineCounter, docs } = parsed;
  // An error at the end of the text (an unclosed bracket) belongs to the document's last line.
  const lastLine = firstLine + original.replace(/\n$/, '').split('\n').length - 1;
  const line = (offset: number) => Math.min(lineCounter.linePos(offset).line + firstLine - 1, lastLine);
  const [doc, ...rest] = docs;
  const yamlErrors = (doc?.errors ?? []).map((e) => ({ offset: e.pos[0], message: e.message.replace(/ at line \d+, column \d+:?\s*$/s, '') }));
  const tabs = tabErrors.map((offset) => ({ offset, message: TAB_MESSAGE }));
  const first = [...tabs, ...yamlErrors].sort((a, b) => a.offset - b.offset)[0];
  if (first) return { error: { line: line(first.offset), message: first.message } };
  if (!doc) return { document: { line: firstLine, value: null } };
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  recordPositions(doc.contents, value, doc, line);
  const start = doc.contents?.range?.[0] ?? 0;
  const extra = rest.find((d) => d.contents !== null || d.errors.length > 0);
  const ignored = extra ? { line: line(extra.range[0]), message: 'kubectl reads only the first document between two "---" lines and ignores this one after "..."; put "---" before it', partial: true } : undefined;
  return { document: { line: line(start), value }, ...(ignored ? { ignored } : {}) };
}

const TAB_MESSAGE = 'a tab character here cannot start any token (kubectl accepts tabs only inside [ ] or { } and after a value on the same line, not for indentation or after "- ", "? " or ": "); use spaces';

/**
 * Applies libyaml's tab rule (see the module comment). Returns the text with every line inside a
 * multi-line flow collection or quoted scalar re-indented with spaces when the `yaml` lexer would
 * otherwise stop there, and the offsets of tabs libyaml rejects in block context.
 */
function normaliseTabs(original: string): { text: string; tabErrors: number[] } {
  let text = original;
  const fixed = new Set<number>();
  for (;;) {
    const scan = scanTokens(text);
    if (!scan.region || fixed.has(scan.region.start)) return { text, tabErrors: scan.tabErrors };
    fixed.add(scan.region.start);
    text = reindentRegion(text, scan.region.start, scan.region.end);
  }
}

interface Region {
  readonly start: number;
  readonly end: number;
}

/**
 * Walks the `yaml` lexer's tokens. Stops at the first flow region (a flow collection or quoted
 * scalar at block level) that the lexer did not read to the end that libyaml would find; else
 * collects the block-context tabs libyaml rejects.
 */
function scanTokens(text: string): { region?: Region; tabErrors: number[] } {
  const tabErrors: number[] = [];
  let offset = 0;
  let depth = 0;
  // What precedes on the current line in block context: nothing, an indicator (- ? :), or a token.
  let prev: 'start' | 'indicator' | 'token' = 'start';
  let scalarNext = false;
  let region: Region | undefined;
  for (const token of new Lexer().lex(text)) {
    if (token === CST.DOCUMENT) continue;
    if (token === CST.FLOW_END) {
      if (region) return { region, tabErrors };
      continue;
    }
    if (token === CST.SCALAR) {
      scalarNext = true;
      continue;
    }
    const start = offset;
    offset += token.length;
    if (scalarNext) {
      scalarNext = false;
      // A block scalar's source runs to the start of the next line; a plain scalar ends mid-line.
      if (depth === 0) prev = /\n[ \t]*$/.test(token) ? 'start' : 'token';
      continue;
    }
    switch (CST.tokenType(token)) {
      case 'newline':
        if (depth === 0) prev = 'start';
        break;
      case 'space':
        if (depth === 0 && prev !== 'token' && token.includes('\t')) tabErrors.push(start + token.indexOf('\t'));
        break;
      case 'comment':
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        if (depth === 0) prev = 'indicator';
        break;
      case 'flow-map-start':
      case 'flow-seq-start':
        if (depth === 0) region = { start, end: flowRegionEnd(text, start) };
        depth++;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        if (depth > 0) depth--;
        if (depth === 0 && region) {
          if (offset !== region.end) return { region, tabErrors };
          region = undefined;
          prev = 'token';
        }
        break;
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        if (depth === 0) {
          const end = flowRegionEnd(text, start);
          if (end !== offset) return { region: { start, end }, tabErrors };
          prev = 'token';
        }
        break;
      default:
        if (depth === 0) prev = 'token';
    }
  }
  return region ? { region, tabErrors } : { tabErrors };
}

/**
 * Where the flow collection or quoted scalar starting at `start` ends, as libyaml reads it: flow
 * context has no block scalars and ignores indentation, so quotes, comments and brackets decide.
 */
function flowRegionEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if ((c === '"' || c === "'") && (i === start || startsQuoted(text, i))) {
      i = quotedEnd(text, i);
      if (depth === 0) return i;
      continue;
    }
    if (c === '#' && i > start && /\s/.test(text[i - 1])) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return text.length;
}

/** A quote starts a quoted scalar where a token may start (not inside a plain scalar like `it's`). */
function startsQuoted(text: string, i: number): boolean {
  const before = text[i - 1];
  if (/[\s[{,]/.test(before)) return true;
  return before === ':' && /["'\]}]/.test(text[i - 2] ?? '');
}

function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return text.length;
}

/**
 * Replaces the leading blanks of every line that starts inside the region with spaces, at least as
 * many as the region's start column plus one. Inside flow collections and quoted scalars leading
 * white space is folded away, so values do not change; line numbers do not change either.
 */
function reindentRegion(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const minimum = start - lineStart + 1;
  const head = text.slice(0, start);
  const body = text.slice(start, end).replace(/\n[ \t]*/g, (m) => `\n${' '.repeat(Math.max(minimum, m.length - 1))}`);
  return head + body + text.slice(end);
}

// ---------------------------------------------------------------------------------------------
// JSON

/** kubectl's JSON path: a stream of JSON values; every raw tab in valid JSON is white space. */
function parseJsonStream(text: string): ParsedText {
  const documents: TextDocument[] = [];
  const errors: TextError[] = [];
  const line = lineIndex(text);
  for (const { start, end } of jsonValues(text)) {
    const source = text.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      const at = /position (\d+)/.exec((e as Error).message);
      errors.push({ line: line(start + (at ? Number(at[1]) : 0)), message: (e as Error).message });
      continue;
    }
    const startLine = line(start);
    const docs = parseAllDocuments(source.replace(/\t/g, ' '), JSON_OPTIONS);
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (doc && doc.errors.length === 0) recordPositions(doc.contents, value, doc, (offset) => line(start + offset));
    documents.push({ line: startLine, value });
  }
  return { documents, errors };
}

/** Offsets of the top-level values of a JSON stream (`{...}{...}`), found by matching brackets outside strings. */
function jsonValues(text: string): Region[] {
  const out: Region[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = quotedEnd(text, i) - 1;
      continue;
    }
    if (depth === 0 && !/\s/.test(c)) {
      if (start >= 0 && c !== '{' && c !== '[') continue;
      if (start >= 0) out.push({ start, end: i });
      start = i;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        out.push({ start, end: i + 1 });
        start = -1;
      }
    }
  }
  if (start >= 0) out.push({ start, end: text.length });
  return out;
}

/** offset → 1-based line of `text`. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

// ---------------------------------------------------------------------------------------------
// Positions

function recordPositions(node: unknown, value: unknown, doc: Document, line: (offset: number) => number): void {
  let n = node;
  for (let hops = 0; isAlias(n) && hops < 100; hops++) n = n.resolve(doc);
  if (value === null || typeof value !== 'object') return;
  const range = (n as Node | undefined)?.range;
  if (!range) return;
  if (isMap(n) && !Array.isArray(value)) {
    const keys = new Map<string, number>();
    const obj = value as Record<string, unknown>;
    for (const pair of n.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !Object.prototype.hasOwnProperty.call(obj, key) || !pair.key || !isScalar(pair.key) || !pair.key.range) continue;
      keys.set(key, line(pair.key.range[0]));
      recordPositions(pair.value, obj[key], doc, line);
    }
    POSITIONS.set(value, { line: line(range[0]), keys });
  } else if (isSeq(n) && Array.isArray(value)) {
    const items = n.items.map((item, i) => {
      recordPositions(item, value[i], doc, line);
      const r = (item as Node | null)?.range;
      return r ? line(r[0]) : line(range[0]);
    });
    POSITIONS.set(value, { line: line(range[0]), items });
  }
}
