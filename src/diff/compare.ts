import {
  ConnSet, Connectivity, Labels, RuleRef, Step, TierPolicy, Universe, Workload, buildUniverse, compilePolicy, formatRange, rangeCidrs, tierPolicyOf,
} from '../analysis';
import { NETWORK_POLICY_TIER, withNetworkPolicies } from '../analysis/tiers';
import { compileGuardrails, isGuardrailKind } from '../guardrails/compile';
import { DataplaneSemantics, SPEC_SEMANTICS } from '../cni/semantics';
import { compare } from '../k8s/compare';
import { stableJson } from '../k8s/read';
import { CLUSTER_SCOPED_DIR, WORKSPACE_LABEL } from '../render/model';
import { Change, ChangeSet, Ends, SideAnswer, computeChanges } from './changes';
import { Describer, list, mergeRanges, namespaceOrder, where } from './describe';
import { FlowGroup, ObjectChanges, ProjectDiff, RISK_KINDS, Risk } from './report';
import { DiffInputError, DistTree, ProjectObjects } from './sides';
import { StandIns, standIns } from './standins';

type Obj = Record<string, unknown>;
type Projects = ReadonlyMap<string, ProjectObjects>;


/** How error messages name the two sides, e.g. `base (origin/main)`. */
type SideLabels = { readonly base: string; readonly head: string };

/** Options of a diff. */
export interface CompareOptions {
  readonly sides?: SideLabels;
  /**
   * The dataplane each state is analysed on (before, after); the same one twice compares two
   * trees, two profiles on one tree compare dataplanes. @default the NetworkPolicy specification
   */
  readonly dataplanes?: readonly [DataplaneSemantics, DataplaneSemantics];
  /** Also list every changed workload pair (see {@link PairChange}). */
  readonly pairs?: boolean;
}

/** The workloads of each side, when the trees hold workloads (manifests, not a `dist/`). */
export interface SideWorkloads {
  readonly workloads: readonly Workload[];
  /** Labels of the namespaces that exist on that side. */
  readonly namespaces: ReadonlyMap<string, Labels>;
}

/** What changed between two trees of clusters. */
export interface TreeDiff {
  readonly projects: ProjectDiff[];
  readonly risks: Risk[];
  readonly pairs?: PairChange[];
}

/** Compares two parsed sides cluster by cluster. */
export function diffTrees(base: DistTree, head: DistTree, options: CompareOptions = {}, workloads?: ReadonlyMap<string, readonly [SideWorkloads, SideWorkloads]>): TreeDiff {
  const names = [...new Set([...base.clusters.keys(), ...head.clusters.keys()])].sort(compare);
  const projects: ProjectDiff[] = [];
  const risks: Risk[] = [];
  const pairs: PairChange[] = [];
  for (const name of names) {
    const result = diffCluster(name, base.clusters.get(name) ?? new Map(), head.clusters.get(name) ?? new Map(), options, workloads?.get(name));
    projects.push(...result.projects);
    risks.push(...result.risks);
    pairs.push(...(result.pairs ?? []));
  }
  risks.sort((a, b) => RISK_KINDS.indexOf(a.kind) - RISK_KINDS.indexOf(b.kind) || compare(a.cluster, b.cluster) || compare(a.project, b.project) || compare(a.message, b.message));
  return { projects, risks, ...(options.pairs ? { pairs } : {}) };
}

/** One state of one cluster, as the analysis needs it. */
interface State {
  readonly tiers: ReturnType<typeof withNetworkPolicies>;
  readonly policies: Map<string, TierPolicy>;
  readonly declared: Map<string, Labels>;
  readonly projects: Projects;
  /** The object each NetworkPolicy was compiled from: both sides share unchanged ones. */
  readonly sources: Map<string, object>;
  /** The guardrail and CNI policy objects, in order. */
  readonly others: readonly object[];
}

/**
 * Compiled NetworkPolicies by the object they were read from. Both sides of a diff share the
 * objects of unchanged files (see `parseDist`), so each is compiled once: half the time and
 * memory of compiling a cluster's policies twice.
 */
type CompileCache = WeakMap<object, TierPolicy>;

