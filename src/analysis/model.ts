import { compare } from '../k8s/compare';
import { ManifestError } from '../k8s/errors';
import { ManifestModel, ManifestReadError, WorkloadRecord, readManifestObjects } from '../k8s/manifests';
import { Labels, NAMESPACE_NAME_LABEL } from '../k8s/names';
import { PROTOCOLS, Protocol } from '../k8s/protocol';

export type { Labels, Protocol };
export { NAMESPACE_NAME_LABEL, PROTOCOLS };

/** A container port as declared in a pod template. `protocol` defaults to TCP. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: Protocol;
}

/**
 * A set of identical pods (a Deployment, a Pod, ...), the unit the engine
 * reasons about. `ports` matters only for named-port rules; `ip` only for
 * ipBlock peers (a workload without an IP never matches an ipBlock); `node`
 * only for the "traffic from the pod's own node is allowed" exemption.
 */
export interface Workload {
  /** The workload's kind (`Deployment`, `Pod`, ...) when it comes from manifests, for reports (`ns/name[Deployment]`). */
  readonly kind?: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports?: readonly ContainerPort[];
  readonly ip?: string;
  /**
   * Addresses of a workload of several pods: an address peer that contains any of them matches the
   * workload (an allow then counts for the whole workload, so no allowed flow is reported denied).
   */
  readonly ips?: readonly string[];
  readonly node?: string;
}

/** A named address outside the pod network, e.g. a database VM or the internet. */
export interface ExternalEndpoint {
  readonly name: string;
  readonly ip: string;
}

/** A cluster node. Traffic from a node to pods scheduled on it is always allowed. */
export interface ClusterNode {
  readonly name: string;
  readonly ip: string;
  /** Node labels, for the node peers of cluster-scoped policies. @default none */
  readonly labels?: Labels;
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Labels;
}

/** Extra inputs that manifests alone do not carry. */
export interface ClusterInputs {
  readonly workloads?: readonly Workload[];
  readonly externals?: readonly ExternalEndpoint[];
  readonly nodes?: readonly ClusterNode[];
  /** Namespaces not present as `Namespace` manifests. */
  readonly namespaces?: readonly NamespaceInfo[];
}

/** Everything the engine needs, normalised and sorted. */
export interface Cluster {
  /** Keyed by name; every namespace carries `kubernetes.io/metadata.name`. */
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  /** Raw NetworkPolicy objects (with `metadata.namespace` set), by namespace and name. */
  readonly policies: readonly Record<string, unknown>[];
  readonly workloads: readonly Workload[];
  readonly externals: readonly ExternalEndpoint[];
  readonly nodes: readonly ClusterNode[];
  /**
   * Policies of the cluster-scoped and CNI APIs (ClusterNetworkPolicy, Calico, Cilium), raw, with
   * where they were read (`file:line`) for problems; the engine compiles them into tiers.
   */
  readonly guardrails: readonly { readonly object: unknown; readonly source?: string }[];
}

/**
 * Normalises manifests plus explicit inputs into a {@link Cluster}, reading the manifests with
 * the manifest reader (`readManifestObjects` in `k8s/manifests`):
 *
 * - `Namespace` objects give namespace labels; `kubernetes.io/metadata.name`
 *   is added because the API server always sets it.
 * - Every pod-template owner (Deployment, ReplicaSet, StatefulSet, DaemonSet,
 *   ReplicationController, Job, CronJob) is one workload with its template's labels and
 *   container ports; a Pod with a controller owner joins its owner's workload, a bare Pod is its
 *   own (with `status.podIP` and `spec.nodeName` when it is a single pod). Two workloads of
 *   different kinds with the same name in a namespace are named `name[Kind]`.
 * - Every `*List` is flattened; other kinds are ignored.
 * - Objects without `metadata.namespace` live in `default`, as kubectl would
 *   apply them.
 * - A namespace used by a workload or policy but never declared is created
 *   with only the `kubernetes.io/metadata.name` label.
 *
 * @throws ManifestReadError listing every object that cannot be read.
 */
export function loadCluster(manifests: readonly unknown[], inputs: ClusterInputs = {}): Cluster {
  const model = readManifestObjects(manifests);
  if (model.problems.length) throw new ManifestReadError(model.problems);
  return clusterOfModel(model, inputs);
}

/**
 * The engine's input from a model the manifest reader built (files of a repository, texts of a
 * git revision), plus inputs the manifests do not carry. The caller decides what to do with the
 * model's problems first.
 */
export function clusterOfModel(model: ManifestModel, inputs: ClusterInputs = {}): Cluster {
  const namespaces = new Map<string, NamespaceInfo>();
  const addNamespace = (name: string, labels: Labels): void => {
    namespaces.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } });
  };
  for (const ns of model.namespaces) addNamespace(ns.name, ns.labels);
  for (const ns of inputs.namespaces ?? []) addNamespace(ns.name, ns.labels);

  const workloads: Workload[] = [...engineWorkloads(model.workloads), ...(inputs.workloads ?? [])];
  const seen = new Set<string>();
  for (const w of workloads) {
    const ref = `${w.namespace}/${w.name}`;
    if (seen.has(ref)) throw new ManifestError(`workload ${ref}`, 'metadata.name', 'is declared twice');
    seen.add(ref);
    if (!namespaces.has(w.namespace)) addNamespace(w.namespace, {});
  }
  for (const p of model.networkPolicies) if (!namespaces.has(p.namespace)) addNamespace(p.namespace, {});

  const byName = <T extends { name: string }>(a: T, b: T): number => compare(a.name, b.name);
  return {
    namespaces: new Map([...namespaces.entries()].sort(([a], [b]) => compare(a, b))),
    policies: model.networkPolicies.map((p) => p.object),
    workloads: [...workloads].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name)),
    externals: [...(inputs.externals ?? [])].sort(byName),
    nodes: [...(inputs.nodes ?? [])].sort(byName),
    guardrails: model.guardrails.map((g) => ({ object: g.object, source: g.source.line !== undefined ? `${g.source.file}:${g.source.line}` : g.source.file })),
  };
}

/** The reader's workloads as engine workloads; a name two kinds share in a namespace becomes `name[Kind]`. */
function engineWorkloads(records: readonly WorkloadRecord[]): Workload[] {
  const count = new Map<string, number>();
  for (const r of records) count.set(`${r.namespace}/${r.name}`, (count.get(`${r.namespace}/${r.name}`) ?? 0) + 1);
  return records.map((r) => ({
    kind: r.kind,
    namespace: r.namespace,
    name: (count.get(`${r.namespace}/${r.name}`) ?? 0) > 1 ? `${r.name}[${r.kind}]` : r.name,
    labels: r.labels,
    ports: r.ports,
    ...(r.ip ? { ip: r.ip } : {}),
    ...(!r.ip && r.ips && r.ips.length ? { ips: r.ips } : {}),
    ...(r.node ? { node: r.node } : {}),
  }));
}
