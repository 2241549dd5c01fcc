import { ClusterNode, Engine, ExternalEndpoint, NamespaceInfo, Workload as EngineWorkload, clusterOfModel, compilePolicy, parseCidr } from '../analysis';
import { DataplaneSemantics } from '../cni/semantics';
import { addressOutside, cidrRange, formatIp } from '../k8s/ip';
import { compare } from '../k8s/compare';
import { NPGUARD_INGRESS_CONTROLLER, ingressControllerConnections } from '../k8s/ingress-controller';
import { ManifestModel, ManifestProblem, fieldLine } from '../k8s/manifests';
import { ManifestError } from '../k8s/errors';
import { Cluster, RenderedProject } from '../constructs/cluster';
import { LocatedProblem } from '../errors';
import { ExposedService } from '../constructs/exposed-service';
import { ExternalWhitelist } from '../constructs/external-whitelist';
import { ExternalHost, Workload } from '../constructs/workload';
import { Manifest } from '../render/model';
import { IpBlock } from '../values/ip-block';

/** An external address the analysis probes, and where it came from. */
export interface AnalysisExternal extends ExternalEndpoint {
  /** The CIDR it stands for, when derived from an allow-list or exposure; absent for an `ExternalHost`. */
  readonly cidr?: string;
}

/** A project of the definitions, as reports name it. */
export interface AnalysisProject {
  readonly isolation: string;
  readonly workspace?: string;
}

/**
 * What `netiso explain` and the explorer analyse: the engine, and what the input says beyond its
 * policies. Built from definitions ({@link analyzeCluster}) or from manifests ({@link analyzeManifests}).
 */
export interface Analysis {
  /** The cluster's name, or what the manifests are called. */
  readonly name: string;
  readonly input: 'definitions' | 'manifests';
  readonly engine: Engine;
  /** Projects of the definitions by name; empty for manifests. */
  readonly projects: ReadonlyMap<string, AnalysisProject>;
  /** Declared external hosts plus one address per allow-listed or client CIDR, sorted by name. */
  readonly externals: readonly AnalysisExternal[];
  /** One node per single-address `nodeCidrs` / `tunnelCidrs` entry, sorted by name. */
  readonly nodes: readonly ClusterNode[];
  /**
   * np-guard's ingress controller (manifests with Ingress or Route objects): the workload that
   * stands for its pod in the engine, and the TCP ports the objects send to each workload.
   */
  readonly controller?: { readonly ref: string; readonly routes: ReadonlyMap<string, readonly number[]> };
  /** What the reader could not read; empty for definitions, which fail instead. */
  readonly problems: readonly ManifestProblem[];
  /** False when a problem may hide a policy, a guardrail or namespace labels: answers can then be wrong either way. */
  readonly complete: boolean;
  /** Synthesis warnings of definitions, located by construct path. */
  readonly warnings: readonly LocatedProblem[];
}

/** A cluster rendered and loaded into the reachability engine. */
export interface ClusterAnalysis extends Analysis {
  readonly input: 'definitions';
  readonly cluster: Cluster;
  readonly rendered: readonly RenderedProject[];
  /** Declared workloads, sorted by namespace, then name: the engine's order (`engine.cluster.workloads`). */
  readonly workloads: readonly EngineWorkload[];
}

/** Manifests read and loaded into the reachability engine. */
export interface ManifestAnalysis extends Analysis {
  readonly input: 'manifests';
  readonly model: ManifestModel;
}

/** Options of {@link analyzeCluster} and {@link analyzeManifests}. */
export interface AnalyzeOptions {
  /** Evaluate as this dataplane enforces policies. @default the cluster's `cni` (definitions), the specification (manifests) */
  readonly dataplane?: DataplaneSemantics;
}

/**
 * Renders `cluster` and loads its manifests (its guardrails included), declared {@link Workload}s
 * and external addresses into an {@link Engine} that evaluates them as the cluster's CNI profile
 * (or `options.dataplane`) enforces them. Namespaces netiso does not emit (allowed ingress
 * namespaces, DNS, ingress controller, unmanaged projects, namespaces of cluster-level workloads)
 * are added with the cluster's `namespaceLabel`, which is what netiso's selectors rely on.
 * @throws SynthesisError when the cluster is invalid.
 */
export function analyzeCluster(cluster: Cluster, options: AnalyzeOptions = {}): ClusterAnalysis {
  const rendered = cluster.render();
  const manifests: Manifest[] = rendered.flatMap((r) => [...r.manifests]);
  const declared = [...cluster.projects.flatMap((p) => Workload.of(p)), ...Workload.of(cluster)]
    .map((w): EngineWorkload => ({
      namespace: w.namespace,
      name: w.name,
      labels: w.labels,
      ports: w.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
      ...(w.ip ? { ip: w.ip } : {}),
    }));

  const emitted = new Set(manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name));
  const s = cluster.settings;
  const implied = [
    ...cluster.projects.map((p) => p.name),
    ...s.allowedIngressNamespaces,
    s.dns.namespace,
    ...(s.ingressController ? [s.ingressController.namespace] : []),
    ...declared.map((w) => w.namespace),
  ];
  const namespaces: NamespaceInfo[] = [...new Set(implied)].filter((n) => !emitted.has(n)).sort(compare)
    .map((name) => ({ name, labels: { [s.namespaceLabel]: name } }));

  const externals = externalsOf(cluster);
  const nodes = [...s.nodeCidrs, ...s.tunnelCidrs]
    .map((b) => singleAddress(b))
    .filter((ip): ip is string => ip !== undefined)
    .map((ip) => ({ name: ip, ip }))
    .sort((a, b) => compare(a.name, b.name));
  // Guardrails and the dataplane are part of what the cluster enforces.
  const engine = Engine.fromManifests([...manifests, ...cluster.clusterManifests()], { workloads: declared, externals, nodes, namespaces }, { dataplane: options.dataplane ?? s.semantics });
  const projects = new Map(cluster.projects.map((p) => [p.name, { isolation: p.isolation, ...(p.workspace ? { workspace: p.workspace.name } : {}) }] as const));
  return {
    name: cluster.name,
    input: 'definitions',
    cluster,
    rendered,
    engine,
    projects,
    workloads: engine.cluster.workloads,
    externals,
    nodes,
    problems: [],
    complete: true,
    warnings: cluster.warnings().sort((a, b) => compare(a.path, b.path) || compare(a.message, b.message)),
  };
}