function stateOf(projects: Projects, side: string, compiled: CompileCache): State {
  const declared = new Map<string, Labels>();
  const networkPolicies: TierPolicy[] = [];
  const sources = new Map<string, object>();
  const others: { object: object; source: string }[] = [];
  for (const [dir, project] of projects) {
    for (const [key, o] of project.objects) {
      const meta = (o.metadata ?? {}) as Obj;
      if (o.kind === 'Namespace' && typeof meta.name === 'string') declared.set(meta.name, (meta.labels ?? {}) as Labels);
      else if (o.kind === 'NetworkPolicy' && (o.apiVersion === undefined || o.apiVersion === 'networking.k8s.io/v1')) {
        try {
          let policy = compiled.get(o);
          if (!policy) compiled.set(o, policy = tierPolicyOf(compilePolicy(o)));
          networkPolicies.push(policy);
          sources.set(policy.id, o);
        } catch (e) {
          throw new DiffInputError(`${side}: ${(e as Error).message}`);
        }
      } else if (isGuardrailKind(o)) {
        others.push({ object: o, source: `${dir}/${key}` });
      }
    }
  }
  // Guardrails and CNI policies (CiliumNetworkPolicy beside a project's NetworkPolicies) are part of
  // what is enforced; one that cannot be analysed stops the diff rather than being left out.
  const guardrails = compileGuardrails(others);
  if (guardrails.problems.length) throw new DiffInputError(`${side}: ${guardrails.problems.join('; ')}`);
  const tiers = withNetworkPolicies(networkPolicies, guardrails.tiers);
  const policies = new Map(tiers.flatMap((t) => t.policies.map((p) => [p.id, p] as const)));
  return { tiers, policies, declared, projects, sources, others: others.map((o) => o.object) };
}

/**
 * Whether a class's side may differ between the states by its own inputs: its existence, labels,
 * ports or addresses, its namespace's labels, or the policies that select it (compared by the
 * objects they were read from, which both sides share when a file did not change). When no
 * input differs, the side can differ only towards peers whose inputs did.
 */
function inputsDiffer(universe: Universe, states: readonly [State, State]): (c: number, direction: 'egress' | 'ingress') => boolean {
  const [before, after] = universe.states;
  const sameOthers = states[0].others.length === states[1].others.length && states[0].others.every((o, i) => o === states[1].others[i]);
  if (!sameOthers || before.input.dataplane !== after.input.dataplane) return () => true;
  return (c, direction) => {
    const [vb, va] = [before.input.views[c], after.input.views[c]];
    if (!vb || !va) return true;
    if (vb.ipMembers.length || va.ipMembers.length) return true;
    if (vb.labels !== va.labels && JSON.stringify(vb.labels) !== JSON.stringify(va.labels)) return true;
    if (JSON.stringify(vb.namespaceLabels) !== JSON.stringify(va.namespaceLabels) || JSON.stringify(vb.ports) !== JSON.stringify(va.ports)) return true;
    const sb = before.selecting(c, direction);
    const sa = after.selecting(c, direction);
    return sb.length !== sa.length || sb.some((p, i) => p.policy !== sa[i].policy || states[0].sources.get(p.policy) !== states[1].sources.get(sa[i].policy));
  };
}

