import { ConnSet, IpAddress, PeerRef, SideFunction, SideResult, TierPolicy, describePolicy, describeSelector, parseIp } from '../analysis';
import { ruleLine, tierRuleLine } from '../analysis/describe';
import { NETWORK_POLICY_TIER } from '../analysis/tiers';
import { addressOutside } from '../k8s/ip';
import { compare } from '../k8s/compare';
import { Cluster } from '../constructs/cluster';
import { ISOLATION_POLICY_NAME } from '../render/project';
import { WORKSPACE_LABEL } from '../render/model';
import { Analysis, ClusterAnalysis, ManifestAnalysis } from '../report/analyze';
import { Because, ReasonBook } from '../report/because';
import { ExplainReport, scopeOf } from '../report/report';
import { Scope, at } from '../report/summary';
import {
  ClusterBuilder, DefinitionSource, EXPLORER_SCHEMA, ExplorerData, ExplorerGroup, ExplorerPolicy, FlowAnswer, GroupKind, RuleRef, SideAnswer, side,
} from './model';

/** One member of a group on the axis: a workload (its class), an address (its class), a node, or the ingress controller. */
type Member =
  | { readonly kind: 'pod'; readonly cls: number; readonly ref: string }
  | { readonly kind: 'address'; readonly ipClass: number; readonly ip: IpAddress }
  | { readonly kind: 'node'; readonly peer: PeerRef }
  | { readonly kind: 'controller' };

interface Group {
  readonly group: ExplorerGroup;
  readonly members: readonly Member[];
}

const NOT_ENFORCED = 'the dataplane does not enforce NetworkPolicy, so every connection is allowed';

/**
 * The explorer's data for one analysed cluster (`netiso explain --format html`), from the engine's
 * answers: groups are namespaces (projects first), external addresses, nodes and the ingress
 * controller; members are workloads; each member pair's answer lists its connections as flows,
 * the allowed ones with the rules of both sides and the denied ones with what denied them.
 *
 * Built like the report, without visiting pairs one by one: a cell whose members no specific rule
 * of either side names gets a block computed from its groups' default sides, shared by every such
 * cell; only cells that some rule names are computed member by member. Policy references are
 * relative to the side's namespace, so the same answer in every project is stored once.
 * `report` gives the scope, the lint findings and the synthesis warnings.
 */
export function explainExplorerData(analysis: Analysis, report: ExplainReport): ExplorerData {
  return new Producer(analysis, report).data();
}

class Producer {
  private readonly builder: ClusterBuilder;
  private readonly conn;
  private readonly reasons;
  private readonly groups: Group[];
  private readonly scope: Scope;
  private readonly exemption?: string;
  private readonly answers = new Map<string, number>();

  constructor(private readonly analysis: Analysis, private readonly report: ExplainReport) {
    this.builder = new ClusterBuilder(analysis.name);
    this.conn = analysis.engine.connectivity;
    this.reasons = new ReasonBook(this.conn);
    this.scope = scopeOf(analysis, report.scope);
    this.exemption = analysis.engine.dataplane.enforcesNetworkPolicy ? undefined : NOT_ENFORCED;
    const groups = this.groupsOf();
    const byId = new Map(groups.map((g) => [g.group.id, g]));
    this.groups = orderGroups(groups.map((g) => g.group)).map((g) => byId.get(g.id) as Group);
  }

