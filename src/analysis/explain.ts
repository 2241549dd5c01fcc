import { tierRuleLine } from './describe';
import type { Exemption, RuleCheck, SideVerdict, Verdict } from './engine';
import { Direction } from './policy';
import { NETWORK_POLICY_TIER, TierPolicy } from './tiers';

/** One rule considered for a verdict, with its plain-words description. */
export interface ExplainedRule extends RuleCheck {
  readonly description: string;
}

/** A verdict with the reasoning behind each side. */
export interface Explanation {
  readonly verdict: Verdict;
  readonly egress: { readonly summary: string; readonly rules: readonly ExplainedRule[] };
  readonly ingress: { readonly summary: string; readonly rules: readonly ExplainedRule[] };
  /** Why the connection is allowed whatever the policies say, in plain words; absent when not exempt. */
  readonly exemptionReason?: string;
  /** The whole explanation as lines of text. */
  readonly text: string;
}

/**
 * Explains a verdict: for each side, whether the pod is isolated and by
 * which policies, which rule allowed the connection, or — when none did —
 * what each rule selects and whether its peer and port matched.
 */
export function explainVerdict(verdict: Verdict, lookup: (id: string) => TierPolicy | undefined): Explanation {
  const egress = explainSide(verdict.egress, 'egress', lookup);
  const ingress = explainSide(verdict.ingress, 'ingress', lookup);
  const head = `${verdict.allowed ? 'ALLOWED' : 'DENIED'}: ${verdict.from} -> ${verdict.to} on ${verdict.protocol}/${verdict.port}`;
  const lines = [head];
  const exemptionReason = verdict.exemption ? EXEMPTION_REASONS[verdict.exemption] : undefined;
  if (exemptionReason) lines.push(`  ${exemptionReason}`);
  for (const side of [egress, ingress]) {
    lines.push(`  ${side.summary}`);
    for (const r of side.rules) lines.push(`    [peer ${r.peerMatched ? 'yes' : 'no'}, port ${r.portMatched ? 'yes' : 'no'}] ${r.description}`);
  }
  return { verdict, egress, ingress, ...(exemptionReason ? { exemptionReason } : {}), text: lines.join('\n') };
}

const EXEMPTION_REASONS: Readonly<Record<Exemption, string>> = {
  'same-pod': 'a pod may always connect to itself, whatever the policies say',
  'own-node': "traffic from a pod's own node is always allowed, whatever the policies say",
  'not-enforced': 'the dataplane does not enforce network policy, so every connection is allowed',
};

function explainSide(side: SideVerdict, direction: Direction, lookup: (id: string) => TierPolicy | undefined): Explanation['egress'] {
  const subject = `${direction === 'egress' ? 'egress from' : 'ingress to'} ${side.endpoint}`;
  if (!side.isPod) return { summary: `${subject}: not a pod, so NetworkPolicy does not restrict it`, rules: [] };
  const rules = side.checks.map((check): ExplainedRule => {
    const rule = lookup(check.rule.policy)?.[direction]?.find((r) => r.index === check.rule.ruleIndex);
    const text = rule ? tierRuleLine(rule, direction === 'ingress' ? 'from' : 'to') : `rule ${check.rule.ruleIndex}`;
    return { ...check, description: `${check.rule.policy} ${direction} ${text}` };
  });
  // A rule of a tier before NetworkPolicy (a guardrail) decided: name it, whatever isolation says.
  const decided = side.decidedBy?.kind === 'rule' && side.decidedBy.rule.tier !== NETWORK_POLICY_TIER ? side.decidedBy.rule : undefined;
  if (decided) {
    const verb = side.allowed ? 'allowed' : 'denied';
    const name = decided.name !== undefined ? ` ${JSON.stringify(decided.name)}` : '';
    return { summary: `${subject}: ${verb} by ${decided.policy} ${direction} rule ${decided.ruleIndex}${name} (${decided.tier} tier)`, rules: rules.filter((r) => r.rule.policy === decided.policy && r.rule.ruleIndex === decided.ruleIndex) };
  }
  if (!side.isolated) return { summary: `${subject}: allowed, no NetworkPolicy selects it for ${direction}`, rules: [] };
  const by = `isolated by ${side.isolatingPolicies.join(', ')}`;
  if (side.allowed) {
    const which = side.allowedBy.map((r) => `${r.policy} ${direction} rule ${r.ruleIndex}`).join(', ');
    return { summary: `${subject}: allowed, ${by}; allowed by ${which}`, rules: rules.filter((r) => r.peerMatched && r.portMatched) };
  }
  const none = rules.length === 0 ? `the isolating policies have no ${direction} rules` : 'no rule matched';
  return { summary: `${subject}: denied, ${by}; ${none}`, rules };
}
