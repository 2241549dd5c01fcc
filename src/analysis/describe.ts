import { compare } from '../k8s/compare';
import { describePeers } from './peers';
import { describePorts } from './ports';
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