function diffCluster(cluster: string, base: Projects, head: Projects, options: CompareOptions, real?: readonly [SideWorkloads, SideWorkloads]): TreeDiff {
  const sides = options.sides ?? { base: 'base', head: 'head' };
  const compiled: CompileCache = new WeakMap();
  const states = [stateOf(base, sides.base, compiled), stateOf(head, sides.head, compiled)] as const;
  const projectNames = [...new Set([...base.keys(), ...head.keys()])].filter((p) => p !== CLUSTER_SCOPED_DIR).sort(compare);
  // A dist/ tree holds no workloads: exact stand-ins take their place. Manifests name real ones.
  const stand = real ? undefined : standIns(states.map((s) => ({ tiers: s.tiers, declared: s.declared, named: new Set([...s.projects.keys()].filter((p) => p !== CLUSTER_SCOPED_DIR)) })) as [never, never]);
  const dataplanes = options.dataplanes ?? [SPEC_SEMANTICS, SPEC_SEMANTICS];
  const namespaces = real ? real.map((r) => new Map(r.namespaces)) : (stand as StandIns).namespaces;
  const universe = buildUniverse(states.map((s, i) => ({
    tiers: s.tiers,
    namespaces: namespaces[i],
    workloads: real ? real[i].workloads : (stand as StandIns).workloads[i],
    dataplane: dataplanes[i],
  })));
  const changeSet = computeChanges(universe, inputsDiffer(universe, states));
  const portNames = new Map([...(stand?.namedPorts ?? [])].map(([key, port]) => {
    const [protocol, name] = key.split('/');
    return [`${protocol}/${port}`, name] as const;
  }));
  const workloadOf = new Map((stand?.workloads ?? [[], []]).flat().map((w) => [`${w.namespace}/${w.name}`, w] as const));
  const keysByNamespace = new Map<string, Set<string>>();
  for (const w of workloadOf.values()) {
    const keys = keysByNamespace.get(w.namespace) ?? new Set<string>();
    for (const k of Object.keys(w.labels)) keys.add(k);
    keysByNamespace.set(w.namespace, keys);
  }
  const describer = new Describer(universe, changeSet.groups, (c) => classWords(universe, c, workloadOf, keysByNamespace), portNames);
  // In manifests every namespace is a project of the report.
  const isProject = new Set(real ? universe.classes.map((c) => c.namespace) : projectNames);
  const flows = flowGroups(changeSet, universe, describer, isProject, states);

  const risks: Risk[] = [];
  const projects: ProjectDiff[] = [];
  const workspaceOf = (ns: string): string | undefined => namespaces[1].get(ns)?.[WORKSPACE_LABEL];
  const reported = [...new Set([...projectNames, ...(real ? isProject : [])])].sort(compare);
  for (const project of [...reported, ...(base.has(CLUSTER_SCOPED_DIR) || head.has(CLUSTER_SCOPED_DIR) ? [CLUSTER_SCOPED_DIR] : [])]) {
    const b = base.get(project);
    const h = head.get(project);
    const objects = diffObjects(b, h);
    const own = flows.get(project) ?? [];
    const risk = (kind: Risk['kind'], message: string) => risks.push({ kind, cluster, project, message: `${cluster}/${project}: ${message}` });
    if (project === CLUSTER_SCOPED_DIR) {
      for (const removed of objects.removed) risk('guardrail-removed', `cluster-scoped ${removed} removed; what it denied is up to NetworkPolicy again, which tenants can rewrite`);
    } else if (b && !h) {
      risk('project-removed', namespaces[1].has(project)
        ? 'project removed; pruning deletes its NetworkPolicies while its namespace stays, so its pods fail open'
        : 'project removed; pruning deletes its Namespace and every workload in it');
    }
    const opened = own.filter((f) => f.change === 'allowed');
    for (const direction of ['ingress', 'egress'] as const) {
      const lifted = isolationLifted(universe, project, direction);
      if (lifted && opened.some((f) => f.direction === direction)) {
        risk(direction === 'ingress' ? 'isolation-removed' : 'egress-lockdown-lifted', direction === 'ingress'
          ? 'no policy isolates ingress to its pods any more'
          : 'egress lockdown lifted; its pods may connect anywhere');
      }
    }
    const mine = workspaceOf(project);
    for (const f of opened) {
      if (f.direction === 'ingress' && f.external) {
        const open = f.internet ?? [];
        if (open.length) risk('internet-ingress', `ingress from ${open.join(' and ')} to ${f.pods} on ${f.ports} is now allowed (${f.reason})`);
        else risk('external-ingress', f.text.slice(2));
      }
      for (const ns of f.peerNamespaces) {
        const theirs = workspaceOf(ns);
        if (mine && theirs && mine !== theirs) {
          risk('cross-workspace', `${f.direction} ${f.direction === 'ingress' ? 'from' : 'to'} namespace ${ns} (workspace ${theirs}) on ${f.ports} is now allowed; ${project} is in workspace ${mine}`);
        }
      }
    }
    if (!own.length && !objects.added.length && !objects.removed.length && !objects.changed.length) continue;
    projects.push({ cluster, project, status: !b ? 'added' : !h ? 'removed' : 'changed', objects, flows: own });
  }
  return { projects, risks, ...(options.pairs ? { pairs: pairChanges(cluster, changeSet, universe, describer) } : {}) };
}