  data(): ExplorerData {
    for (const g of this.groups) this.builder.group(g.group);
    for (const p of this.policies()) this.builder.policy(p);
    this.cells();
    const ids = new Set(this.groups.map((g) => g.group.id));
    for (const l of this.report.lint) this.builder.finding({ rule: l.rule, subject: l.subject, message: l.message, groups: groupsNamed(l.subject, ids) });
    for (const w of this.report.warnings) {
      // Warnings are located by construct path: `<cluster>/<project>/<part>`.
      const project = w.path.split('/')[1];
      this.builder.finding({ rule: 'synthesis-warning', subject: w.path, message: w.message, groups: project !== undefined && ids.has(project) ? [project] : [] });
    }
    this.builder.note('Each cell holds, per workload pair, the connections allowed (with the rules of both sides) and the connections denied (with what denied them), as sets of ports: `TCP 80,443`, `All Connections`, `all but TCP 80`.');
    this.builder.note('Policies are named within the namespace of their side (the source\'s for egress, the destination\'s for ingress); policies of other APIs by their full id.');
    if (this.groups.some((g) => g.group.kind === 'external')) {
      this.builder.note('An external address group is evaluated at one address of its CIDR; `netiso explain` lists the exact ranges that share an answer.');
    }
    this.builder.note('A pod may always connect to itself: a workload and itself are not evaluated.');
    if (!this.report.complete) this.builder.note('INCOMPLETE: the manifests had objects that could not be read and may hold policies; an answer here may be wrong either way.');
    const t = this.report.totals;
    return {
      schema: EXPLORER_SCHEMA,
      kind: 'explain',
      title: `netiso explain: ${this.analysis.input === 'definitions' ? 'cluster ' : ''}${this.analysis.name}`,
      subtitle: `${t.namespaces} namespaces, ${t.workloads} workloads, ${t.policies} policies; ${t.answers} distinct answers, ${t.pairs} allowed workload pairs; dataplane ${this.report.dataplane}`,
      clusters: [this.builder.build()],
      risks: [],
    };
  }

  private groupsOf(): Group[] {
    const { analysis } = this;
    const engine = analysis.engine;
    const hidden = analysis.controller?.ref;
    const byNamespace = new Map<string, Member[]>();
    const names = new Map<string, string[]>();
    for (const w of engine.cluster.workloads) {
      const ref = `${w.namespace}/${w.name}`;
      if (ref === hidden) continue;
      const list = byNamespace.get(w.namespace) ?? [];
      list.push({ kind: 'pod', cls: engine.universe.classOf.get(ref) as number, ref });
      byNamespace.set(w.namespace, list);
      names.set(w.namespace, [...(names.get(w.namespace) ?? []), w.name]);
    }
    for (const p of analysis.projects.keys()) if (!byNamespace.has(p)) byNamespace.set(p, []);
    const out: Group[] = [];
    for (const [ns, members] of byNamespace) {
      const project = analysis.projects.get(ns);
      const workspace = project?.workspace ?? engine.cluster.namespaces.get(ns)?.labels[WORKSPACE_LABEL];
      const kind: GroupKind = project || (analysis.input === 'manifests' && workspace !== undefined) ? 'project' : 'namespace';
      out.push({
        group: {
          id: ns, kind, namespace: ns,
          ...(workspace !== undefined ? { workspace } : {}),
          ...(project ? { isolation: project.isolation } : {}),
          members: members.map((m) => ({ name: (m as { ref: string }).ref.slice(ns.length + 1), ports: this.portsOf((m as { cls: number }).cls) })),
          details: this.details(ns, members, project !== undefined),
        },
        members,
      });
    }
    for (const e of this.externals()) {
      out.push({ group: { id: `external ${e.name}`, kind: 'external', members: [{ name: e.name, ports: [] }], details: [`Evaluated at ${e.ip}, one address of ${e.name}.`] }, members: [{ kind: 'address', ipClass: e.ipClass, ip: parseIp(e.ip) as IpAddress }] });
    }
    if (analysis.nodes.length) {
      const partition = engine.universe.partition;
      out.push({
        group: { id: 'nodes', kind: 'nodes', members: analysis.nodes.map((n) => ({ name: n.name, ports: [] })), details: ['Node addresses (nodeCidrs, tunnelCidrs); NetworkPolicy always lets a node reach pods scheduled on it, which netiso does not know.'] },
        members: analysis.nodes.map((n): Member => ({ kind: 'node', peer: { kind: 'node', ipClass: partition.classOf(parseIp(n.ip) as NonNullable<ReturnType<typeof parseIp>>).index, labels: n.labels ?? {} } })),
      });
    }
    if (analysis.controller) {
      out.push({
        group: { id: 'ingress controller', kind: 'external', members: [{ name: 'ingress-controller', ports: [] }], details: ['What Ingress and Route objects route to, as np-guard computes it: its pod is one without labels in namespace ingress-controller-ns.'] },
        members: [{ kind: 'controller' }],
      });
    }
    return out;
  }

