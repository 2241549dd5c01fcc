import { Direction, EndpointRef, Explanation, PolicyDescription, Protocol, RuleRef, describePolicy } from '../analysis';
import { compare } from '../k8s/compare';
import { LocatedProblem } from '../errors';
import { Cluster } from '../constructs/cluster';
import { ClusterAnalysis, analyzeCluster } from './analyze';
import { LintFinding, lintWith } from './lint';
import { VerdictCache } from './verdicts';

/** A port the report probes, e.g. `{ protocol: 'TCP', port: 80 }` shown as `TCP 80`. */
export interface ProbePort {
  readonly protocol: Protocol;
  readonly port: number;
}

/** A rule that let a flow through, with its plain-words meaning. */
export interface FlowRule {
  /** `namespace/policy`. */
  readonly policy: string;
  readonly direction: Direction;
  readonly ruleIndex: number;
  /** e.g. `rule 0: from any pod in namespace demo-project-2; on all ports`. */
  readonly description: string;
}

/** One probed connection. */
export interface Flow {
  /** `namespace/workload`, `external <name>` or `node <name>`. */
  readonly from: string;
  readonly to: string;
  /** e.g. `TCP 80`. */
  readonly port: string;
  readonly allowed: boolean;
  /** The rules that allowed it (egress rules first); empty when a side is not isolated for it. */
  readonly rules: readonly FlowRule[];
  /** Plain words: which side decided and why. */
  readonly reason: string;
}

/** Isolation of one workload for one direction: the policies that select it, none meaning open. */
export interface WorkloadSide {
  readonly isolatedBy: readonly string[];
}

/** What the report found for one declared workload. */
export interface WorkloadReport {
  readonly workload: string;
  readonly ports: readonly string[];
  readonly ingress: WorkloadSide;
  readonly egress: WorkloadSide;
}

/** The part of the report about one project. */
export interface ProjectReport {
  readonly name: string;
  readonly isolation: string;
  readonly workspace?: string;
  /** The answer to "after enabling isolation, what is reachable and what is not", one sentence a line. */
  readonly summary: readonly string[];
  /** What each of the project's policies selects and allows; available without workloads. */
  readonly policies: readonly Omit<PolicyDescription, 'text'>[];
  readonly workloads: readonly WorkloadReport[];
  /** Probed connections into the project's workloads, sorted by destination, port, source. */
  readonly ingress: readonly Flow[];
  /** Probed connections out of the project's workloads, sorted by source, destination, port. */
  readonly egress: readonly Flow[];
}

/** One cell of the group matrix: how many probed flows from `from` to `to` are allowed. */
export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  readonly allowed: number;
  readonly total: number;
  /** Ports of the allowed flows, sorted. */
  readonly ports: readonly string[];
}

/**
 * Reachability between groups: a namespace (its declared workloads), each external address, and
 * the nodes. Cells exist for every pair with at least one probe.
 */
export interface MatrixReport {
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
  readonly cells: readonly MatrixCell[];
}

/** The whole `netiso explain` report of one cluster; plain data, stable as JSON. */
export interface ExplainReport {
  readonly cluster: string;
  readonly projects: readonly ProjectReport[];
  readonly matrix: MatrixReport;
  /** Ports probed on external addresses (workloads are probed on their own ports). */
  readonly externalPorts: readonly string[];
  readonly lint: readonly LintFinding[];
  /** Synthesis warnings (e.g. ExposedService SNAT), located by construct path. */
  readonly warnings: readonly LocatedProblem[];
}

/** Options of {@link explainCluster}. */
export interface ExplainOptions {
  /** Report only this project (the matrix and lint stay cluster-wide). */
  readonly project?: string;
}

/** Always probed on external addresses: stands for "any other port" beyond those the rules name. */
const OTHER_EXTERNAL_PORT: ProbePort = { protocol: 'TCP', port: 443 };

interface Endpoint {
  readonly label: string;
  readonly group: string;
  readonly ref: EndpointRef;
  readonly namespace?: string;
  readonly ports: readonly ProbePort[];
}

/**
 * Builds the explain report: every declared workload, external address and node is probed as a
 * source against every workload (on its declared ports) and every external address (on the ports
 * that egress ipBlock rules name, plus TCP 443). Without declared workloads a project's section
 * still says what each policy selects and allows. With `project`, only flows from or to that
 * project are probed, so the matrix holds its rows and columns only.
 * @throws SynthesisError when the cluster is invalid; Error for an unknown `project`.
 */
