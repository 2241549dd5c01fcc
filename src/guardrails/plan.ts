import { compare } from '../k8s/compare';
import { Labels } from '../k8s/names';
import { ClusterSettings, WORKSPACE_LABEL } from '../render/model';
import { Port } from '../values/port';
import { checkDenials } from './deny-check';
import { DenyFinding, DenyListInput, denySubject, GuardrailInput, ProjectGuardInput } from './input';
import { ALL_PODS, byName, GuardObject, GuardPeer, GuardrailPlan, GuardRole, GuardRule, GuardSubject, podsPeer } from './model';
import { readRenderedPolicy, RenderedPolicy, RenderedRule } from './netpol';
import { assignPriorities } from './priorities';

/** The plan plus what is wrong with the input, located by construct path. */
export interface PlanResult {
  readonly plan: GuardrailPlan;
  readonly problems: readonly DenyFinding[];
  readonly warnings: readonly DenyFinding[];
}

/** Name of the object that ends the system protection with a Deny for tenants. */
export const SYSTEM_OBJECT = 'system';

/**
 * Derives every guardrail object of a cluster:
 * - per isolated project (or per workspace, in workspace isolation) Pass rules for exactly what
 *   the project's NetworkPolicies admit from pods, then a Deny for every other pod; rules of
 *   policies narrowed to some pods go into objects of their own for those pods;
 * - for protected namespaces a Pass for the cluster DNS and for every entry that names pods
 *   there, then a Deny for the tenants;
 * - one object per `DenyList`;
 * - optionally a Baseline default deny for namespaces that are not projects.
 * Pure: the same input gives the same plan.
 */
export function planGuardrails(input: GuardrailInput): PlanResult {
  const { settings, options } = input;
  const projects = [...input.projects].sort((a, b) => compare(a.name, b.name));
  const tenants = projects.map((p) => p.name);
  const policies = new Map(projects.map((p) => [p.name, p.networkPolicies.map(readRenderedPolicy)]));
  const problems: DenyFinding[] = [];
  const objects: Omit<GuardObject, 'priority'>[] = [
    ...systemObjects(settings, options.protectedNamespaces, projects, policies),
    ...denyObjects(input.denyLists, projects),
    ...tenantObjects(projects, policies),
  ];
  if (options.defaultDenyUnmanaged) {
    objects.push({
      name: 'baseline.unmanaged',
      role: 'baseline',
      subject: { namespaces: [...tenants, ...options.protectedNamespaces].sort(compare), exceptNamespaces: true, pods: {} },
      ingress: [{ name: 'pods', action: 'deny', peers: [ALL_PODS], ports: [] }],
      description: 'Default deny for pods of namespaces that are not netiso projects, unless a NetworkPolicy of their own admits the traffic.',
    });
  }
  const { priorities, problems: overflow } = assignPriorities(
    objects.map((o) => ({ name: o.name, role: o.role, last: o.name === SYSTEM_OBJECT })),
    options.priorityRange,
  );
  problems.push(...overflow.map((message) => ({ path: '', message })));
  const findings = checkDenials(input);
  return {
    plan: {
      api: options.api,
      namespaceLabel: settings.namespaceLabel,
      projects: tenants,
      objects: objects
        .map((o) => ({ ...o, priority: priorities.get(o.name) ?? options.priorityRange[0] }))
        .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.priority - b.priority || compare(a.name, b.name)),
    },
    problems: [...problems, ...findings.problems],
    warnings: findings.warnings,
  };
}

const ROLE_ORDER: readonly GuardRole[] = ['system', 'deny', 'scoped', 'tenant', 'baseline'];

type Draft = Omit<GuardObject, 'priority'>;

