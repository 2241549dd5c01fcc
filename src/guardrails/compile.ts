import { compare } from '../k8s/compare';
import { isRecord } from '../k8s/errors';
import { Tier, TierPolicy, TIER_ORDER } from '../analysis/tiers';
import { compileCalicoPolicy, compileCalicoTier } from './compile-calico';
import { compileCilium } from './compile-cilium';
import { CalicoTierDef, CompiledObject, Placed, TierKey } from './compile-common';
import { compileAdminNetworkPolicy, compileBaselineAdminNetworkPolicy, compileClusterNetworkPolicy } from './compile-netpol-api';

/** An object read from a manifest, and where it was read (`file:line`), for problems. */
export interface GuardrailSource {
  readonly object: unknown;
  readonly source?: string;
}

/** The compiled tiers, and every object that could not be compiled (never silently dropped). */
export interface CompiledGuardrails {
  readonly tiers: Tier[];
  readonly problems: string[];
}

type Compiler = (object: Record<string, unknown>) => CompiledObject;

/** The kinds compiled, by `apiVersion kind`; Calico's backing CRDs (`crd.projectcalico.org/v1`) have the same spec. */
const COMPILERS: Readonly<Record<string, Compiler>> = {
  'policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy': compileClusterNetworkPolicy,
  'policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy': compileAdminNetworkPolicy,
  'policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy': compileBaselineAdminNetworkPolicy,
  ...Object.fromEntries(['projectcalico.org/v3', 'crd.projectcalico.org/v1'].flatMap((v) => [
    [`${v} Tier`, compileCalicoTier],
    [`${v} GlobalNetworkPolicy`, (o: Record<string, unknown>) => compileCalicoPolicy(o, 'GlobalNetworkPolicy')],
    [`${v} NetworkPolicy`, (o: Record<string, unknown>) => compileCalicoPolicy(o, 'NetworkPolicy')],
  ])),
  'cilium.io/v2 CiliumNetworkPolicy': (o) => compileCilium(o, 'CiliumNetworkPolicy'),
  'cilium.io/v2 CiliumClusterwideNetworkPolicy': (o) => compileCilium(o, 'CiliumClusterwideNetworkPolicy'),
};

/**
 * Kinds that change what traffic is allowed but that netiso cannot analyse: reported, because
 * leaving them out would make the analysis fail open.
 */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'policy.networking.k8s.io': 'this version or kind of the network-policy-api is not supported; netiso reads ClusterNetworkPolicy v1alpha2 and AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1',
  'crd.antrea.io': 'Antrea-native policies are not analysed by netiso',
  'cilium.io': 'this kind or version of Cilium policy is not analysed by netiso (it reads cilium.io/v2 CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy)',
};
const CALICO_UNSUPPORTED = new Set(['GlobalNetworkSet', 'NetworkSet', 'HostEndpoint']);
const CALICO_GROUPS = new Set(['projectcalico.org', 'crd.projectcalico.org']);
/** Cilium kinds that are policies (in another version than netiso reads, they are reported). */
const CILIUM_POLICY_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

/** True when {@link compileGuardrails} compiles or reports this object (the engine reads the rest). */
export function isGuardrailKind(object: unknown): boolean {
  return classify(object) !== 'other';
}

