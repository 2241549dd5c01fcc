import { FieldContext, child, fail, isRecord } from '../k8s/errors';
import { IpAddress, IpBlock, cidrStrictlyWithin, ipBlockMatches, parseCidr } from '../k8s/ip';
import { Labels } from './model';
import { MATCH_ALL, Selector, compileSelector, describeSelector } from '../k8s/selector';

/**
 * One element of a rule's `from`/`to` list.
 *
 * - `pods`: a podSelector and/or namespaceSelector. With no namespaceSelector
 *   the pods come from the policy's own namespace (`namespace: {own}`); with
 *   no podSelector every pod of the matching namespaces is selected. Both in
 *   one element are ANDed.
 * - `ipBlock`: addresses in a CIDR minus its exceptions. It matches pods by
 *   their IP as well; a pod whose IP is unknown never matches.
 */
export type Peer =
  | { readonly kind: 'pods'; readonly namespace: { readonly own: string } | { readonly selector: Selector }; readonly pods: Selector; readonly key: string }
  | { readonly kind: 'ipBlock'; readonly block: IpBlock; readonly key: string };

/** The compiled `from`/`to` list of one rule. Elements are ORed. */
export interface PeerList {
  /** True when the list was missing or empty: every source/destination, pods and IPs alike. */
  readonly all: boolean;
  readonly peers: readonly Peer[];
}

/** What a peer is tested against: a pod (IP optional) or a bare IP address. */
export type PeerSubject =
  | { readonly kind: 'pod'; readonly namespace: string; readonly namespaceLabels: Labels; readonly labels: Labels; readonly ip?: IpAddress }
  | { readonly kind: 'ip'; readonly ip: IpAddress };

const EVERYONE: PeerList = { all: true, peers: [] };

export function compilePeers(raw: unknown, policyNamespace: string, ctx: FieldContext): PeerList {
  if (raw === undefined || raw === null) return EVERYONE;
  if (!Array.isArray(raw)) fail(ctx, 'must be a list');
  if (raw.length === 0) return EVERYONE;
  return { all: false, peers: raw.map((p, i) => compilePeer(p, policyNamespace, child(ctx, `[${i}]`))) };
}

function compilePeer(raw: unknown, policyNamespace: string, ctx: FieldContext): Peer {
  if (!isRecord(raw)) fail(ctx, 'must be an object');
  const has = (k: string): boolean => raw[k] !== undefined && raw[k] !== null;
  if (has('ipBlock')) {
    if (has('podSelector') || has('namespaceSelector')) fail(ctx, 'ipBlock may not be combined with podSelector or namespaceSelector');
    const block = compileIpBlock(raw.ipBlock, child(ctx, 'ipBlock'));
    return { kind: 'ipBlock', block, key: `ip:${block.key}` };
  }
  if (!has('podSelector') && !has('namespaceSelector')) fail(ctx, 'must set podSelector, namespaceSelector or ipBlock');
  const pods = has('podSelector') ? compileSelector(raw.podSelector, child(ctx, 'podSelector')) : MATCH_ALL;
  if (has('namespaceSelector')) {
    const selector = compileSelector(raw.namespaceSelector, child(ctx, 'namespaceSelector'));
    return { kind: 'pods', namespace: { selector }, pods, key: `ns:${selector.key}|pods:${pods.key}` };
  }
  return { kind: 'pods', namespace: { own: policyNamespace }, pods, key: `own:${policyNamespace}|pods:${pods.key}` };
}

function compileIpBlock(raw: unknown, ctx: FieldContext): IpBlock {
  if (!isRecord(raw)) fail(ctx, 'must be an object');
  const cidrCtx = child(ctx, 'cidr');
  if (typeof raw.cidr !== 'string') fail(cidrCtx, 'is required');
  const cidr = parseCidr(raw.cidr);
  if (!cidr) fail(cidrCtx, `${JSON.stringify(raw.cidr)} is not a valid CIDR`);
  const exceptRaw = raw.except ?? [];
  if (!Array.isArray(exceptRaw)) fail(child(ctx, 'except'), 'must be a list');
  const except = exceptRaw.map((e, i) => {
    const eCtx = child(ctx, `except[${i}]`);
    const parsed = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!parsed) fail(eCtx, `${JSON.stringify(e)} is not a valid CIDR`);
    if (!cidrStrictlyWithin(parsed, cidr)) fail(eCtx, `${parsed.text} must be a strict subset of ${cidr.text}`);
    return parsed;
  });
  const key = except.length ? `${cidr.text} except ${except.map((e) => e.text).join(', ')}` : cidr.text;
  return { cidr, except, key };
}

/** Does this single peer element select the subject? */
export function peerMatches(peer: Peer, subject: PeerSubject): boolean {
  if (peer.kind === 'ipBlock') return subject.ip !== undefined && ipBlockMatches(peer.block, subject.ip);
  if (subject.kind !== 'pod') return false;
  const ns = peer.namespace;
  const nsOk = 'own' in ns ? subject.namespace === ns.own : ns.selector.matches(subject.namespaceLabels);
  return nsOk && peer.pods.matches(subject.labels);
}

/** Does the peer list select the subject? Missing or empty lists select everyone. */
export function peerListMatches(list: PeerList, subject: PeerSubject): boolean {
  return list.all || list.peers.some((p) => peerMatches(p, subject));
}

/**
 * Plain words for one peer, e.g. `any pod in namespace demo`,
 * `pods with app=nginx in namespaces with kubernetes.io/metadata.name=demo-2`,
 * `CIDR 10.0.0.0/8 except 10.1.0.0/16`.
 */
export function describePeer(peer: Peer): string {
  if (peer.kind === 'ipBlock') return `CIDR ${peer.block.key}`;
  const pods = peer.pods.matchesAll ? 'any pod' : `pods with ${describeSelector(peer.pods)}`;
  const ns = peer.namespace;
  if ('own' in ns) return `${pods} in namespace ${ns.own}`;
  return ns.selector.matchesAll ? `${pods} in any namespace` : `${pods} in namespaces with ${describeSelector(ns.selector)}`;
}

/** Plain words for a peer list; a missing/empty list is `everyone` (all pods and all IPs). */
export function describePeers(list: PeerList): string[] {
  return list.all ? ['everyone'] : list.peers.map(describePeer);
}