/** Tenant objects: one per project-isolated project and one per isolated workspace, plus narrowed ones. */
function tenantObjects(projects: readonly ProjectGuardInput[], policies: ReadonlyMap<string, RenderedPolicy[]>): Draft[] {
  const out: Draft[] = [];
  const groups = new Map<string, ProjectGuardInput[]>();
  for (const p of projects) {
    if (p.isolation === 'none') continue;
    const main = p.isolation === 'workspace' ? `workspace.${p.workspace}` : `project.${p.name}`;
    groups.set(main, [...(groups.get(main) ?? []), p]);
  }
  for (const [main, members] of groups) {
    const rules = new Map<string, GuardRule>();
    for (const p of members) {
      const scoped = new Map<string, { pods: Labels; rules: Map<string, GuardRule>; first: string }>();
      for (const policy of policies.get(p.name) ?? []) {
        const target = Object.keys(policy.podSelector).length === 0 ? rules : scopedRules(scoped, policy);
        policy.ingress?.forEach((rule, i) => addPass(target, passRule(policy, rule, i)));
      }
      for (const s of scoped.values()) {
        out.push({
          name: `project.${p.name}.${s.first}`,
          role: 'scoped',
          subject: { namespaces: [p.name], pods: s.pods },
          ingress: [...s.rules.values()],
          narrows: main,
          description: `Passes to NetworkPolicy what project ${p.name} admits into its pods ${describeLabels(s.pods)}; other traffic goes on to ${main}.`,
        });
      }
    }
    const names = members.map((m) => m.name);
    out.push({
      name: main,
      role: 'tenant',
      subject: { namespaces: names, pods: {} },
      ingress: [...rules.values(), { name: 'other-namespaces', action: 'deny', peers: [ALL_PODS], ports: [] }],
      description: main.startsWith('workspace.')
        ? `Passes to NetworkPolicy what the workspace isolation of ${main.slice('workspace.'.length)} admits from pods, and denies every other pod, whatever NetworkPolicy the tenants write.`
        : `Passes to NetworkPolicy what the isolation of project ${names[0]} admits from pods, and denies every other pod, whatever NetworkPolicy the tenants write.`,
    });
  }
  return out;
}

function scopedRules(scoped: Map<string, { pods: Labels; rules: Map<string, GuardRule>; first: string }>, policy: RenderedPolicy): Map<string, GuardRule> {
  const key = labelsKey(policy.podSelector);
  let entry = scoped.get(key);
  if (!entry) scoped.set(key, entry = { pods: policy.podSelector, rules: new Map(), first: shortName(policy.name) });
  return entry.rules;
}

/** The Pass rule for one ingress rule of a rendered policy; undefined when it names no pods (only ipBlocks). */
function passRule(policy: RenderedPolicy, rule: RenderedRule, index: number): GuardRule | undefined {
  const peers: GuardPeer[] = rule.peers === undefined
    ? [ALL_PODS]
    : rule.peers.flatMap((peer) => peer.kind === 'pods'
      ? [podsPeer(peer.namespace ? { key: peer.namespace.key, values: [peer.namespace.value] } : byName([policy.namespace]), peer.pods)]
      : []);
  if (peers.length === 0) return undefined;
  return { name: index === 0 ? policy.name : `${policy.name}.${index}`, action: 'pass', peers, ports: rule.ports };
}

/** Adds a rule unless an identical one (same peers and ports) is there already, e.g. in every project of a workspace. */
function addPass(rules: Map<string, GuardRule>, rule: GuardRule | undefined): void {
  if (!rule) return;
  const key = ruleKey(rule);
  if (!rules.has(key)) rules.set(key, rule);
}

/** System protection: Pass what the cluster declares into protected namespaces, then deny the tenants. */
function systemObjects(settings: ClusterSettings, protectedNamespaces: readonly string[], projects: readonly ProjectGuardInput[], policies: ReadonlyMap<string, RenderedPolicy[]>): Draft[] {
  if (protectedNamespaces.length === 0) return [];
  const protectedSet = new Set(protectedNamespaces);
  const out: Draft[] = [];
  const dns = settings.dns;
  const seen = new Set<string>();
  if (protectedSet.has(dns.namespace)) {
    seen.add(grantKey(dns.namespace, dns.podLabels, dns.ports, '*'));
    out.push({
      name: 'system.dns',
      role: 'system',
      subject: { namespaces: [dns.namespace], pods: dns.podLabels },
      ingress: [{ name: 'dns', action: 'pass', peers: [ALL_PODS], ports: dns.ports }],
      description: `Passes DNS queries to the cluster DNS pods ${describeLabels(dns.podLabels)} in ${dns.namespace} to NetworkPolicy.`,
    });
  }
  for (const p of projects) {
    for (const policy of policies.get(p.name) ?? []) {
      let n = 0;
      for (const rule of policy.egress ?? []) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'pods' || !peer.namespace || peer.namespace.key !== settings.namespaceLabel || !protectedSet.has(peer.namespace.value)) continue;
          const ns = peer.namespace.value;
          const isDns = ns === dns.namespace && labelsKey(peer.pods) === labelsKey(dns.podLabels) && portsKey(rule.ports) === portsKey(dns.ports);
          const key = grantKey(ns, peer.pods, rule.ports, p.name);
          if (isDns || seen.has(key)) continue;
          seen.add(key);
          n++;
          out.push({
            name: `system.${p.name}.${shortName(policy.name)}${n > 1 ? `.${n}` : ''}`,
            role: 'system',
            subject: { namespaces: [ns], pods: peer.pods },
            ingress: [{ name: `from-${p.name}`, action: 'pass', peers: [podsPeer(byName([p.name]))], ports: rule.ports }],
            description: `Passes to NetworkPolicy what ${policy.name} of project ${p.name} declares into the protected namespace ${ns}.`,
          });
        }
      }
    }
  }
  if (projects.length) {
    out.push({
      name: SYSTEM_OBJECT,
      role: 'system',
      subject: { namespaces: [...protectedNamespaces].sort(compare), pods: {} },
      ingress: [{ name: 'tenants', action: 'deny', peers: [podsPeer(byName(projects.map((p) => p.name)))], ports: [] }],
      description: 'Denies the pods of netiso projects everything in the protected namespaces that the cluster does not declare.',
    });
  }
  return out;
}