export function explainCluster(cluster: Cluster, options: ExplainOptions = {}): ExplainReport {
  const analysis = analyzeCluster(cluster);
  if (options.project !== undefined && !cluster.findProject(options.project)) {
    throw new Error(`cluster ${cluster.name} has no project ${options.project}; projects: ${cluster.projects.map((p) => p.name).join(', ')}`);
  }
  const externalPorts = externalProbePorts(analysis);
  const endpoints = endpointsOf(analysis, externalPorts);
  const verdicts = new VerdictCache(analysis.engine);
  const flows: Flow[] = [];
  // With --project only that project's flows are probed: its report, and its rows and columns of the matrix.
  const involved = (e: Endpoint) => options.project === undefined || e.namespace === options.project;
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from === to || (from.namespace === undefined && to.namespace === undefined)) continue;
      if (!involved(from) && !involved(to)) continue;
      for (const port of to.ports) flows.push(flowOf(verdicts.explain(from.ref, to.ref, port.port, port.protocol), from, to));
    }
  }
  const byLabel = new Map(endpoints.map((e) => [e.label, e]));
  const projects = cluster.projects
    .filter((p) => options.project === undefined || p.name === options.project)
    .map((p) => projectReport(analysis, p.name, flows, byLabel));
  return {
    cluster: cluster.name,
    projects,
    matrix: matrixOf(flows, byLabel),
    externalPorts: externalPorts.map(portText),
    lint: lintWith(analysis, verdicts),
    warnings: cluster.warnings().sort((a, b) => compare(a.path, b.path) || compare(a.message, b.message)),
  };
}

/** `TCP 80`. */
export function portText(p: ProbePort): string {
  return `${p.protocol} ${p.port}`;
}

function endpointsOf(analysis: ClusterAnalysis, externalPorts: readonly ProbePort[]): Endpoint[] {
  return [
    ...analysis.workloads.map((w): Endpoint => ({
      label: `${w.namespace}/${w.name}`,
      group: w.namespace,
      ref: { namespace: w.namespace, name: w.name },
      namespace: w.namespace,
      ports: sortPorts((w.ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.containerPort }))),
    })),
    ...analysis.externals.map((e): Endpoint => ({ label: `external ${e.name}`, group: `external ${e.name}`, ref: { external: e.name }, ports: externalPorts })),
    ...analysis.nodes.map((n): Endpoint => ({ label: `node ${n.name}`, group: 'nodes', ref: { node: n.name }, ports: [] })),
  ];
}

function externalProbePorts(analysis: ClusterAnalysis): ProbePort[] {
  const out: ProbePort[] = [OTHER_EXTERNAL_PORT];
  for (const policy of analysis.engine.policies) {
    for (const rule of policy.egress ?? []) {
      if (!rule.peers.peers.some((p) => p.kind === 'ipBlock')) continue;
      for (const spec of rule.ports.specs) if (spec.port !== undefined) out.push({ protocol: spec.protocol, port: spec.port });
    }
  }
  return sortPorts(out);
}

function sortPorts(ports: readonly ProbePort[]): ProbePort[] {
  const unique = new Map(ports.map((p) => [portText(p), p]));
  return [...unique.values()].sort((a, b) => compare(a.protocol, b.protocol) || a.port - b.port);
}

function flowOf(e: Explanation, from: Endpoint, to: Endpoint): Flow {
  const v = e.verdict;
  const describe = (ref: RuleRef): FlowRule => {
    const rule = e.egress.rules.concat(e.ingress.rules).find((r) => r.rule === ref);
    return { policy: ref.policy, direction: ref.direction, ruleIndex: ref.ruleIndex, description: rule ? rule.description : `${ref.policy} ${ref.direction} rule ${ref.ruleIndex}` };
  };
  const rules = v.allowed ? [...v.egress.allowedBy, ...v.ingress.allowedBy].map(describe) : [];
  const denied = [v.egress, v.ingress].filter((s) => !s.allowed);
  const reason = e.exemptionReason !== undefined ? e.exemptionReason
    : denied.length ? denied.map((s) => (s === v.egress ? e.egress.summary : e.ingress.summary)).join('; ')
      : `${e.egress.summary}; ${e.ingress.summary}`;
  return { from: from.label, to: to.label, port: `${v.protocol} ${v.port}`, allowed: v.allowed, rules, reason };
}

function projectReport(analysis: ClusterAnalysis, name: string, flows: readonly Flow[], byLabel: ReadonlyMap<string, Endpoint>): ProjectReport {
  const project = analysis.cluster.findProject(name)!;
  const policies = analysis.engine.policies.filter((p) => p.namespace === name).map((p) => {
    const { text: _text, ...rest } = describePolicy(p);
    return rest;
  });
  const inProject = (label: string): boolean => byLabel.get(label)?.namespace === name;
  const ingress = flows.filter((f) => inProject(f.to)).sort((a, b) => compare(a.to, b.to) || comparePort(a.port, b.port) || compare(a.from, b.from));
  const egress = flows.filter((f) => inProject(f.from)).sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || comparePort(a.port, b.port));
  const workloads = analysis.workloads.filter((w) => w.namespace === name).map((w): WorkloadReport => {
    const isolation = analysis.engine.isolation({ namespace: w.namespace, name: w.name });
    return {
      workload: `${w.namespace}/${w.name}`,
      ports: sortPorts((w.ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.containerPort }))).map(portText),
      ingress: { isolatedBy: isolation.ingress },
      egress: { isolatedBy: isolation.egress },
    };
  });
  return {
    name,
    isolation: project.isolation,
    ...(project.workspace ? { workspace: project.workspace.name } : {}),
    summary: summaryOf(name, workloads, ingress, egress, policies),
    policies,
    workloads,
    ingress,
    egress,
  };
}

