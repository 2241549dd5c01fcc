import { compare } from '../k8s/compare';
import { describePeers } from './peers';
import { describePortSpec, describePorts } from './ports';
import { TierPeer, TierRule } from './tiers';
import { CompiledPolicy, CompiledRule, compilePolicy } from './policy';
import { describeSelector } from '../k8s/selector';
import { isRecord } from '../k8s/errors';

/** One rule in plain words. */
export interface RuleDescription {
  readonly index: number;
  /** What the rule's `from`/`to` selects, one entry per peer (ORed). */
  readonly peers: readonly string[];
  /** What the rule's `ports` allow. */
  readonly ports: string;
}

/**
 * One direction of a policy: `restricted: false` when the policy does not
 * govern it; otherwise the rules, where an empty list means "deny all".
 */
export type DirectionDescription = { readonly restricted: false } | { readonly restricted: true; readonly rules: readonly RuleDescription[] };

/** What a policy selects and allows, derived from selectors alone (no workloads needed). */
export interface PolicyDescription {
  readonly policy: string;
  /** Which pods the policy applies to, e.g. `any pod in namespace demo`. */
  readonly target: string;
  readonly ingress: DirectionDescription;
  readonly egress: DirectionDescription;
  readonly warnings: readonly string[];
  /** All of the above as indented lines of text. */
  readonly text: string;
}

/** Describes one compiled policy in plain words. */
export function describePolicy(policy: CompiledPolicy): PolicyDescription {
  const target = policy.target.matchesAll ? `any pod in namespace ${policy.namespace}` : `pods with ${describeSelector(policy.target)} in namespace ${policy.namespace}`;
  const direction = (rules: readonly CompiledRule[] | undefined): DirectionDescription =>
    rules ? { restricted: true, rules: rules.map(describeRule) } : { restricted: false };
  const ingress = direction(policy.ingress);
  const egress = direction(policy.egress);
  const lines = [`${policy.id} applies to ${target}`];
  lines.push(...directionLines('ingress', 'from', ingress), ...directionLines('egress', 'to', egress));
  lines.push(...policy.warnings.map((w) => `  warning: ${w}`));
  return { policy: policy.id, target, ingress, egress, warnings: policy.warnings, text: lines.join('\n') };
}

/**
 * Describes every NetworkPolicy among `manifests` (other kinds are skipped),
 * sorted by `ns/name`.
 * @throws ManifestError for a malformed policy.
 */
export function describeManifests(manifests: readonly unknown[]): PolicyDescription[] {
  return manifests
    .filter((m) => isRecord(m) && m.kind === 'NetworkPolicy')
    .map((m) => describePolicy(compilePolicy(m)))
    .sort((a, b) => compare(a.policy, b.policy));
}

export function describeRule(rule: CompiledRule): RuleDescription {
  return { index: rule.index, peers: describePeers(rule.peers), ports: describePorts(rule.ports) };
}

/** One line for a rule, e.g. `rule 0: from any pod in namespace demo; on all ports`. */
export function ruleLine(rule: RuleDescription, word: 'from' | 'to'): string {
  return `rule ${rule.index}: ${word} ${rule.peers.join(' OR ')}; on ${rule.ports}`;
}

function directionLines(name: string, word: 'from' | 'to', d: DirectionDescription): string[] {
  if (!d.restricted) return [`  ${name}: not restricted by this policy`];
  if (d.rules.length === 0) return [`  ${name}: deny all (isolated, no rules)`];
  return [`  ${name}: allow only`, ...d.rules.map((r) => `    ${ruleLine(r, word)}`)];
}

/** Plain words for one peer of any API, e.g. `any pod in namespace demo`, `CIDR 10.0.0.0/8`, `Cilium entity host`. */
export function describeTierPeer(peer: TierPeer): string {
  switch (peer.kind) {
    case 'all': return 'everyone';
    case 'ips': return peer.blocks.map((b) => `CIDR ${b.key}`).join(' OR ');
    case 'nodes': return peer.nodes.matchesAll ? 'every node' : `nodes with ${describeSelector(peer.nodes)}`;
    case 'entity': return `the ${peer.entity} entity`;
    case 'pods': {
      const pods = peer.pods.matchesAll ? 'any pod' : `pods with ${describeSelector(peer.pods)}`;
      if ('own' in peer.namespaces) return `${pods} in namespace ${peer.namespaces.own}`;
      return peer.namespaces.matchesAll ? `${pods} in any namespace` : `${pods} in namespaces with ${describeSelector(peer.namespaces)}`;
    }
  }
}

/**
 * One line for a rule of any API, e.g. `rule 0: from any pod in namespace demo; on all ports`,
 * `rule 2 "other-tenants" (Deny): from any pod in any namespace; on all ports`.
 */
export function tierRuleLine(rule: TierRule, word: 'from' | 'to'): string {
  const name = rule.name !== undefined ? ` ${JSON.stringify(rule.name)}` : '';
  const action = rule.action === 'allow' && rule.name === undefined ? '' : ` (${ACTION_WORDS[rule.action]})`;
  const peers = rule.peers.length ? rule.peers.map(describeTierPeer).join(' OR ') : 'nobody';
  const ports = rule.ports === 'all' ? 'all ports' : rule.ports.map(describePortSpec).join(', ');
  return `rule ${rule.index}${name}${action}: ${word} ${peers}; on ${ports}`;
}

const ACTION_WORDS = { allow: 'Allow', deny: 'Deny', pass: 'Pass' } as const;
