import { Engine, Labels, Workload, clusterOfModel } from '../analysis';
import { compare } from '../k8s/compare';
import { NPGUARD_INGRESS_CONTROLLER, ingressControllerConnections } from '../k8s/ingress-controller';
import { ManifestModel } from '../k8s/manifests';
import { CLUSTER_SCOPED_DIR } from '../render/model';
import { CompareOptions, PairChange, SideWorkloads, TreeDiff, diffTrees } from './compare';
import { DistTree, ProjectObjects } from './sides';

type Obj = Record<string, unknown>;

/** Name the report gives the one cluster a tree of manifests describes. */
export const MANIFESTS_CLUSTER = 'manifests';

/**
 * Compares two trees of arbitrary manifests (a repository's folders, a cluster export), as read by
 * the manifest reader: every namespace is a project of the report, the workloads are the real
 * ones (one per pod-template owner), and where Ingress or Route objects route traffic, the
 * ingress controller's connections are compared as np-guard computes them.
 */
export function diffModels(base: ManifestModel, head: ManifestModel, options: CompareOptions = {}): TreeDiff {
  const trees = [base, head].map(treeOf) as [DistTree, DistTree];
  const sides = [base, head].map(sideWorkloads) as [SideWorkloads, SideWorkloads];
  const result = diffTrees(trees[0], trees[1], options, new Map([[MANIFESTS_CLUSTER, sides]]));
  if (!options.pairs || (!base.ingresses.length && !head.ingresses.length && !base.routes.length && !head.routes.length)) return result;
  return { ...result, pairs: [...(result.pairs ?? []), ...ingressControllerChanges(base, head, options)].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to)) };
}

/** The model's objects by namespace (`Kind/name`), cluster-scoped ones under `_cluster`. */
function treeOf(model: ManifestModel): DistTree {
  const projects = new Map<string, Map<string, Obj>>();
  const put = (namespace: string, key: string, object: Obj) => {
    let objects = projects.get(namespace);
    if (!objects) projects.set(namespace, objects = new Map());
    objects.set(key, object);
  };
  for (const ns of model.namespaces) put(ns.name, `Namespace/${ns.name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } });
  for (const p of model.networkPolicies) put(p.namespace, `NetworkPolicy/${p.name}`, p.object);
  for (const g of model.guardrails) put(g.namespace ?? CLUSTER_SCOPED_DIR, `${g.kind}/${g.name}`, g.object);
  // Workloads count as objects so that a report lists them as added or removed.
  for (const w of model.workloads) put(w.namespace, `${w.kind}/${w.name}`, { kind: w.kind, metadata: { name: w.name, namespace: w.namespace }, labels: w.labels, ports: w.ports });
  return { clusters: new Map([[MANIFESTS_CLUSTER, new Map([...projects].sort(([a], [b]) => compare(a, b)).map(([k, objects]): [string, ProjectObjects] => [k, { objects }]))]]) };
}

function sideWorkloads(model: ManifestModel): SideWorkloads {
  const cluster = clusterOfModel(model);
  return { workloads: cluster.workloads, namespaces: new Map<string, Labels>([...cluster.namespaces.values()].map((ns) => [ns.name, ns.labels])) };
}

/** The ingress controller's connections that differ, np-guard's `{ingress-controller}` lines. */
function ingressControllerChanges(base: ManifestModel, head: ManifestModel, options: CompareOptions): PairChange[] {
  const controller: Workload = { namespace: NPGUARD_INGRESS_CONTROLLER.namespace, name: NPGUARD_INGRESS_CONTROLLER.name, labels: {} };
  const reach = (model: ManifestModel, i: number): Map<string, string> => {
    const engine = new Engine(clusterOfModel(model, { workloads: [controller] }), options.dataplanes ? { dataplane: options.dataplanes[i] } : {});
    const ref = `${controller.namespace}/${controller.name}`;
    const out = new Map<string, string>();
    for (const t of ingressControllerConnections(model, (w, port) => engine.evaluate({ from: ref, to: `${w.namespace}/${w.name}`, port, protocol: 'TCP' }).allowed)) {
      if (t.ports.length) out.set(`${t.workload.namespace}/${t.workload.name}`, `TCP ${t.ports.join(',')}`);
    }
    return out;
  };
  const [before, after] = [reach(base, 0), reach(head, 1)];
  const names = (m: ManifestModel) => new Set(m.workloads.map((w) => `${w.namespace}/${w.name}`));
  const [was, is] = [names(base), names(head)];
  const out: PairChange[] = [];
  for (const to of [...new Set([...before.keys(), ...after.keys()])].sort(compare)) {
    const b = before.get(to) ?? 'No Connections';
    const a = after.get(to) ?? 'No Connections';
    if (a === b) continue;
    out.push({ cluster: MANIFESTS_CLUSTER, from: '{ingress-controller}', to, before: b, after: a, ...(!was.has(to) ? { added: [to] } : {}), ...(!is.has(to) ? { removed: [to] } : {}) });
  }
  return out;
}
