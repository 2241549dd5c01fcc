import { ConnSet, Connectivity, RuleAction, SideResult, Step } from '../analysis';
import { NETWORK_POLICY_TIER } from '../analysis/tiers';

/**
 * One reason a side gave for some connections, from the engine's {@link Step}s:
 * - `rule`: a rule matched them and allowed, denied or passed them on;
 * - `isolated`: policies of a tier isolate the pod and none of their rules matched them;
 * - `open`: no policy isolates the pod for this direction (or every tier passed them on);
 * - `unknown`: the dataplane does not say how it enforces them (possibly allowed, never reported denied).
 *
 * A NetworkPolicy is named within the namespace of the side's pod (the source's for egress, the
 * destination's for ingress), so the same reason in every project reads the same and is stored
 * once; policies of other APIs keep their full id (`ClusterNetworkPolicy netiso.system`,
 * `CiliumNetworkPolicy edge/netiso-isolation`).
 */
export type Because =
  | { readonly kind: 'rule'; readonly policy: string; readonly ruleIndex: number; readonly action: RuleAction; readonly name?: string; readonly tier?: string; readonly conns: ConnSet }
  | { readonly kind: 'isolated'; readonly policies: readonly string[]; readonly tier?: string; readonly conns: ConnSet }
  | { readonly kind: 'open'; readonly conns: ConnSet }
  | { readonly kind: 'unknown'; readonly why: string; readonly conns: ConnSet };

/** A list of reasons with a small id: equal lists (relative names included) share the id. */
export interface Reasons {
  readonly id: number;
  readonly because: readonly Because[];
}

/**
 * A policy id as a grouped answer cites it: a NetworkPolicy (`ns/name`, the only ids without a
 * kind) by its name, every other id as it is. The namespace is the side's own: a policy only
 * ever decides for pods of its namespace.
 */
export function localPolicy(id: string): string {
  return id.includes(' ') ? id : id.slice(id.indexOf('/') + 1);
}

/** The id of a policy cited by {@link localPolicy} on a side whose pod lives in `namespace`. */
export function policyId(cited: string, namespace: string): string {
  return cited.includes(' ') ? cited : `${namespace}/${cited}`;
}

/**
 * Interns the reasons of side results, restricted to connections of interest and with policies
 * named locally. Memoised by (reason, connections): a cluster has few distinct ones.
 */
export class ReasonBook {
  private readonly memo = new Map<string, Reasons>();
  private readonly ids = new Map<string, number>();

  constructor(private readonly connectivity: Connectivity) {}

  /** The steps of `result` that decided any of `within`, each restricted to it. */
  of(result: SideResult, within: ConnSet): Reasons {
    const memoKey = `${result.reason}:${within.id}`;
    let out = this.memo.get(memoKey);
    if (out) return out;
    const because = this.connectivity.reason(result.reason).flatMap((step) => {
      const conns = step.conns.intersect(within);
      return conns.isEmpty ? [] : [toBecause(step, conns)];
    });
    const key = because.map(becauseKey).join('|');
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, id = this.ids.size);
    out = { id, because };
    this.memo.set(memoKey, out);
    return out;
  }
}

function toBecause(step: Step, conns: ConnSet): Because {
  switch (step.kind) {
    case 'rule': {
      const r = step.rule;
      const tier = r.tier !== undefined && r.tier !== NETWORK_POLICY_TIER ? r.tier : undefined;
      return {
        kind: 'rule', policy: localPolicy(r.policy), ruleIndex: r.ruleIndex, action: r.action ?? 'allow',
        ...(r.name !== undefined ? { name: r.name } : {}), ...(tier !== undefined ? { tier } : {}), conns,
      };
    }
    case 'isolated': {
      const tier = step.tier !== NETWORK_POLICY_TIER ? step.tier : undefined;
      return { kind: 'isolated', policies: step.policies.map(localPolicy), ...(tier !== undefined ? { tier } : {}), conns };
    }
    case 'default': return { kind: 'open', conns };
    case 'unknown': return { kind: 'unknown', why: step.why, conns };
  }
}

function becauseKey(b: Because): string {
  switch (b.kind) {
    case 'rule': return `r ${b.policy} ${b.ruleIndex} ${b.action} ${b.tier ?? ''} ${b.conns.id}`;
    case 'isolated': return `i ${b.policies.join(',')} ${b.tier ?? ''} ${b.conns.id}`;
    case 'open': return `o ${b.conns.id}`;
    case 'unknown': return `u ${b.conns.id}`;
  }
}

/** What one end of an answer is, where it is not a pod whose policies decided. */
export type EndKind = 'pod' | 'address' | 'node' | 'ingress-controller';

/** What both sides let a source open to a destination, and why; interned, so equal answers share an id. */
export interface Answer {
  readonly id: number;
  readonly conns: ConnSet;
  readonly from: EndKind;
  readonly to: EndKind;
  /** The source's egress: reasons for `conns` when the source is a pod, else empty (nothing restricts it). */
  readonly egress: readonly Because[];
  /** The destination's ingress, likewise. */
  readonly ingress: readonly Because[];
  /** Why the connections are allowed whatever the policies say, when they are. */
  readonly exemption?: string;
}

/** Interns {@link Answer}s. */
export class AnswerBook {
  readonly answers: Answer[] = [];
  readonly reasons: ReasonBook;
  private readonly keys = new Map<string, number>();

  constructor(connectivity: Connectivity) {
    this.reasons = new ReasonBook(connectivity);
  }

  /**
   * The answer for a connection whose egress side gave `egress` and ingress side gave `ingress`
   * (undefined for an end that is not a pod), limited to `within`; -1 when nothing is allowed.
   */
  answer(from: EndKind, to: EndKind, egress: SideResult | undefined, ingress: SideResult | undefined, options: { within?: ConnSet; exemption?: string } = {}): number {
    const { within = ConnSet.ALL, exemption } = options;
    const conns = exemption !== undefined ? within : (egress?.allowed ?? ConnSet.ALL).intersect(ingress?.allowed ?? ConnSet.ALL).intersect(within);
    if (conns.isEmpty) return -1;
    const e = egress && exemption === undefined ? this.reasons.of(egress, conns) : undefined;
    const i = ingress && exemption === undefined ? this.reasons.of(ingress, conns) : undefined;
    const key = `${from} ${to} ${conns.id} ${e?.id ?? '-'} ${i?.id ?? '-'} ${exemption ?? ''}`;
    let id = this.keys.get(key);
    if (id === undefined) {
      id = this.answers.length;
      this.answers.push({ id, conns, from, to, egress: e?.because ?? [], ingress: i?.because ?? [], ...(exemption !== undefined ? { exemption } : {}) });
      this.keys.set(key, id);
    }
    return id;
  }
}