/**
 * Loads what the manifest reader found into an {@link Engine} evaluating it as the specification
 * (or `options.dataplane`) says. Objects the reader could not read are not in the model: the
 * analysis says so (`complete`, `problems`) rather than answering as if the input were whole.
 * With Ingress or Route objects, np-guard's ingress controller (a pod without labels in
 * `ingress-controller-ns`) stands for the controller, and the routes say what it sends where.
 * @throws ManifestError for a workload declared twice; PolicyCompileError for a guardrail that
 *   cannot be analysed exactly.
 */
export function analyzeManifests(read: ManifestModel, name: string, options: AnalyzeOptions = {}): ManifestAnalysis {
  const model = withCompiledPolicies(read);
  const routed = model.ingresses.length > 0 || model.routes.length > 0;
  const controllerRef = `${NPGUARD_INGRESS_CONTROLLER.namespace}/${NPGUARD_INGRESS_CONTROLLER.name}`;
  const inputs = routed ? { workloads: [{ ...NPGUARD_INGRESS_CONTROLLER, labels: {} }] } : {};
  const engine = new Engine(clusterOfModel(model, inputs), options.dataplane ? { dataplane: options.dataplane } : {});
  const names = new Map<string, string>();
  for (const w of engine.cluster.workloads) if (w.kind) names.set(`${w.namespace}/${w.name.replace(/\[[^\]]+\]$/, '')}/${w.kind}`, `${w.namespace}/${w.name}`);
  const routes = new Map<string, number[]>();
  if (routed) {
    for (const target of ingressControllerConnections(model, () => true)) {
      const ref = names.get(`${target.workload.namespace}/${target.workload.name}/${target.workload.kind}`);
      if (ref) routes.set(ref, [...target.ports]);
    }
  }
  return {
    name,
    input: 'manifests',
    model,
    engine,
    projects: new Map(),
    externals: [],
    nodes: [],
    ...(routed ? { controller: { ref: controllerRef, routes } } : {}),
    problems: model.problems,
    complete: !model.policiesIncomplete,
    warnings: [],
  };
}

/**
 * The model without the NetworkPolicies the engine cannot compile (the reader checks their shape,
 * the compiler every field), each listed as a problem that marks the policies incomplete: the
 * analysis goes on, and says so, as for objects the reader skipped.
 */
function withCompiledPolicies(model: ManifestModel): ManifestModel {
  const failed: ManifestProblem[] = [];
  const ok = model.networkPolicies.filter((p) => {
    try {
      compilePolicy(p.object);
      return true;
    } catch (e) {
      const line = e instanceof ManifestError ? fieldLine(p.object, e.field) ?? p.source.line : p.source.line;
      failed.push({ file: p.source.file, ...(line !== undefined ? { line } : {}), message: `${(e as Error).message}; this policy is left out`, affectsPolicies: true });
      return false;
    }
  });
  if (failed.length === 0) return model;
  const problems = [...model.problems, ...failed].sort((a, b) => compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || compare(a.message, b.message));
  return { ...model, networkPolicies: ok, problems, policiesIncomplete: true };
}

function externalsOf(cluster: Cluster): AnalysisExternal[] {
  const declared: AnalysisExternal[] = ExternalHost.of(cluster).map((h) => ({ name: h.name, ip: h.ip }));
  const taken = new Set(declared.map((d) => d.ip));
  const blocks: IpBlock[] = [];
  for (const project of cluster.projects) {
    for (const part of project.parts) {
      if (part instanceof ExternalWhitelist) blocks.push(...part.blocks);
      else if (part instanceof ExposedService) blocks.push(...part.clients);
    }
  }
  const derived = new Map<string, AnalysisExternal>();
  for (const block of blocks) {
    const ip = representative(block);
    if (ip === undefined || taken.has(ip) || derived.has(block.toString())) continue;
    derived.set(block.toString(), { name: block.toString(), ip, cidr: block.toString() });
  }
  return [...declared, ...derived.values()].sort((a, b) => compare(a.name, b.name));
}

/** The address of a single-address CIDR (`/32`, `/128`), else undefined. */
function singleAddress(block: IpBlock): string | undefined {
  const cidr = parseCidr(block.cidr);
  if (!cidr || cidr.bits !== (cidr.family === 4 ? 32 : 128)) return undefined;
  return formatIp(cidrRange(cidr)[0], cidr.family);
}

/** One address the block allows (see {@link addressOutside}); undefined when `except` removes them all. */
export function representative(block: IpBlock): string | undefined {
  const cidr = parseCidr(block.cidr);
  if (!cidr) return undefined;
  return addressOutside(cidr, block.except.map((e) => parseCidr(e)).filter((e) => e !== undefined));
}
