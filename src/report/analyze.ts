import { ClusterNode, Engine, ExternalEndpoint, NamespaceInfo, Workload as EngineWorkload, parseCidr } from '../analysis';
import { addressOutside, cidrRange, formatIp } from '../k8s/ip';
import { compare } from '../k8s/compare';
import { Cluster, RenderedProject } from '../constructs/cluster';
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

/** A cluster rendered and loaded into the reachability engine. */
export interface ClusterAnalysis {
  readonly cluster: Cluster;
  readonly rendered: readonly RenderedProject[];
  readonly engine: Engine;
  /** Declared workloads, sorted by namespace, then name: the engine's order (`engine.cluster.workloads`). */
  readonly workloads: readonly EngineWorkload[];
  /** Declared external hosts plus one address per allow-listed or client CIDR, sorted by name. */
  readonly externals: readonly AnalysisExternal[];
  /** One node per single-address `nodeCidrs` / `tunnelCidrs` entry, sorted by name. */
  readonly nodes: readonly ClusterNode[];
}

/**
 * Renders `cluster` and loads its manifests (its guardrails included), declared {@link Workload}s
 * and external addresses into an {@link Engine} that evaluates them as the cluster's CNI profile
 * enforces them. Namespaces netiso does not emit (allowed ingress namespaces, DNS, ingress
 * controller, unmanaged projects, namespaces of cluster-level workloads) are added with the
 * cluster's `namespaceLabel`, which is what netiso's selectors rely on.
 * @throws SynthesisError when the cluster is invalid.
 */
export function analyzeCluster(cluster: Cluster): ClusterAnalysis {
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
  const engine = Engine.fromManifests([...manifests, ...cluster.clusterManifests()], { workloads: declared, externals, nodes, namespaces }, { dataplane: s.semantics });
  return { cluster, rendered, engine, workloads: engine.cluster.workloads, externals, nodes };
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