/** One changed ordered pair of workloads, or of a workload and outside addresses. */
export interface PairChange {
  readonly cluster: string;
  /** `namespace/name`, or address ranges (`a.b.c.d-e.f.g.h`, np-guard's form). */
  readonly from: string;
  readonly to: string;
  /** Connections before and after, np-guard's form (`No Connections` when none). */
  readonly before: string;
  readonly after: string;
  /** Which end exists on one side only. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

/**
 * Every changed pair of distinct workloads (and of workloads and address ranges, IPv4 and IPv6):
 * what np-guard's `diff` lists. A workload's pods among themselves are in the flow groups only.
 */
function pairChanges(cluster: string, changeSet: ChangeSet, universe: Universe, describer: Describer): PairChange[] {
  const [before, after] = universe.states;
  const out: PairChange[] = [];
  const ends = (e: Ends): { names: string[]; cls?: number[] } => {
    if (e.kind === 'addresses' || e.kind === 'otherAddresses') return { names: describer.ranges(e).map(formatRange) };
    const classes = describer.classes(e);
    return { names: [], cls: classes };
  };
  for (const change of changeSet.changes) {
    const from = ends(change.from);
    const to = ends(change.to);
    const refs = (x: { names: string[]; cls?: number[] }) => x.cls ? x.cls.flatMap((c) => universe.classes[c].workloads.map((w) => ({ w, c }))) : x.names.map((w) => ({ w, c: -1 }));
    for (const a of refs(from)) {
      for (const b of refs(to)) {
        if (a.w === b.w) continue;
        const presence = (state: Connectivity, c: number) => c < 0 || state.present(c);
        const added = [a, b].filter((x) => x.c >= 0 && !presence(before, x.c) && presence(after, x.c)).map((x) => x.w);
        const removed = [a, b].filter((x) => x.c >= 0 && presence(before, x.c) && !presence(after, x.c)).map((x) => x.w);
        out.push({ cluster, from: a.w, to: b.w, before: change.before.toString(), after: change.after.toString(), ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) });
      }
    }
  }
  return out.sort((x, y) => compare(x.from, y.from) || compare(x.to, y.to));
}

/** Whether some pod of the namespace was isolated for `direction` before and no pod is after. */
function isolationLifted(universe: Universe, namespace: string, direction: 'ingress' | 'egress'): boolean {
  const [before, after] = universe.states;
  const mine = classesIn(universe).get(namespace) ?? [];
  const isolated = (state: Connectivity, c: number) => state.present(c) && state.selecting(c, direction).some((s) => s.isolates);
  return mine.some((c) => isolated(before, c.index)) && !mine.some((c) => isolated(after, c.index));
}

const byNamespace = new WeakMap<Universe, Map<string, Universe['classes'][number][]>>();

/** The universe's classes by namespace, computed once per universe. */
function classesIn(universe: Universe): Map<string, Universe['classes'][number][]> {
  let map = byNamespace.get(universe);
  if (!map) {
    map = new Map();
    for (const c of universe.classes) {
      const list = map.get(c.namespace);
      if (list) list.push(c);
      else map.set(c.namespace, [c]);
    }
    byNamespace.set(universe, map);
  }
  return map;
}

/** How a class reads within its namespace: stand-ins by labels, workloads by name. */
function classWords(universe: Universe, cls: number, standIn: ReadonlyMap<string, Workload>, keysByNamespace: ReadonlyMap<string, ReadonlySet<string>>): string {
  const refs = universe.classes[cls].workloads;
  const labels = refs.map((r) => standIn.get(r)?.labels).find((l) => l !== undefined);
  if (labels) {
    const keys = Object.keys(labels).sort(compare);
    if (keys.length) return `pods with ${keys.map((k) => `${k}=${labels[k]}`).join(',')}`;
    // The stand-in without labels: the pods that carry none of the keys its siblings have.
    const siblingKeys = [...(keysByNamespace.get(universe.classes[cls].namespace) ?? [])].sort(compare);
    return siblingKeys.length ? `pods without ${siblingKeys.join(', ')}` : 'any pod';
  }
  const names = refs.map((r) => r.slice(r.indexOf('/') + 1));
  return names.length === 1 ? `workload ${names[0]}` : `workloads ${list(names)}`;
}