function classify(object: unknown): 'compile' | 'unsupported' | 'other' {
  if (!isRecord(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return 'other';
  if (COMPILERS[`${object.apiVersion} ${object.kind}`]) return 'compile';
  const group = object.apiVersion.split('/')[0];
  if (CALICO_GROUPS.has(group)) return CALICO_UNSUPPORTED.has(object.kind) ? 'unsupported' : 'other';
  if (group === 'cilium.io') return CILIUM_POLICY_KINDS.has(object.kind) ? 'unsupported' : 'other';
  if (group === 'crd.antrea.io') return /NetworkPolicy$/.test(object.kind) ? 'unsupported' : 'other';
  return UNSUPPORTED[group] ? 'unsupported' : 'other';
}

/**
 * Compiles guardrail objects (ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy v1alpha1, Calico Tier / GlobalNetworkPolicy / NetworkPolicy,
 * Cilium policies) into the engine's tiers. `List` objects are read item by item; objects of
 * other kinds (NetworkPolicy, workloads) are left to the engine. Every object that cannot be
 * compiled is a problem naming the object, the field, the value and what to do.
 *
 * Tiers: `admin` (ClusterNetworkPolicy Admin, AdminNetworkPolicy), `ciliumDeny`, `networkPolicy`
 * (Cilium allow rules and Calico's `default` tier: merge it with the NetworkPolicies' tier),
 * `baseline`, and one tier per Calico `Tier` (`calico:<name>`, at the Tier's order).
 */
export function compileGuardrails(objects: readonly GuardrailSource[]): CompiledGuardrails {
  const problems: string[] = [];
  const placed: Placed[] = [];
  const calicoTiers = new Map<string, CalicoTierDef>();
  const visit = (object: unknown, source: string | undefined): void => {
    if (isRecord(object) && object.kind === 'List' && Array.isArray(object.items)) {
      object.items.forEach((item, i) => visit(item, source ? `${source} items[${i}]` : `items[${i}]`));
      return;
    }
    const where = source ? `${source}: ` : '';
    const kind = classify(object);
    if (kind === 'other') return;
    const o = object as Record<string, unknown>;
    if (kind === 'unsupported') {
      const group = String(o.apiVersion).split('/')[0];
      const why = CALICO_GROUPS.has(group) ? 'selectors of Calico policies can match it, which netiso does not model' : UNSUPPORTED[group];
      problems.push(`${where}${o.apiVersion} ${o.kind} ${describeName(o)}: ${why}; the analysis would not be exact, so it is reported instead of ignored`);
      return;
    }
    try {
      const compiled = COMPILERS[`${o.apiVersion} ${o.kind}`](o);
      placed.push(...compiled.placed);
      for (const t of compiled.calicoTiers ?? []) if (!calicoTiers.has(t.name) || o.kind === 'Tier') calicoTiers.set(t.name, t);
    } catch (e) {
      problems.push(`${where}${(e as Error).message}`);
    }
  };
  for (const { object, source } of objects) visit(object, source);
  return { tiers: assemble(placed, calicoTiers, problems), problems };
}

const FIXED: Readonly<Record<'admin' | 'ciliumDeny' | 'networkPolicy' | 'baseline', Omit<Tier, 'policies'>>> = {
  admin: { name: 'admin', order: TIER_ORDER.admin, endAction: 'pass' },
  ciliumDeny: { name: 'ciliumDeny', order: TIER_ORDER.ciliumDeny, endAction: 'pass' },
  networkPolicy: { name: 'networkPolicy', order: TIER_ORDER.networkPolicy, endAction: 'deny' },
  baseline: { name: 'baseline', order: TIER_ORDER.baseline, endAction: 'pass' },
};

function assemble(placed: readonly Placed[], calicoTiers: ReadonlyMap<string, CalicoTierDef>, problems: string[]): Tier[] {
  const byTier = new Map<TierKey, TierPolicy[]>();
  const ids = new Set<string>();
  for (const { tier, policy } of placed) {
    const key = `${tier} ${policy.id}`;
    if (ids.has(key)) { problems.push(`${policy.id}: metadata.name: is declared twice; give each policy its own name`); continue; }
    ids.add(key);
    byTier.set(tier, [...(byTier.get(tier) ?? []), policy]);
  }
  const out: Tier[] = [];
  for (const [key, policies] of byTier) {
    let def: Omit<Tier, 'policies'>;
    if (key.startsWith('calico:')) {
      const name = key.slice('calico:'.length);
      const t = calicoTiers.get(name);
      if (!t) {
        problems.push(`${policies.map((p) => p.id).join(', ')}: spec.tier: tier "${name}" has no Tier object in the input; include the Tier (its order and default action decide the verdicts)`);
        continue;
      }
      def = { name: key, order: t.order, endAction: t.endAction };
    } else {
      def = FIXED[key as keyof typeof FIXED];
    }
    out.push({ ...def, policies: [...policies].sort((a, b) => a.priority - b.priority || compare(a.id, b.id)) });
  }
  return out.sort((a, b) => a.order - b.order || compare(a.name, b.name));
}

function describeName(o: Record<string, unknown>): string {
  const m = isRecord(o.metadata) ? o.metadata : {};
  return typeof m.namespace === 'string' ? `${m.namespace}/${String(m.name)}` : String(m.name);
}
