import { FieldContext, child, fail, isRecord } from '../k8s/errors';
import { Cidr, cidrStrictlyWithin, IpBlock, parseCidr } from '../k8s/ip';
import { Protocol, PROTOCOLS } from '../k8s/protocol';
import { MATCH_ALL, Selector } from '../k8s/selector';
import { PortSpec } from '../analysis/ports';
import { RuleAction, TierPeer, TierPolicy } from '../analysis/tiers';

/** The tiers compilers put policies in; Calico adds one per `Tier` object (`calico:<name>`). */
export type TierKey = 'admin' | 'ciliumDeny' | 'networkPolicy' | 'baseline' | `calico:${string}`;

/** A compiled policy and the tier it belongs to. */
export interface Placed {
  readonly tier: TierKey;
  readonly policy: TierPolicy;
}

/** A Calico `Tier` read from the input: its order and default action. */
export interface CalicoTierDef {
  readonly name: string;
  readonly order: number;
  readonly endAction: 'deny' | 'pass';
}

/** What compiling one object gives. */
export interface CompiledObject {
  readonly placed: readonly Placed[];
  readonly calicoTiers?: readonly CalicoTierDef[];
}

/** A pods peer with its canonical key. */
export function podsPeer(namespaces: Selector | { readonly own: string }, pods: Selector = MATCH_ALL): TierPeer {
  const ns = 'own' in namespaces ? `own:${namespaces.own}` : `ns:${namespaces.key}`;
  return { kind: 'pods', namespaces, pods, key: `${ns}|pods:${pods.key}` };
}

/** An ips peer with its canonical key. */
export function ipsPeer(blocks: readonly IpBlock[]): TierPeer {
  return { kind: 'ips', blocks, key: `ips:${blocks.map((b) => b.key).join(';')}` };
}

export const ALL_PEERS: TierPeer = { kind: 'all', key: 'all' };

/** An address block, validated like a NetworkPolicy ipBlock (`except` strictly inside `cidr`). */
export function ipBlock(cidrText: unknown, exceptTexts: unknown, ctx: FieldContext): IpBlock {
  const cidr = cidrOf(cidrText, ctx);
  if (exceptTexts !== undefined && exceptTexts !== null && !Array.isArray(exceptTexts)) fail(ctx, 'except must be a list of CIDRs');
  const except = ((exceptTexts as unknown[] | undefined) ?? []).map((e, i) => {
    const parsed = cidrOf(e, child(ctx, `except[${i}]`));
    if (!cidrStrictlyWithin(parsed, cidr)) fail(child(ctx, `except[${i}]`), `${parsed.text} must lie strictly inside ${cidr.text}; list only blocks inside the CIDR`);
    return parsed;
  });
  return { cidr, except, key: except.length ? `${cidr.text} except ${except.map((e) => e.text).join(', ')}` : cidr.text };
}

export function cidrOf(text: unknown, ctx: FieldContext): Cidr {
  const parsed = typeof text === 'string' ? parseCidr(text) : undefined;
  if (!parsed) fail(ctx, `${JSON.stringify(text)} is not a CIDR; write an address and prefix length like "10.0.0.0/8"`);
  return parsed;
}

/** A port number 1-65535, or a problem naming the field. */
export function portNumber(value: unknown, ctx: FieldContext): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) fail(ctx, `${JSON.stringify(value)} is not a port number; use a whole number between 1 and 65535`);
  return value;
}

/** A protocol name (case as the API writes it), or a problem naming the field. */
export function protocolOf(value: unknown, ctx: FieldContext, fallback: Protocol = 'TCP'): Protocol {
  if (value === undefined || value === null) return fallback;
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (!PROTOCOLS.includes(upper as Protocol)) fail(ctx, `${JSON.stringify(value)} is not a protocol netiso analyses; use TCP, UDP or SCTP`);
  return upper as Protocol;
}

/** A named port on every protocol: the destination pod's container port decides which. */
export function namedPort(name: unknown, ctx: FieldContext): PortSpec[] {
  if (typeof name !== 'string' || name === '') fail(ctx, `${JSON.stringify(name)} is not a port name`);
  return PROTOCOLS.map((protocol) => ({ protocol, name }));
}

/** A list field: undefined when absent, a problem when not a list. */
export function list(value: unknown, ctx: FieldContext): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail(ctx, 'must be a list');
  return value;
}

/** An object field, or a problem. */
export function record(value: unknown, ctx: FieldContext): Record<string, unknown> {
  if (!isRecord(value)) fail(ctx, 'must be an object');
  return value;
}

/** Fails on any key of `value` not in `known`: a field netiso does not understand must not be skipped silently. */
export function onlyKnown(value: Record<string, unknown>, known: readonly string[], ctx: FieldContext, what: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key) && value[key] !== undefined && value[key] !== null) {
      fail(child(ctx, key), `is not supported by netiso's analysis of ${what} (it understands ${known.join(', ')}); the policy cannot be analysed exactly, so it is reported instead of ignored`);
    }
  }
}

/** Maps an action name of the API to the engine's. */
export function action(value: unknown, names: Readonly<Record<string, RuleAction>>, ctx: FieldContext): RuleAction {
  const found = typeof value === 'string' ? names[value] : undefined;
  if (!found) fail(ctx, `${JSON.stringify(value)} is not an action; use ${Object.keys(names).join(', ')}`);
  return found;
}

/** The object's name, or a problem. */
export function nameOf(object: Record<string, unknown>, kind: string): { name: string; namespace?: string } {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  if (typeof metadata.name !== 'string' || metadata.name === '') fail({ subject: kind, field: 'metadata.name' }, 'is required');
  return { name: metadata.name, namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined };
}