/** One project's view of one changed block, before grouping. */
interface Record_ {
  readonly project: string;
  readonly direction: 'ingress' | 'egress';
  readonly change: 'allowed' | 'denied';
  readonly local: readonly number[];
  readonly peer: Ends;
  readonly conns: ConnSet;
  readonly reason: string;
  readonly rules: readonly RuleRef[];
  readonly internet: readonly string[];
}

type Grouped = FlowGroup;

function flowGroups(changeSet: ChangeSet, universe: Universe, describer: Describer, isProject: ReadonlySet<string>, states: readonly [State, State]): Map<string, Grouped[]> {
  const [before, after] = universe.states;
  const records: Record_[] = [];
  for (const change of changeSet.changes) {
    for (const kind of ['allowed', 'denied'] as const) {
      const delta = kind === 'allowed' ? change.after.subtract(change.before) : change.before.subtract(change.after);
      if (delta.isEmpty) continue;
      const sidesChanged = {
        egress: sideChanged(change.egress, delta),
        ingress: sideChanged(change.ingress, delta),
      };
      const internet = kind === 'allowed' ? internetSources(change, delta, after, states[1]) : [];
      for (const [direction, localEnds, peer] of [['egress', change.from, change.to], ['ingress', change.to, change.from]] as const) {
        if (!sidesChanged[direction]) continue;
        const byProject = new Map<string, number[]>();
        for (const c of describer.classes(localEnds)) {
          const ns = universe.classes[c].namespace;
          if (!isProject.has(ns)) continue;
          const list_ = byProject.get(ns);
          if (list_) list_.push(c);
          else byProject.set(ns, [c]);
        }
        if (byProject.size === 0) continue;
        const why = reasonFor(change[direction], delta, kind, direction, before, after);
        for (const [project, local] of byProject) {
          // A block's answer comes from one of its classes; its NetworkPolicies are the project's own
          // of the same names (the block groups classes whose reasons read alike).
          const rules = why.rules.map((r) => (r.policy.includes(' ') ? r : { ...r, policy: `${project}/${r.policy.slice(r.policy.indexOf('/') + 1)}` }));
          records.push({ project, direction, change: kind, local, peer, conns: delta, reason: why.reason, rules, internet: direction === 'ingress' ? internet : [] });
        }
      }
    }
  }
  return groupRecords(records, describer, universe);
}

/** Whether the side's answer differs on `delta` between the states (addresses have no side). */
function sideChanged(side: Change['egress'], delta: ConnSet): boolean {
  if (!side.before && !side.after) return false;
  const on = (a: SideAnswer | undefined) => (a && a.present ? a.result.allowed.intersect(delta) : ConnSet.NONE);
  return on(side.before) !== on(side.after);
}