  /** Named addresses: the definitions' external hosts and allow-listed CIDRs; for manifests every CIDR a rule names, and one address no rule names. */
  private externals(): { name: string; ip: string; ipClass: number }[] {
    const partition = this.analysis.engine.universe.partition;
    const at = (name: string, ip: string) => ({ name, ip, ipClass: partition.classOf(parseIp(ip) as NonNullable<ReturnType<typeof parseIp>>).index });
    if (this.analysis.input === 'definitions') return this.analysis.externals.map((e) => at(e.name, e.ip));
    const blocks = new Map<string, string>();
    for (const tier of this.analysis.engine.tiers) {
      for (const policy of tier.policies) {
        for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
          for (const peer of rule.peers) {
            if (peer.kind !== 'ips') continue;
            for (const b of peer.blocks) {
              const ip = addressOutside(b.cidr, b.except);
              if (ip !== undefined && !blocks.has(b.key)) blocks.set(b.key, ip);
            }
          }
        }
      }
    }
    const out = [...blocks].sort(([a], [b]) => compare(a, b)).map(([name, ip]) => at(name, ip));
    const other = partition.classes.find((c) => c.members.length === 0 && c.family === 4);
    if (other && out.length) out.push({ name: 'other addresses', ip: rangeStart(other.ranges[0].lo), ipClass: other.index });
    return out;
  }

  private portsOf(cls: number): string[] {
    const ports = this.conn.input.views[cls]?.ports ?? [];
    return [...new Set(ports.map((p) => `${p.protocol ?? 'TCP'} ${p.containerPort}`))].sort((a, b) => {
      const [pa, na] = a.split(' ');
      const [pb, nb] = b.split(' ');
      return compare(pa, pb) || Number(na) - Number(nb);
    });
  }

  private details(ns: string, members: readonly Member[], isProject: boolean): string[] {
    const project = this.analysis.projects.get(ns);
    const head = isProject && project ? [`Project ${ns}: isolation ${project.isolation}${project.workspace ? `, workspace ${project.workspace}` : ''}.`] : [];
    const lines = members.map((m) => {
      if (m.kind !== 'pod') return '';
      const isolating = (direction: 'ingress' | 'egress') => {
        const list = this.conn.selecting(m.cls, direction).filter((s) => s.isolates).map((s) => s.policy);
        return list.length ? `${direction}-isolated by ${list.join(', ')}` : `${direction} open`;
      };
      return `${m.ref}: ${isolating('ingress')}; ${isolating('egress')}.`;
    });
    return [...head, ...lines];
  }

  /** Every policy of every tier, in words, with where it comes from. */
  private policies(): ExplorerPolicy[] {
    const engine = this.analysis.engine;
    const sources = this.sources();
    const out: ExplorerPolicy[] = [];
    for (const p of engine.policies) {
      const d = describePolicy(p);
      const rules = (dir: typeof d.ingress, word: 'from' | 'to') => (dir.restricted ? dir.rules.map((r) => ({ text: ruleLine(r, word) })) : undefined);
      out.push({ id: p.id, target: d.target, ingress: rules(d.ingress, 'from'), egress: rules(d.egress, 'to'), ...(sources.has(p.id) ? { source: sources.get(p.id) } : {}) });
    }
    for (const tier of engine.tiers) {
      for (const p of tier.policies) {
        if (engine.policy(p.id)) continue;
        const rules = (list: TierPolicy['ingress'], word: 'from' | 'to') => list?.map((r) => ({ text: tierRuleLine(r, word) }));
        out.push({ id: p.id, target: tierTarget(p, tier.name), ingress: rules(p.ingress, 'from'), egress: rules(p.egress, 'to'), ...(sources.has(p.id) ? { source: sources.get(p.id) } : {}) });
      }
    }
    return out;
  }

  private sources(): Map<string, DefinitionSource> {
    if (this.analysis.input === 'definitions') return definitionSources((this.analysis as ClusterAnalysis).cluster);
    const model = (this.analysis as ManifestAnalysis).model;
    const out = new Map<string, DefinitionSource>();
    for (const p of model.networkPolicies) out.set(`${p.namespace}/${p.name}`, { file: p.source.line !== undefined ? `${p.source.file}:${p.source.line}` : p.source.file });
    for (const g of model.guardrails) {
      const id = `${g.kind} ${g.namespace !== undefined ? `${g.namespace}/` : ''}${g.name}`;
      out.set(id, { file: g.source.line !== undefined ? `${g.source.file}:${g.source.line}` : g.source.file });
    }
    return out;
  }

  /** Whether a pair of members is one the report covers. */
  private keep(from: Member, to: Member): boolean {
    const { focus, peers, direction } = this.scope;
    if (!focus) return true;
    const role = (m: Member) => (m.kind === 'pod' ? { f: focus(m.ref), p: peers ? peers(m.ref) : true } : { f: false, p: !peers });
    const s = role(from);
    const d = role(to);
    if (direction === 'egress') return s.f && d.p;
    if (direction === 'ingress') return d.f && s.p;
    return (s.f && d.p) || (d.f && s.p);
  }

  private cells(): void {
    const n = this.groups.length;
    const podGroups = this.groups.map((g, i) => (g.group.kind === 'project' || g.group.kind === 'namespace' ? i : -1)).filter((i) => i >= 0);
    const groupOfClass = new Map<number, number>();
    this.groups.forEach((g, i) => g.members.forEach((m) => { if (m.kind === 'pod') groupOfClass.set(m.cls, i); }));
    const focus = this.scope.focus;
    const inFocus = (g: number) => !focus || this.groups[g].members.some((m) => m.kind === 'pod' && focus(m.ref));
    // Signatures of groups (their members' default sides, relatively): cells that no rule names
    // and whose groups have the same signatures have the same block.
    const ids = new Map<string, number>();
    const sigOf = (g: number, result: (c: number) => SideResult) => {
      const key = this.groups[g].members.map((m) => (m.kind === 'pod' ? this.relKey(result(m.cls)) : '')).join(',');
      let id = ids.get(key);
      if (id === undefined) ids.set(key, id = ids.size);
      return id;
    };
    const defaults = new Map<number, number>();
    const shared = (key: number, make: () => number) => {
      let block = defaults.get(key);
      if (block === undefined) defaults.set(key, block = make());
      return block;
    };

    // Pods to pods.
    const named = new Set<number>();
    for (const g of podGroups) {
      for (const m of this.groups[g].members) {
        if (m.kind !== 'pod') continue;
        for (const d of this.conn.egress(m.cls).explicit().keys()) if (groupOfClass.has(d)) named.add(g * n + (groupOfClass.get(d) as number));
        for (const c of this.conn.ingress(m.cls).explicit().keys()) if (groupOfClass.has(c)) named.add((groupOfClass.get(c) as number) * n + g);
      }
    }
    const eSig = new Map(podGroups.map((g) => [g, sigOf(g, (c) => this.conn.egress(c).def)]));
    const iSig = new Map(podGroups.map((g) => [g, sigOf(g, (c) => this.conn.ingress(c).def)]));
    const k = ids.size + 1;
    for (const a of podGroups) {
      for (const b of podGroups) {
        if (focus && !inFocus(a) && !inFocus(b)) continue;
        const byDefault = !named.has(a * n + b);
        const block = byDefault && !focus
          ? shared(((eSig.get(a) as number) * k + (iSig.get(b) as number)) * 2 + (a === b ? 1 : 0), () => this.podBlock(a, b, true))
          : this.podBlock(a, b, byDefault);
        this.builder.cellBlock(a, b, block);
      }
    }

    // Pods and addresses: each side's answer at every address group, read along its address ranges
    // once; a cell's block follows from its members' answers, shared by every cell where they agree.
    // Nodes and the controller are one group each.
    const addresses = this.groups.map((g, i) => (g.members.length === 1 && g.members[0].kind === 'address' ? i : -1)).filter((i) => i >= 0);
    const toAddress = new Map<SideFunction, Int32Array>();
    const fromAddress = new Map<SideFunction, Int32Array>();
    const tuples = [new Map<number | string, number>(), new Map<number | string, number>()];
    for (const g of podGroups) {
      if (!inFocus(g)) continue;
      const pods = this.groups[g].members.filter((m): m is Extract<Member, { kind: 'pod' }> => m.kind === 'pod');
      for (const out of [true, false]) {
        const answers = pods.map((m) => this.addressAnswers(out ? this.conn.egress(m.cls) : this.conn.ingress(m.cls), out, addresses, out ? toAddress : fromAddress));
        addresses.forEach((x, k) => {
          const keyed = focus ? undefined : tupleKey(answers.map((a) => a[k]));
          const memo = tuples[out ? 0 : 1];
          let block = keyed === undefined ? undefined : memo.get(keyed);
          if (block === undefined) {
            block = out ? this.mixedBlock(g, x) : this.mixedBlock(x, g);
            if (keyed !== undefined) memo.set(keyed, block);
          }
          if (out) this.builder.cellBlock(g, x, block);
          else this.builder.cellBlock(x, g, block);
        });
      }
    }
    const others = this.groups.map((g, i) => (g.group.kind === 'external' || g.group.kind === 'nodes' ? i : -1)).filter((i) => i >= 0 && !addresses.includes(i));
    for (const x of others) {
      for (const g of podGroups) {
        if (!inFocus(g)) continue;
        this.builder.cellBlock(g, x, this.mixedBlock(g, x));
        this.builder.cellBlock(x, g, this.mixedBlock(x, g));
      }
    }
  }

  private sortedAddresses?: { k: number; family: 4 | 6; value: bigint }[];

  /** A side's answers at each address group (by position in `groups`), read along its ranges; memoised per side. */
  private addressAnswers(side: SideFunction, out: boolean, groups: readonly number[], memo: Map<SideFunction, Int32Array>): Int32Array {
    let answers = memo.get(side);
    if (answers) return answers;
    const at = this.sortedAddresses ??= groups.map((x, k) => {
      const ip = (this.groups[x].members[0] as Extract<Member, { kind: 'address' }>).ip;
      return { k, family: ip.family, value: BigInt(ip.value) };
    }).sort((a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    const byResult = new Map<SideResult, number>();
    const ranges = [...side.ipRanges()].flatMap(([r, list]) => list.map((range) => ({ range, r })))
      .sort((a, b) => a.range.family - b.range.family || (a.range.lo < b.range.lo ? -1 : 1));
    answers = new Int32Array(groups.length);
    let i = 0;
    for (const { k, family, value } of at) {
      while (i < ranges.length && (ranges[i].range.family < family || (ranges[i].range.family === family && ranges[i].range.hi < value))) i++;
      const r = ranges[i].r;
      let a = byResult.get(r);
      if (a === undefined) byResult.set(r, a = out ? this.answer(r, undefined) : this.answer(undefined, r));
      answers[k] = a;
    }
    memo.set(side, answers);
    return answers;
  }

  /** The block of two pod groups; `byDefault`: no rule names any of their pairs, so the default sides answer. */
  private podBlock(a: number, b: number, byDefault: boolean): number {
    const from = this.groups[a].members;
    const to = this.groups[b].members;
    const pairs = from.map((s, i) => to.map((d, j) => {
      if (s.kind !== 'pod' || d.kind !== 'pod' || (a === b && i === j) || !this.keep(s, d)) return -1;
      const e = byDefault ? this.conn.egress(s.cls).def : at(this.conn.egress(s.cls), d.cls);
      const r = byDefault ? this.conn.ingress(d.cls).def : at(this.conn.ingress(d.cls), s.cls);
      return this.answer(e, r);
    }));
    return this.builder.block(a, b, pairs);
  }

  /** A block between a pod group and an address, node or controller group (either way). */
  private mixedBlock(a: number, b: number): number {
    const from = this.groups[a].members;
    const to = this.groups[b].members;
    const pairs = from.map((s) => to.map((d) => (this.keep(s, d) ? this.mixedAnswer(s, d) : -1)));
    return this.builder.block(a, b, pairs);
  }

  private mixedAnswer(s: Member, d: Member): number {
    const conn = this.conn;
    if (s.kind === 'pod') {
      if (d.kind === 'address') return this.answer(at2(conn.egress(s.cls), d.ipClass), undefined);
      if (d.kind === 'node') return this.answer(conn.resultFor(s.cls, 'egress', d.peer), undefined);
      return -1;
    }
    if (d.kind !== 'pod') return -1;
    if (s.kind === 'address') return this.answer(undefined, at2(conn.ingress(d.cls), s.ipClass));
    if (s.kind === 'node') return this.answer(undefined, conn.resultFor(d.cls, 'ingress', s.peer));
    const controller = this.analysis.controller;
    const ctrl = controller ? this.analysis.engine.universe.classOf.get(controller.ref) : undefined;
    const ports = controller?.routes.get(d.ref);
    if (ctrl === undefined || !ports) return -1;
    const routed = ConnSet.unionAll(ports.map((p) => ConnSet.ports('TCP', p, p)));
    return this.answer(at(conn.egress(ctrl), d.cls), at(conn.ingress(d.cls), ctrl), routed);
  }

  private relKey(r: SideResult): string {
    return `${r.allowed.id}:${this.reasons.of(r, ConnSet.ALL).id}`;
  }

  /** The answer index of a pair whose sides gave `e` and `i` (undefined: not a pod), within `scope` connections. */
  private answer(e: SideResult | undefined, i: SideResult | undefined, scope: ConnSet = ConnSet.ALL): number {
    const key = `${e ? this.relKey(e) : '-'}|${i ? this.relKey(i) : '-'}|${scope.id}`;
    let index = this.answers.get(key);
    if (index === undefined) this.answers.set(key, index = this.builder.answer({ flows: this.flows(e, i, scope) }));
    return index;
  }

  /** The connections of a pair split by verdict and by what decided them on each side. */
  private flows(e: SideResult | undefined, i: SideResult | undefined, scope: ConnSet): FlowAnswer[] {
    if (this.exemption !== undefined) {
      return [{ port: portText(scope), allowed: true, egress: e ? side('open') : side('unrestricted'), ingress: i ? side('open') : side('unrestricted'), reason: this.exemption }];
    }
    const eAllowed = e?.allowed ?? ConnSet.ALL;
    const iAllowed = i?.allowed ?? ConnSet.ALL;
    const allowed = eAllowed.intersect(iAllowed).intersect(scope);
    const rest = scope.subtract(allowed);
    const chunks: [ConnSet, boolean][] = [
      [allowed, true],
      [rest.subtract(eAllowed).subtract(iAllowed), false],
      [rest.subtract(eAllowed).intersect(iAllowed), false],
      [rest.intersect(eAllowed).subtract(iAllowed), false],
    ];
    return chunks.filter(([c]) => !c.isEmpty).map(([c, ok]) => ({
      port: portText(c),
      allowed: ok,
      egress: this.sideOf(e, c),
      ingress: this.sideOf(i, c),
    }));
  }

  private sideOf(r: SideResult | undefined, conns: ConnSet): SideAnswer {
    if (!r) return side('unrestricted');
    const because = this.reasons.of(r, conns).because;
    if (r.allowed.contains(conns)) {
      const rules = because.filter((b) => b.kind === 'rule' && b.action !== 'deny').map(ruleRef);
      return rules.length ? { verdict: 'allowed', rules, isolatedBy: [] } : side('open');
    }
    const rules = because.filter((b) => b.kind === 'rule' && b.action === 'deny').map(ruleRef);
    const isolatedBy = [...new Set(because.flatMap((b) => (b.kind === 'isolated' ? b.policies : [])))];
    return { verdict: 'denied', rules, isolatedBy };
  }
}

function ruleRef(b: Because): RuleRef {
  const r = b as Extract<Because, { kind: 'rule' }>;
  return {
    policy: r.policy, index: r.ruleIndex,
    ...(r.name !== undefined ? { name: r.name } : {}), ...(r.tier !== undefined ? { tier: r.tier } : {}),
    ...(r.action === 'deny' || r.action === 'pass' ? { action: r.action } : {}),
  };
}

/** An address-class result of a side function. */
function at2(side: SideFunction, z: number): SideResult {
  return side.getAddress(z);
}

/** A tuple of answer indices as one key: its length and 10 bits per index while they fit a double exactly, else joined. */
function tupleKey(answers: readonly number[]): number | string {
  if (answers.length <= 4 && answers.every((a) => a >= -1 && a < 1022)) return answers.reduce((key, a) => key * 1024 + (a + 1), answers.length);
  return `${answers.length}:${answers.join(',')}`;
}

/** `All Connections`, np-guard's `TCP 80,443`, or `all but TCP 80` when that is shorter. */
export function portText(c: ConnSet): string {
  if (c.isAll) return 'All Connections';
  const rest = ConnSet.ALL.subtract(c).toString();
  const own = c.toString();
  return rest.length < own.length ? `all but ${rest}` : own;
}

function rangeStart(lo: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((lo >> s) & 255n)).join('.');
}

