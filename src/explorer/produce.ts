import { EndpointRef, Protocol, SideVerdict as EngineSide, Verdict, describePolicy } from '../analysis';
import { ruleLine } from '../analysis/describe';
import { compare } from '../k8s/compare';
import { Cluster } from '../constructs/cluster';
import { ISOLATION_POLICY_NAME } from '../render/project';
import { ClusterAnalysis } from '../report/analyze';
import { ExplainReport, portText } from '../report/report';
import {
  ClusterBuilder, DefinitionSource, EXPLORER_SCHEMA, ExplorerData, ExplorerGroup, ExplorerMember, ExplorerPolicy, FlowAnswer, GroupKind, RuleRef, SideAnswer, side,
} from './model';

/** One end of a probed flow: the engine's name for it, and its place on the axis. */
interface Endpoint {
  readonly group: string;
  readonly member: ExplorerMember;
  readonly ref: EndpointRef;
  /** Namespace of a pod; undefined for addresses and nodes. */
  readonly namespace?: string;
}

/**
 * The explorer's data for one cluster of `netiso explain`: the report's matrix, with every probed
 * flow of every cell (the report lists only those of its projects) and both sides' deciding rules,
 * evaluated on the report's own engine, endpoints and ports. Policies are traced to the construct
 * that emits them.
 * @throws Error when a cell's counts disagree with the report's matrix: the page must never show
 * other numbers than the report.
 */