/** Why one side's answer on `delta` changed, in words, and the rules that allow it now (or allowed it before). */
function reasonFor(side: Change['egress'], delta: ConnSet, kind: 'allowed' | 'denied', direction: 'ingress' | 'egress', before: Connectivity, after: Connectivity): { reason: string; rules: RuleRef[] } {
  const allowRules = (state: Connectivity, answer: SideAnswer) => stepsOn(state, answer, delta)
    .filter((s): s is Extract<Step, { kind: 'rule' }> => s.kind === 'rule' && s.rule.action === 'allow').map((s) => s.rule);
  if (kind === 'allowed') {
    const rules = allowRules(after, side.after as SideAnswer);
    if (rules.length) return { reason: `allowed by ${rules.map(ruleName).join(', ')}`, rules: dedupeRules(rules) };
    const unknown = stepsOn(after, side.after as SideAnswer, delta).find((s): s is Extract<Step, { kind: 'unknown' }> => s.kind === 'unknown');
    if (unknown) return { reason: `possibly allowed: ${unknown.why}`, rules: [] };
    return { reason: side.before?.present ? `no policy isolates ${direction} any more` : `new, not isolated for ${direction}`, rules: [] };
  }
  const was = side.before?.present ? allowRules(before, side.before) : [];
  const now = side.after;
  if (!now || !now.present) return { reason: direction === 'egress' ? 'the source is gone' : 'the destination is gone', rules: dedupeRules(was) };
  const denying = stepsOn(after, now, delta).filter((s) => s.kind !== 'default' && !(s.kind === 'rule' && s.rule.action === 'allow'));
  const denyRules = denying.flatMap((s) => (s.kind === 'rule' ? [s.rule] : []));
  if (denyRules.length) return { reason: `denied by ${denyRules.map(ruleName).join(', ')}`, rules: dedupeRules(was) };
  if (was.length) return { reason: `was allowed by ${was.map(ruleName).join(', ')}`, rules: dedupeRules(was) };
  const isolating = [...new Set(denying.flatMap((s) => (s.kind === 'isolated' ? s.policies : [])))];
  return { reason: `isolated by ${isolating.map(policyName).join(', ')}; no rule allows it`, rules: [] };
}

function stepsOn(state: Connectivity, answer: SideAnswer, delta: ConnSet): Step[] {
  if (!answer.present || answer.result.reason < 0) return [];
  return state.reason(answer.result.reason).filter((s) => !s.conns.intersect(delta).isEmpty);
}

/** The `/0` blocks (or `everyone`) that newly let addresses in: what makes ingress internet-wide. */
function internetSources(change: Change, delta: ConnSet, after: Connectivity, state: State): string[] {
  if (change.from.kind !== 'addresses' && change.from.kind !== 'otherAddresses') return [];
  const answer = change.ingress.after;
  if (!answer || !answer.present) return [];
  const out = new Set<string>();
  for (const step of stepsOn(after, answer, delta)) {
    if (step.kind !== 'rule' || step.rule.action !== 'allow') continue;
    const rule = state.policies.get(step.rule.policy)?.[step.rule.direction]?.find((r) => r.index === step.rule.ruleIndex);
    for (const peer of rule?.peers ?? []) {
      if (peer.kind === 'all') out.add('everyone (any address)');
      if (peer.kind === 'ips') for (const b of peer.blocks) if (b.cidr.bits === 0) out.add(b.key);
    }
  }
  return [...out].sort(compare);
}

/** `netiso-from-web rule 0`, `ClusterNetworkPolicy netiso-tenant-web rule 2 "deny-others" (admin tier)`. */
function ruleName(ref: RuleRef): string {
  const name = ref.name !== undefined ? ` ${JSON.stringify(ref.name)}` : '';
  const tier = ref.tier !== undefined && ref.tier !== NETWORK_POLICY_TIER ? ` (${ref.tier} tier)` : '';
  return `${policyName(ref.policy)} rule ${ref.ruleIndex}${name}${tier}`;
}

/** A NetworkPolicy by its name (the namespace is the project's), other kinds as they are. */
function policyName(id: string): string {
  return id.includes(' ') ? id : id.slice(id.indexOf('/') + 1);
}

function dedupeRules(rules: readonly RuleRef[]): RuleRef[] {
  const seen = new Map<string, RuleRef>();
  for (const r of rules) seen.set(`${r.policy}|${r.direction}|${r.ruleIndex}`, r);
  return [...seen.values()].sort((a, b) => compare(a.policy, b.policy) || compare(a.direction, b.direction) || a.ruleIndex - b.ruleIndex);
}

/**
 * Folds records into readable groups: first the project's pods (same peer, ports, reason), then
 * the peers (same pods, ports, reason).
 */
