import { ClusterInputs, Protocol } from '../../src/analysis';
import { Cluster, Manifest } from '../../src';
import { analyzeCluster } from '../../src/report/analyze';
import { Endpoint, referenceAllows, referenceTiers } from './reference';

/** Decides one connection under a set of manifests (NetworkPolicies, guardrails, ...). */
export type Evaluator = (manifests: readonly Manifest[], inputs: ClusterInputs) => (from: Endpoint, to: Endpoint, port: number, protocol: Protocol) => boolean;

/** The reference fold of `reference.ts`. */
export const referenceEvaluator: Evaluator = (manifests) => {
  const isNetpol = (m: Manifest) => m.kind === 'NetworkPolicy' && m.apiVersion === 'networking.k8s.io/v1';
  const tiers = referenceTiers(manifests.filter(isNetpol), manifests.filter((m) => !isNetpol(m) && m.kind !== 'Namespace' && m.kind !== 'Service' && m.kind !== 'Ingress'));
  return (from, to, port, protocol) => referenceAllows(tiers, from, to, port, protocol);
};

/** A synthesized cluster ready for proofs: its manifests, guardrails, endpoints and ports. */
export interface Scenario {
  readonly name: string;
  readonly manifests: readonly Manifest[];
  readonly guardrails: readonly Manifest[];
  readonly inputs: ClusterInputs;
  readonly endpoints: readonly Endpoint[];
  readonly ports: readonly { readonly port: number; readonly protocol: Protocol }[];
  /** Projects whose isolation (project or workspace) is on. */
  readonly isolated: readonly string[];
  /** The projects that share a project's guardrail object (its workspace, in workspace isolation). */
  readonly group: (project: string) => readonly string[];
}

export function scenarioOf(cluster: Cluster): Scenario {
  const a = analyzeCluster(cluster);
  const manifests = a.rendered.flatMap((r) => [...r.manifests]);
  const namespaces = a.engine.cluster.namespaces;
  const endpoints: Endpoint[] = [
    ...a.workloads.map((w): Endpoint => ({ kind: 'pod', name: `${w.namespace}/${w.name}`, namespace: w.namespace, namespaceLabels: namespaces.get(w.namespace)!.labels, labels: w.labels, ports: w.ports ?? [] })),
    ...a.externals.map((e): Endpoint => ({ kind: 'ip', name: e.name, ip: e.ip })),
  ];
  const ports = new Map<string, { port: number; protocol: Protocol }>([['TCP/443', { port: 443, protocol: 'TCP' }]]);
  for (const w of a.workloads) for (const p of w.ports ?? []) ports.set(`${p.protocol ?? 'TCP'}/${p.containerPort}`, { port: p.containerPort, protocol: p.protocol ?? 'TCP' });
  return {
    name: cluster.name,
    manifests,
    guardrails: cluster.clusterManifests(),
    inputs: { workloads: a.engine.cluster.workloads, externals: a.engine.cluster.externals, nodes: a.engine.cluster.nodes, namespaces: [...namespaces.values()] },
    endpoints,
    ports: [...ports.values()],
    isolated: cluster.projects.filter((p) => p.isolation !== 'none').map((p) => p.name),
    group: (name) => {
      const p = cluster.findProject(name)!;
      if (p.isolation !== 'workspace') return [name];
      return cluster.projects.filter((q) => q.isolation === 'workspace' && q.workspace === p.workspace).map((q) => q.name);
    },
  };
}

// Deny lists' objects, with the Calico tier they live in.
const isDeny = (m: Manifest) => m.metadata.name.startsWith('netiso.deny.') || m.kind === 'Tier';

/**
 * Flows whose verdict differs between NetworkPolicy alone and NetworkPolicy plus guardrails,
 * among the flows netiso declared or denied (one end is isolated by netiso's policies), except
 * those a DenyList denies on purpose. The claim is that there are none.
 */
