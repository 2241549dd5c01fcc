import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { parseDocument } from 'yaml';
import { inputFiles } from '../k8s/files';
import type { KubeObject } from '../k8s/read';

/**
 * Reads the objects of KubeSphere exports one at a time, so that an export of tens of megabytes
 * never exists in memory as one parsed tree: `kubectl get … -o yaml` writes a whole cluster as a
 * single `kind: List` document, and parsing that at once costs about 30 times its size.
 *
 * YAML is split into documents at `---` / `...` lines (YAML forbids such lines inside content,
 * so this is exact), and a document's top-level `items:` sequence is split into its elements,
 * each parsed on its own. JSON (`-o json`) is parsed whole with `JSON.parse`, which costs a
 * fraction of a YAML parse. Objects are handed to `onObject` in file order; `kind: List`
 * documents are flattened into their items, as {@link parseObjects} does.
 */
export function streamObjects(paths: readonly string[], onObject: (object: KubeObject) => void): void {
  for (const file of inputFiles(paths)) streamFile(file, onObject);
}

/** Lines of one file, read in chunks, without line terminators. */
function* lines(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(1 << 20);
    let rest = '';
    for (let n: number; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
      const text = rest + decoder.write(buffer.subarray(0, n));
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const line of parts) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    rest += decoder.end();
    if (rest) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    fs.closeSync(fd);
  }
}

const DOCUMENT_MARKER = /^(---|\.\.\.)(\s|$)/;
const ITEMS_KEY = /^items:\s*(#.*)?$/;
const IGNORABLE = /^\s*(#.*)?$/;

function streamFile(file: string, onObject: (object: KubeObject) => void): void {
  if (looksLikeJson(file)) {
    const text = fs.readFileSync(file, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A YAML flow mapping (`{kind: List, …}`) looks the same from its first character.
      new YamlSplitter(file, onObject).run(text.split(/\r?\n/));
      return;
    }
    collect(value, onObject);
    return;
  }
  new YamlSplitter(file, onObject).run(lines(file));
}

/** True when the first character that is not white space or a YAML comment line is `{` or `[`. */
function looksLikeJson(file: string): boolean {
  for (const line of lines(file)) {
    if (IGNORABLE.test(line)) continue;
    return /^\s*[{[]/.test(line);
  }
  return false;
}

/**
 * Splits YAML text into documents, and a document's top-level `items:` sequence into its
 * elements. Everything of a document outside `items` (its `apiVersion`, `kind`, `metadata`) is
 * kept as the header; a document whose items were split must be a `*List`.
 */
class YamlSplitter {
  /** Header lines of the current document (its `items` excluded once it is split). */
  private header: string[] = [];
  private headerStart = 1;
  /** Items split out of the current document so far. */
  private itemCount = 0;
  /** Lines of the item being read, and its indentation (`- ` at column `indent`). */
  private item?: { lines: string[]; start: number };
  private indent = -1;
  private inItems = false;
  private lineNo = 0;

  constructor(private readonly file: string, private readonly onObject: (object: KubeObject) => void) {}

  public run(lines: Iterable<string>): void {
    for (const line of lines) this.line(line);
    this.endDocument();
  }

  private line(line: string): void {
    this.lineNo++;
    if (DOCUMENT_MARKER.test(line)) {
      this.endDocument();
      this.headerStart = this.lineNo + 1;
      // `--- {a: 1}`: content may follow the marker on its line.
      const content = line.replace(DOCUMENT_MARKER, '');
      if (line.startsWith('---') && content.trim()) this.header.push(content);
      return;
    }
    if (this.inItems) {
      if (this.indent < 0) {
        // The sequence's indentation is set by its first entry.
        const m = /^( *)- |^( *)-$/.exec(line);
        if (m) {
          this.indent = (m[1] ?? m[2]).length;
          this.header.push('items: []');
        } else if (IGNORABLE.test(line)) {
          return;
        } else {
          // `items:` without a block sequence (e.g. an empty value): an ordinary key after all.
          this.inItems = false;
          this.header.push('items:', line);
          return;
        }
      }
      if (this.startsItem(line)) {
        this.endItem();
        this.item = { lines: [`${' '.repeat(this.indent)}  ${line.slice(this.indent + 1).replace(/^ /, '')}`], start: this.lineNo };
        return;
      }
      if (IGNORABLE.test(line) || leadingSpaces(line) > this.indent) {
        this.item?.lines.push(line);
        return;
      }
      // A line at the sequence's indentation that is no entry: the next top-level key.
      this.endItem();
      this.inItems = false;
    }
    if (ITEMS_KEY.test(line)) {
      this.inItems = true;
      this.indent = -1;
      return;
    }
    this.header.push(line);
  }

  private startsItem(line: string): boolean {
    return line.length > this.indent && line.charCodeAt(this.indent) === 0x2d /* - */
      && leadingSpaces(line) === this.indent && (line.length === this.indent + 1 || line.charCodeAt(this.indent + 1) === 0x20);
  }

  private endItem(): void {
    if (!this.item) return;
    const strip = this.indent + 2;
    const text = this.item.lines.map((l) => (leadingSpaces(l) >= strip ? l.slice(strip) : l.trimStart())).join('\n');
    collect(this.parse(text, this.item.start), this.onObject);
    this.itemCount++;
    this.item = undefined;
  }

  private endDocument(): void {
    this.endItem();
    if (this.inItems && this.indent < 0) this.header.push('items:');
    const header = this.parse(this.header.join('\n'), this.headerStart);
    if (this.itemCount > 0) {
      const kind = (header as { kind?: unknown } | null)?.kind;
      if (typeof kind !== 'string' || !kind.endsWith('List')) {
        throw new Error(`${this.file}: line ${this.headerStart}: a document with a top-level items list has kind ${JSON.stringify(kind)}, not a List; export with kubectl get -o yaml`);
      }
    } else {
      collect(header, this.onObject);
    }
    this.header = [];
    this.itemCount = 0;
    this.inItems = false;
  }

  /** One YAML document; errors name the file and the line in it. */
  private parse(text: string, firstLine: number): unknown {
    const doc = parseDocument(text);
    if (doc.errors.length) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line;
      throw new Error(`${this.file}: ${line !== undefined ? `line ${firstLine + line - 1}: ` : ''}${e.message.split('\n')[0]}`);
    }
    return doc.toJS();
  }
}

function leadingSpaces(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 0x20) i++;
  return i;
}

/** Hands an object (or the items of a `kind: List`) to `onObject`; anything else is not an object and is skipped. */
function collect(value: unknown, onObject: (object: KubeObject) => void): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const obj = value as KubeObject;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    for (const item of obj.items) collect(item, onObject);
    return;
  }
  onObject(obj);
}