/** What a policy of any API applies to, in words: `pods with app=web in namespaces with team=a (admin tier)`. */
export function tierTarget(p: TierPolicy, tier: string): string {
  const pods = p.subject.pods.matchesAll ? 'any pod' : `pods with ${describeSelector(p.subject.pods)}`;
  const where = 'namespace' in p.subject ? `in namespace ${p.subject.namespace}`
    : p.subject.namespaces.matchesAll ? 'in any namespace' : `in namespaces with ${describeSelector(p.subject.namespaces)}`;
  return `${pods} ${where}${tier !== NETWORK_POLICY_TIER ? ` (${tier} tier)` : ''}`;
}

/**
 * Where each NetworkPolicy of `cluster` comes from, by `namespace/name`: the project for its
 * isolation policy, the allow-list entry or exposure for the others, with the definition file
 * that declared the project.
 */
export function definitionSources(cluster: Cluster): Map<string, DefinitionSource> {
  const out = new Map<string, DefinitionSource>();
  const at = (construct: { node: { path: string } }, file: string | undefined): DefinitionSource => ({
    construct: `${cluster.name}/${construct.node.path}`,
    ...(file ? { file } : {}),
  });
  for (const project of cluster.projects) {
    out.set(`${project.name}/${ISOLATION_POLICY_NAME}`, at(project, project.definedIn));
    for (const part of project.parts) {
      for (const policy of part.policies()) out.set(`${project.name}/${policy.name}`, at(part, project.definedIn));
    }
  }
  return out;
}

/**
 * Axis order: projects grouped by workspace (workspaces by name, projects without one last), then
 * other namespaces, external addresses and nodes.
 */
export function orderGroups(groups: readonly ExplorerGroup[]): ExplorerGroup[] {
  const rank: Record<GroupKind, number> = { project: 0, namespace: 1, external: 2, nodes: 3 };
  return [...groups].sort((a, b) => rank[a.kind] - rank[b.kind]
    || (a.kind === 'project' ? Number(a.workspace === undefined) - Number(b.workspace === undefined) || compare(a.workspace ?? '', b.workspace ?? '') : 0)
    || compare(a.id, b.id));
}

/** Ids of `groups` named in `text` as the namespace of `ns/name` or `ns/policy`. */
export function groupsNamed(text: string, groups: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/([a-z0-9][a-z0-9.-]*)\//g)) if (groups.has(m[1])) out.add(m[1]);
  return [...out].sort(compare);
}