export function explainExplorerData(report: ExplainReport, analysis: ClusterAnalysis): ExplorerData {
  const cluster = analysis.cluster;
  const builder = new ClusterBuilder(report.cluster);
  const endpoints = endpointsOf(report, analysis);
  const groups = orderGroups([...new Set([...report.matrix.sources, ...report.matrix.destinations])].map((id) => groupOf(id, report, cluster, endpoints)));
  for (const g of groups) builder.group(g);

  const sources = definitionSources(cluster);
  for (const p of analysis.engine.policies) {
    const d = describePolicy(p);
    const rules = (dir: typeof d.ingress, word: 'from' | 'to') => (dir.restricted ? dir.rules.map((r) => ({ text: ruleLine(r, word) })) : undefined);
    const policy: ExplorerPolicy = { id: p.id, target: d.target, ingress: rules(d.ingress, 'from'), egress: rules(d.egress, 'to'), source: sources.get(p.id) };
    builder.policy(policy);
  }

  const byGroup = new Map<string, Endpoint[]>();
  for (const e of endpoints) {
    const list = byGroup.get(e.group);
    if (list) list.push(e);
    else byGroup.set(e.group, [e]);
  }
  for (const cell of report.matrix.cells) {
    let allowed = 0;
    let total = 0;
    for (const from of byGroup.get(cell.from) ?? []) {
      for (const to of byGroup.get(cell.to) ?? []) {
        if (from === to) continue;
        for (const port of to.member.ports) {
          const [protocol, number] = port.split(' ');
          const verdict = analysis.engine.evaluate({ from: from.ref, to: to.ref, port: Number(number), protocol: protocol as Protocol });
          const flow = flowOf(verdict, port, from, to, analysis);
          builder.flow({ group: from.group, member: from.member.name }, { group: to.group, member: to.member.name }, flow);
          total++;
          if (flow.allowed) allowed++;
        }
      }
    }
    if (allowed !== cell.allowed || total !== cell.total) {
      throw new Error(`explorer data for ${report.cluster} ${cell.from} -> ${cell.to}: ${allowed}/${total} flows allowed, but the report counts ${cell.allowed}/${cell.total}`);
    }
  }

  const ids = new Set(groups.map((g) => g.id));
  for (const l of report.lint) builder.finding({ rule: l.rule, subject: l.subject, message: l.message, groups: groupsNamed(l.subject, ids) });
  for (const w of report.warnings) {
    // Warnings are located by construct path: `<cluster>/<project>/<part>`.
    const project = w.path.split('/')[1];
    builder.finding({ rule: 'synthesis-warning', subject: w.path, message: w.message, groups: project !== undefined && ids.has(project) ? [project] : [] });
  }
  builder.note(`Workloads are probed on their declared ports, external addresses on ${report.externalPorts.join(', ')} (TCP 443 stands for any other port); nodes are only sources.`);
  builder.note('A pod may always connect to itself: a workload and itself are not probed.');
  return {
    schema: EXPLORER_SCHEMA,
    kind: 'explain',
    title: `netiso explain: cluster ${report.cluster}`,
    subtitle: `${report.projects.length} project(s), ${analysis.workloads.length} workload(s), ${analysis.externals.length} external address(es), ${analysis.nodes.length} node(s)`,
    clusters: [builder.build()],
    risks: [],
  };
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

function endpointsOf(report: ExplainReport, analysis: ClusterAnalysis): Endpoint[] {
  return [
    ...analysis.workloads.map((w): Endpoint => ({
      group: w.namespace,
      namespace: w.namespace,
      ref: { namespace: w.namespace, name: w.name },
      member: { name: w.name, ports: sortedPorts((w.ports ?? []).map((p) => portText({ protocol: p.protocol ?? 'TCP', port: p.containerPort }))) },
    })),
    ...analysis.externals.map((e): Endpoint => ({ group: `external ${e.name}`, ref: { external: e.name }, member: { name: e.name, ports: report.externalPorts } })),
    ...analysis.nodes.map((n): Endpoint => ({ group: 'nodes', ref: { node: n.name }, member: { name: n.name, ports: [] } })),
  ];
}

function sortedPorts(ports: readonly string[]): string[] {
  return [...new Set(ports)].sort((a, b) => {
    const [pa, na] = a.split(' ');
    const [pb, nb] = b.split(' ');
    return compare(pa, pb) || Number(na) - Number(nb);
  });
}

function groupOf(id: string, report: ExplainReport, cluster: Cluster, endpoints: readonly Endpoint[]): ExplorerGroup {
  const members = endpoints.filter((e) => e.group === id).map((e) => e.member);
  if (id === 'nodes') return { id, kind: 'nodes', members, details: ['Node addresses (nodeCidrs, tunnelCidrs): sources only; NetworkPolicy always lets a node reach its own pods.'] };
  if (id.startsWith('external ')) return { id, kind: 'external', members, details: [`An address outside the cluster, probed on ${report.externalPorts.join(', ')}.`] };
  const project = cluster.findProject(id);
  if (!project) return { id, kind: 'namespace', namespace: id, members, details: [`Namespace ${id} is not a project of the definitions (its workloads are declared on the cluster).`] };
  const section = report.projects.find((p) => p.name === id);
  return {
    id,
    kind: 'project',
    namespace: id,
    ...(project.workspace ? { workspace: project.workspace.name } : {}),
    isolation: project.isolation,
    members,
    details: section ? [...section.summary] : [],
  };
}

function flowOf(v: Verdict, port: string, from: Endpoint, to: Endpoint, analysis: ClusterAnalysis): FlowAnswer {
  const reason = v.exemption ? analysis.engine.explain({ from: from.ref, to: to.ref, port: v.port, protocol: v.protocol }).exemptionReason : undefined;
  return {
    port,
    allowed: v.allowed,
    egress: sideOf(v.egress, from.namespace),
    ingress: sideOf(v.ingress, to.namespace),
    ...(reason ? { reason } : {}),
  };
}

/** A side's verdict with policies named within `namespace`, the namespace of the side's pod. */
function sideOf(s: EngineSide, namespace: string | undefined): SideAnswer {
  if (!s.isPod) return side('unrestricted');
  if (!s.isolated) return side('open');
  const local = (id: string): string => {
    if (namespace === undefined || !id.startsWith(`${namespace}/`)) throw new Error(`policy ${id} decided for a pod of ${namespace ?? 'no namespace'}`);
    return id.slice(namespace.length + 1);
  };
  if (s.allowed) return { verdict: 'allowed', rules: s.allowedBy.map((r): RuleRef => ({ policy: local(r.policy), index: r.ruleIndex })), isolatedBy: [] };
  return { verdict: 'denied', rules: [], isolatedBy: s.isolatingPolicies.map(local) };
}