/** One object per deny list that applies to at least one project. */
function denyObjects(denyLists: readonly DenyListInput[], projects: readonly ProjectGuardInput[]): Draft[] {
  const out: Draft[] = [];
  for (const d of denyLists) {
    const subject = denySubject(d, projects);
    if (subject.length === 0) continue;
    const ingress: GuardRule[] = [];
    const egress: GuardRule[] = [];
    if (d.cidrs.length) egress.push({ name: 'cidrs', action: 'deny', peers: [{ kind: 'cidrs', cidrs: d.cidrs }], ports: d.ports });
    for (const [name, peer] of [
      ['namespaces', d.namespaces.length ? podsPeer(byName(d.namespaces)) : undefined],
      ['workspaces', d.workspaces.length ? podsPeer({ key: WORKSPACE_LABEL, values: d.workspaces }) : undefined],
    ] as const) {
      if (!peer) continue;
      egress.push({ name, action: 'deny', peers: [peer], ports: d.ports });
      ingress.push({ name, action: 'deny', peers: [peer], ports: d.ports });
    }
    out.push({
      name: `deny.${d.scope.kind}.${d.scope.kind === 'cluster' ? '' : `${d.scope.name}.`}${d.id}`,
      role: 'deny',
      subject: { namespaces: subject, pods: {} },
      ingress: ingress.length ? ingress : undefined,
      egress: egress.length ? egress : undefined,
      description: `DenyList ${d.path}: never allowed, whatever any NetworkPolicy says.`,
    });
  }
  return out;
}

/** `netiso-from-x` → `from-x`: object names already say netiso. */
function shortName(policy: string): string {
  return policy.startsWith('netiso-') ? policy.slice('netiso-'.length) : policy;
}

function grantKey(namespace: string, pods: Labels, ports: readonly Port[], from: string): string {
  return `${namespace}#${labelsKey(pods)}#${portsKey(ports)}#${from}`;
}

function labelsKey(labels: Labels): string {
  return Object.entries(labels).sort(([a], [b]) => compare(a, b)).map(([k, v]) => `${k}=${v}`).join(',');
}

function portsKey(ports: readonly Port[]): string {
  return ports.map((p) => p.key).sort(compare).join(',');
}

function ruleKey(rule: GuardRule): string {
  const peers = rule.peers.map((p) => (p.kind === 'cidrs' ? `cidrs:${p.cidrs.join(',')}` : `${'all' in p.namespaces ? '*' : `${p.namespaces.key}=${p.namespaces.values.join('|')}`}/${labelsKey(p.pods)}`));
  return `${rule.action}:${peers.sort(compare).join(';')}@${portsKey(rule.ports)}`;
}

/** `k8s-app=kube-dns`, or `(all)` for every pod. */
function describeLabels(labels: Labels): string {
  const text = labelsKey(labels);
  return text ? `(${text})` : '(all)';
}

/** The subject of an object in words, for messages. */
export function describeSubject(subject: GuardSubject): string {
  const ns = subject.exceptNamespaces ? `namespaces other than ${subject.namespaces.join(', ')}` : `namespace${subject.namespaces.length > 1 ? 's' : ''} ${subject.namespaces.join(', ')}`;
  return `pods ${describeLabels(subject.pods)} of ${ns}`;
}
