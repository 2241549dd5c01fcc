import { FieldContext, fail } from '../k8s/errors';
import { Requirement } from '../k8s/selector';

/**
 * A Calico selector (`role == 'db' && has(tier)`, `app in {'a', 'b'} || all()`) in disjunctive
 * normal form: it matches when any of the conjunctions does; each conjunction is a list of
 * Kubernetes label requirements. `[]` matches nothing, `[[]]` everything.
 *
 * Supported: `==`, `!=`, `in {}`, `not in {}`, `has()`, `!has()`, `!`, `&&`, `||`, parentheses
 * and `all()`. `!=` and `not in` match labels that are missing, as in Calico (and as Kubernetes
 * `NotIn`). Calico's other operators (`starts with`, `ends with`, `contains`) and `global()`
 * have no label-selector equivalent and are reported.
 */
export type Dnf = readonly (readonly Requirement[])[];

/** At most this many conjunctions: negated conjunctions multiply out. */
const MAX_TERMS = 64;

type Node =
  | { readonly op: 'all' | 'none' }
  | { readonly op: 'req'; readonly req: Requirement }
  | { readonly op: 'not'; readonly node: Node }
  | { readonly op: 'and' | 'or'; readonly nodes: readonly Node[] };

/** Parses `text`; an empty selector is `all()`. */
export function parseCalicoSelector(text: unknown, ctx: FieldContext): Dnf {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) return [[]];
  if (typeof text !== 'string') fail(ctx, 'must be a Calico selector string');
  const parser = new Parser(text, ctx);
  const node = parser.parse();
  return toDnf(node, false, ctx);
}

const TOKEN = /\s*(\|\||&&|==|!=|!|\(|\)|\{|\}|,|'[^']*'|"[^"]*"|[A-Za-z0-9_./-]+)/y;

class Parser {
  private readonly tokens: string[] = [];
  private pos = 0;

  constructor(private readonly text: string, private readonly ctx: FieldContext) {
    let at = 0;
    for (let m: RegExpExecArray | null; at < text.length; at = TOKEN.lastIndex) {
      TOKEN.lastIndex = at;
      if (!(m = TOKEN.exec(text))) break;
      this.tokens.push(m[1]);
    }
    if (text.slice(at).trim() !== '') this.error(`cannot read ${JSON.stringify(text.slice(at).trim())}`);
  }

  parse(): Node {
    const node = this.or();
    if (this.pos < this.tokens.length) this.error(`unexpected ${JSON.stringify(this.tokens[this.pos])}`);
    return node;
  }

  private or(): Node {
    const nodes = [this.and()];
    while (this.peek() === '||') { this.pos++; nodes.push(this.and()); }
    return nodes.length === 1 ? nodes[0] : { op: 'or', nodes };
  }

  private and(): Node {
    const nodes = [this.unary()];
    while (this.peek() === '&&') { this.pos++; nodes.push(this.unary()); }
    return nodes.length === 1 ? nodes[0] : { op: 'and', nodes };
  }

  private unary(): Node {
    if (this.peek() === '!') { this.pos++; return { op: 'not', node: this.unary() }; }
    return this.primary();
  }

  private primary(): Node {
    const t = this.next();
    if (t === '(') {
      const node = this.or();
      this.expect(')');
      return node;
    }
    if (t === 'all' && this.peek() === '(') { this.pos++; this.expect(')'); return { op: 'all' }; }
    if (t === 'global') this.error('global() selects network sets and host endpoints, which netiso does not model');
    if (t === 'has' && this.peek() === '(') {
      this.pos++;
      const key = this.label();
      this.expect(')');
      return { op: 'req', req: { key, operator: 'Exists', values: [] } };
    }
    const key = this.checkLabel(t);
    const op = this.next();
    if (op === '==' || op === '!=') {
      const value = this.string();
      return { op: 'req', req: { key, operator: op === '==' ? 'In' : 'NotIn', values: [value] } };
    }
    if (op === 'in') return this.set(key, 'In');
    if (op === 'not' && this.peek() === 'in') { this.pos++; return this.set(key, 'NotIn'); }
    return this.error(`${JSON.stringify(`${key} ${op ?? ''}`.trim())} uses an operator netiso cannot analyse; use ==, !=, in {}, not in {}, has() or all()`);
  }

  private set(key: string, operator: 'In' | 'NotIn'): Node {
    this.expect('{');
    const values: string[] = [];
    while (this.peek() !== '}') {
      values.push(this.string());
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.error(`expected , or } after ${JSON.stringify(values[values.length - 1])}`);
    }
    this.pos++;
    // `in {}` matches nothing and `not in {}` everything, which a label requirement cannot say.
    if (values.length === 0) return { op: operator === 'In' ? 'none' : 'all' };
    return { op: 'req', req: { key, operator, values: [...new Set(values)].sort() } };
  }

  private string(): string {
    const t = this.next();
    if (t === undefined || !/^(['"]).*\1$/.test(t)) this.error(`expected a quoted value, got ${JSON.stringify(t ?? 'the end')}`);
    return t.slice(1, -1);
  }

  private label(): string {
    return this.checkLabel(this.next());
  }

  private checkLabel(t: string | undefined): string {
    if (t === undefined || !/^[A-Za-z0-9_./-]+$/.test(t)) this.error(`expected a label name, got ${JSON.stringify(t ?? 'the end')}`);
    return t;
  }

  private expect(token: string): void {
    const t = this.next();
    if (t !== token) this.error(`expected ${JSON.stringify(token)}, got ${JSON.stringify(t ?? 'the end')}`);
  }

  private peek(): string | undefined { return this.tokens[this.pos]; }

  private next(): string | undefined { return this.tokens[this.pos++]; }

  private error(detail: string): never {
    return fail(this.ctx, `selector ${JSON.stringify(this.text)}: ${detail}`);
  }
}

const NEGATE: Record<Requirement['operator'], Requirement['operator']> = { In: 'NotIn', NotIn: 'In', Exists: 'DoesNotExist', DoesNotExist: 'Exists' };

/** Pushes negations to the leaves and multiplies out conjunctions of disjunctions. */
function toDnf(node: Node, negated: boolean, ctx: FieldContext): Dnf {
  switch (node.op) {
    case 'all': return negated ? [] : [[]];
    case 'none': return negated ? [[]] : [];
    case 'req': return [[negated ? { ...node.req, operator: NEGATE[node.req.operator] } : node.req]];
    case 'not': return toDnf(node.node, !negated, ctx);
    default: {
      const parts = node.nodes.map((n) => toDnf(n, negated, ctx));
      const conjunctive = (node.op === 'and') !== negated;
      if (!conjunctive) return parts.flat();
      let out: Dnf = [[]];
      for (const part of parts) {
        out = out.flatMap((left) => part.map((right) => [...left, ...right]));
        if (out.length > MAX_TERMS) fail(ctx, `the selector has more than ${MAX_TERMS} alternatives once its negations are multiplied out; simplify it`);
      }
      return out;
    }
  }
}
