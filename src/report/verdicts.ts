import { Engine, EndpointRef, Explanation, Protocol, Verdict, explainVerdict } from '../analysis';

/**
 * Verdicts of one report or lint run, memoised per (from, to, port, protocol): the report's flows
 * and the one-sided lint probe the same workload pairs, and each is evaluated once.
 * @internal
 */
export class VerdictCache {
  private readonly verdicts = new Map<string, Verdict>();

  constructor(readonly engine: Engine) {}

  /** {@link Engine.evaluate}, memoised. */
  public evaluate(from: EndpointRef, to: EndpointRef, port: number, protocol: Protocol): Verdict {
    const key = `${refKey(from)}\n${refKey(to)}\n${protocol}/${port}`;
    let v = this.verdicts.get(key);
    if (!v) this.verdicts.set(key, v = this.engine.evaluate({ from, to, port, protocol }));
    return v;
  }

  /** {@link Engine.explain}, on the memoised verdict. */
  public explain(from: EndpointRef, to: EndpointRef, port: number, protocol: Protocol): Explanation {
    return explainVerdict(this.evaluate(from, to, port, protocol), (id) => this.engine.tierPolicy(id));
  }
}

function refKey(ref: EndpointRef): string {
  if (typeof ref === 'string') return ref;
  if ('namespace' in ref) return `${ref.namespace}/${ref.name}`;
  return JSON.stringify(ref);
}