function groupRecords(records: readonly Record_[], describer: Describer, universe: Universe): Map<string, Grouped[]> {
  const endsKey = (e: Ends): string => JSON.stringify(e);
  const byPeer = new Map<string, { r: Record_; local: Set<number> }>();
  for (const r of records) {
    const key = JSON.stringify([r.project, r.direction, r.change, endsKey(r.peer), r.conns.id, r.reason]);
    const entry = byPeer.get(key) ?? { r, local: new Set<number>() };
    for (const c of r.local) entry.local.add(c);
    byPeer.set(key, entry);
  }
  const byLocal = new Map<string, { r: Record_; local: number[]; peers: Ends[]; rules: RuleRef[]; internet: Set<string> }>();
  const FULL = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n } as const;
  for (const { r, local } of byPeer.values()) {
    const sorted = [...local].sort((a, b) => a - b);
    const key = JSON.stringify([r.project, r.direction, r.change, sorted, r.conns.id, r.reason]);
    const entry = byLocal.get(key) ?? { r, local: sorted, peers: [], rules: [], internet: new Set<string>() };
    entry.peers.push(r.peer);
    entry.rules.push(...r.rules);
    for (const i of r.internet) entry.internet.add(i);
    byLocal.set(key, entry);
  }
  const out = new Map<string, Grouped[]>();
  for (const { r, local, peers, rules, internet } of byLocal.values()) {
    const pods = describer.pods(local, r.project).text;
    const peerClasses = [...new Set(peers.flatMap((p) => describer.classes(p)))].sort((a, b) => a - b);
    const peerRanges = peers.flatMap((p) => describer.ranges(p));
    // Ingress newly open to every address of a family is internet-wide, whatever allowed it.
    if (r.direction === 'ingress' && r.change === 'allowed') {
      for (const range of peerRanges) if (range.lo === 0n && range.hi === FULL[range.family]) internet.add(range.family === 4 ? '0.0.0.0/0' : '::/0');
    }
    const podPeers = peerClasses.length ? describer.pods(peerClasses, r.project, 'all pods of the project') : undefined;
    const addressText = peerRanges.length ? describer.addresses(peerRanges) : '';
    const peer = [podPeers?.text, addressText].filter(Boolean).join('; ');
    const ports = describer.conns(r.conns);
    const sentence = r.direction === 'ingress' ? `ingress from ${peer} to ${pods}` : `egress from ${pods} to ${peer}`;
    const text = `${r.change === 'allowed' ? '+' : '-'} ${sentence} on ${ports}: now ${r.change} (${r.reason})`;
    const group: Grouped = {
      direction: r.direction,
      change: r.change,
      pods,
      peer,
      ports,
      conns: r.conns.toString(),
      reason: r.reason,
      rules: dedupeRules(rules),
      external: peerRanges.length > 0,
      peerNamespaces: (podPeers?.namespaces ?? []).filter((ns) => !ns.startsWith('(')),
      peerCidrs: mergeRanges(peerRanges).flatMap(rangeCidrs),
      localWorkloads: local.flatMap((c) => universe.classes[c].workloads),
      peerWorkloads: peerClasses.flatMap((c) => universe.classes[c].workloads),
      text,
      ...(internet.size ? { internet: [...internet].sort(compare) } : {}),
    };
    const list_ = out.get(r.project);
    if (list_) list_.push(group);
    else out.set(r.project, [group]);
  }
  for (const groups of out.values()) {
    groups.sort((a, b) => compare(a.change, b.change) || compare(a.direction, b.direction) || compare(a.peer, b.peer) || compare(a.pods, b.pods) || compare(a.ports, b.ports));
  }
  return out;
}

function diffObjects(base: ProjectObjects | undefined, head: ProjectObjects | undefined): ObjectChanges {
  const b = base?.objects ?? new Map<string, Obj>();
  const h = head?.objects ?? new Map<string, Obj>();
  const keys = [...new Set([...b.keys(), ...h.keys()])].sort(compare);
  return {
    added: keys.filter((k) => !b.has(k)),
    removed: keys.filter((k) => !h.has(k)),
    // Both sides share the object of an unchanged file; only the others need comparing by content.
    changed: keys.filter((k) => b.has(k) && h.has(k) && b.get(k) !== h.get(k) && stableJson(b.get(k)) !== stableJson(h.get(k))),
  };
}

export { namespaceOrder, where };