export function guardrailChanges(s: Scenario, evaluate: Evaluator): string[] {
  const alone = evaluate(s.manifests, s.inputs);
  const guarded = evaluate([...s.manifests, ...s.guardrails], s.inputs);
  const passesDenyLists = referenceEvaluator(s.guardrails.filter(isDeny), s.inputs);
  // netiso's isolation policy selects every pod of its namespace, for the directions it isolates.
  const isolatedBy = (direction: string) => new Set(s.manifests
    .filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'netiso-isolation' && (m.spec as { policyTypes: string[] }).policyTypes.includes(direction))
    .map((m) => m.metadata.namespace));
  const egressIsolated = isolatedBy('Egress');
  const ingressIsolated = isolatedBy('Ingress');
  const out: string[] = [];
  for (const from of s.endpoints) {
    for (const to of s.endpoints) {
      if (from === to) continue;
      const declared = (from.kind === 'pod' && egressIsolated.has(from.namespace)) || (to.kind === 'pod' && ingressIsolated.has(to.namespace));
      if (!declared) continue;
      for (const { port, protocol } of s.ports) {
        if (!passesDenyLists(from, to, port, protocol)) continue;
        const a = alone(from, to, port, protocol);
        const g = guarded(from, to, port, protocol);
        if (a !== g) out.push(`${from.name} -> ${to.name} ${protocol}/${port}: ${a ? 'allowed' : 'denied'} by NetworkPolicy alone, ${g ? 'allowed' : 'denied'} with guardrails`);
      }
    }
  }
  return out;
}

/** A tenant's NetworkPolicy that admits everyone into every pod of its namespace. */
export function allowEverything(namespace: string): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'tenant-allow-everything', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
  };
}

/**
 * What a tenant's allow-everything policy in `project` opens for pods of other namespaces:
 * the flows into the project that it turns from denied to allowed, with and without guardrails.
 * `sources` narrows the pods considered (all pods by default).
 */
export function tenantOpens(s: Scenario, project: string, evaluate: Evaluator, sources: (e: Endpoint) => boolean = () => true): { readonly guarded: string[]; readonly unguarded: string[] } {
  const opened = (base: readonly Manifest[]): string[] => {
    const before = evaluate(base, s.inputs);
    const after = evaluate([...base, allowEverything(project)], s.inputs);
    const out: string[] = [];
    for (const from of s.endpoints.filter((e) => e.kind === 'pod' && e.namespace !== project && sources(e))) {
      for (const to of s.endpoints.filter((e) => e.kind === 'pod' && e.namespace === project)) {
        for (const { port, protocol } of s.ports) {
          if (!before(from, to, port, protocol) && after(from, to, port, protocol)) out.push(`${from.name} -> ${to.name} ${protocol}/${port}`);
        }
      }
    }
    return out;
  };
  return { guarded: opened([...s.manifests, ...s.guardrails]), unguarded: opened(s.manifests) };
}

/**
 * Pods of namespaces that no ingress rule of the NetworkPolicies of the project (and of the
 * projects sharing its guardrail object) names: what Cilium's guardrails, which widen passes to
 * whole namespaces and to the whole object's projects, still keep out exactly.
 */
export function unadmittedSources(s: Scenario, project: string): (e: Endpoint) => boolean {
  const selectors = s.manifests
    .filter((m) => m.kind === 'NetworkPolicy' && s.group(project).includes(m.metadata.namespace!))
    .flatMap((m) => ((m.spec as { ingress?: { from?: { namespaceSelector?: { matchLabels?: Record<string, string> } }[] }[] }).ingress ?? []))
    .flatMap((r) => r.from ?? [])
    .map((peer) => peer.namespaceSelector?.matchLabels)
    .filter((labels): labels is Record<string, string> => labels !== undefined);
  return (e) => e.kind === 'pod' && !selectors.some((labels) => Object.entries(labels).every(([k, v]) => e.namespaceLabels[k] === v));
}