function comparePort(a: string, b: string): number {
  const [pa, na] = a.split(' ');
  const [pb, nb] = b.split(' ');
  return compare(pa, pb) || Number(na) - Number(nb);
}

function summaryOf(name: string, workloads: readonly WorkloadReport[], ingress: readonly Flow[], egress: readonly Flow[], policies: ProjectReport['policies']): string[] {
  if (workloads.length === 0) {
    const ingressBy = policies.filter((p) => p.ingress.restricted).map((p) => p.policy);
    const egressBy = policies.filter((p) => p.egress.restricted).map((p) => p.policy);
    return [
      `No workloads are declared in ${name}, so no pairs were probed; the policies below say what they select.`,
      ingressBy.length ? `Ingress is restricted by ${ingressBy.join(', ')}: only what their rules allow reaches the pods they select.` : `Ingress is open: no policy restricts it.`,
      egressBy.length ? `Egress is restricted by ${egressBy.join(', ')}: the pods they select may connect only where their rules allow.` : `Egress is open (not egress-isolated).`,
    ];
  }
  const lines: string[] = [];
  for (const w of workloads) {
    lines.push(w.ingress.isolatedBy.length
      ? `${w.workload} is ingress-isolated by ${w.ingress.isolatedBy.join(', ')}.`
      : `${w.workload} is not ingress-isolated: every source may reach it.`);
    lines.push(w.egress.isolatedBy.length
      ? `${w.workload} is egress-isolated by ${w.egress.isolatedBy.join(', ')}.`
      : `${w.workload} may connect anywhere: open (not egress-isolated).`);
  }
  const list = (fs: readonly Flow[], side: 'from' | 'to'): string => {
    const by = new Map<string, string[]>();
    for (const f of fs) {
      const ports = by.get(f[side]);
      if (ports) ports.push(f.port);
      else by.set(f[side], [f.port]);
    }
    return [...by].map(([k, ports]) => `${k} (${ports.join(', ')})`).join(', ');
  };
  const external = (f: Flow): boolean => !f.from.startsWith(`${name}/`) || !f.to.startsWith(`${name}/`);
  const inAllowed = ingress.filter((f) => f.allowed && external(f));
  const inDenied = ingress.filter((f) => !f.allowed && external(f));
  const outAllowed = egress.filter((f) => f.allowed && external(f));
  const outDenied = egress.filter((f) => !f.allowed && external(f));
  lines.push(inAllowed.length ? `Reachable from outside the project: ${list(inAllowed, 'from')}.` : 'Not reachable from any probed source outside the project.');
  if (inDenied.length) lines.push(`Not reachable from: ${list(inDenied, 'from')}.`);
  lines.push(outAllowed.length ? `May connect outside the project to: ${list(outAllowed, 'to')}.` : 'May connect to no probed destination outside the project.');
  if (outDenied.length) lines.push(`May not connect to: ${list(outDenied, 'to')}.`);
  return lines;
}

function matrixOf(flows: readonly Flow[], byLabel: ReadonlyMap<string, Endpoint>): MatrixReport {
  const cells = new Map<string, { from: string; to: string; allowed: number; total: number; ports: Set<string> }>();
  for (const f of flows) {
    const from = byLabel.get(f.from)!.group;
    const to = byLabel.get(f.to)!.group;
    const key = `${from}\n${to}`;
    const cell = cells.get(key) ?? { from, to, allowed: 0, total: 0, ports: new Set<string>() };
    cell.total++;
    if (f.allowed) {
      cell.allowed++;
      cell.ports.add(f.port);
    }
    cells.set(key, cell);
  }
  const groups = (pick: (c: { from: string; to: string }) => string): string[] => [...new Set([...cells.values()].map(pick))].sort(groupOrder);
  return {
    sources: groups((c) => c.from),
    destinations: groups((c) => c.to),
    cells: [...cells.values()]
      .map((c) => ({ from: c.from, to: c.to, allowed: c.allowed, total: c.total, ports: [...c.ports].sort(comparePort) }))
      .sort((a, b) => groupOrder(a.from, b.from) || groupOrder(a.to, b.to)),
  };
}

/** Namespaces first, then external addresses, then nodes. */
function groupOrder(a: string, b: string): number {
  const rank = (g: string): number => (g === 'nodes' ? 2 : g.startsWith('external ') ? 1 : 0);
  return rank(a) - rank(b) || compare(a, b);
}
