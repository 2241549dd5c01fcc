import { compare } from '../k8s/compare';
import { ManifestError, isRecord } from '../k8s/errors';
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
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports?: readonly ContainerPort[];
  readonly ip?: string;
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
  /** Raw NetworkPolicy objects, in input order. */
  readonly policies: readonly Record<string, unknown>[];
  readonly workloads: readonly Workload[];
  readonly externals: readonly ExternalEndpoint[];
  readonly nodes: readonly ClusterNode[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);

/**
 * Normalises manifests plus explicit inputs into a {@link Cluster}.
 *
 * - `Namespace` objects give namespace labels; `kubernetes.io/metadata.name`
 *   is added because the API server always sets it.
 * - `Deployment`/`StatefulSet`/`DaemonSet`/`ReplicaSet` become workloads from
 *   their pod template labels and container ports; `Pod` objects also give
 *   `status.podIP` and `spec.nodeName`.
 * - `List` objects are flattened; other kinds are ignored.
 * - Objects without `metadata.namespace` live in `default`, as kubectl would
 *   apply them.
 * - A namespace used by a workload or policy but never declared is created
 *   with only the `kubernetes.io/metadata.name` label.
 */
export function loadCluster(manifests: readonly unknown[], inputs: ClusterInputs = {}): Cluster {
  const namespaces = new Map<string, NamespaceInfo>();
  const policies: Record<string, unknown>[] = [];
  const workloads: Workload[] = [];

  const addNamespace = (name: string, labels: Labels): void => {
    namespaces.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } });
  };

  const visit = (item: unknown, index: string): void => {
    if (!isRecord(item)) return;
    const kind = item.kind;
    if (kind === 'List' && Array.isArray(item.items)) {
      item.items.forEach((inner, i) => visit(inner, `${index}.items[${i}]`));
      return;
    }
    if (typeof kind !== 'string') return;
    const metadata = isRecord(item.metadata) ? item.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : undefined;
    const subject = `${kind} ${name ?? `at manifests${index}`}`;
    if (kind === 'Namespace') {
      if (!name) throw new ManifestError(subject, 'metadata.name', 'is required');
      addNamespace(name, stringMap(metadata.labels, subject, 'metadata.labels'));
    } else if (kind === 'NetworkPolicy') {
      policies.push(item);
    } else if (WORKLOAD_KINDS.has(kind)) {
      if (!name) throw new ManifestError(subject, 'metadata.name', 'is required');
      workloads.push(workloadFromManifest(kind, name, metadata, item));
    }
  };
  manifests.forEach((m, i) => visit(m, `[${i}]`));

  for (const ns of inputs.namespaces ?? []) addNamespace(ns.name, ns.labels);
  workloads.push(...(inputs.workloads ?? []));

  const seen = new Set<string>();
  for (const w of workloads) {
    const ref = `${w.namespace}/${w.name}`;
    if (seen.has(ref)) throw new ManifestError(`workload ${ref}`, 'metadata.name', 'is declared twice');
    seen.add(ref);
    if (!namespaces.has(w.namespace)) addNamespace(w.namespace, {});
  }
  for (const p of policies) {
    const ns = isRecord(p.metadata) && typeof p.metadata.namespace === 'string' ? p.metadata.namespace : 'default';
    if (!namespaces.has(ns)) addNamespace(ns, {});
  }

  const byName = <T extends { name: string }>(a: T, b: T): number => compare(a.name, b.name);
  return {
    namespaces: new Map([...namespaces.entries()].sort(([a], [b]) => compare(a, b))),
    policies,
    workloads: [...workloads].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name)),
    externals: [...(inputs.externals ?? [])].sort(byName),
    nodes: [...(inputs.nodes ?? [])].sort(byName),
  };
}

function workloadFromManifest(kind: string, name: string, metadata: Record<string, unknown>, item: Record<string, unknown>): Workload {
  const subject = `${kind} ${name}`;
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  const spec = isRecord(item.spec) ? item.spec : {};
  let podMeta: unknown = metadata;
  let podSpec: unknown = spec;
  let prefix = 'spec';
  if (kind !== 'Pod') {
    const template = isRecord(spec.template) ? spec.template : undefined;
    if (!template) throw new ManifestError(subject, 'spec.template', 'is required to derive pod labels');
    podMeta = template.metadata;
    podSpec = template.spec;
    prefix = 'spec.template.spec';
  }
  const labels = stringMap(isRecord(podMeta) ? podMeta.labels : undefined, subject, kind === 'Pod' ? 'metadata.labels' : 'spec.template.metadata.labels');
  const ports: ContainerPort[] = [];
  const containers = isRecord(podSpec) && Array.isArray(podSpec.containers) ? podSpec.containers : [];
  containers.forEach((c, ci) => {
    const list = isRecord(c) && Array.isArray(c.ports) ? c.ports : [];
    list.forEach((p, pi) => {
      const field = `${prefix}.containers[${ci}].ports[${pi}]`;
      if (!isRecord(p) || typeof p.containerPort !== 'number') throw new ManifestError(subject, `${field}.containerPort`, 'must be a number');
      const protocol = p.protocol ?? 'TCP';
      if (!PROTOCOLS.includes(protocol as Protocol)) throw new ManifestError(subject, `${field}.protocol`, `must be one of ${PROTOCOLS.join(', ')}`);
      ports.push({
        ...(typeof p.name === 'string' ? { name: p.name } : {}),
        containerPort: p.containerPort,
        protocol: protocol as Protocol,
      });
    });
  });
  const status = isRecord(item.status) ? item.status : {};
  const ip = kind === 'Pod' && typeof status.podIP === 'string' ? status.podIP : undefined;
  const node = kind === 'Pod' && typeof spec.nodeName === 'string' ? spec.nodeName : undefined;
  return { namespace, name, labels, ports, ...(ip ? { ip } : {}), ...(node ? { node } : {}) };
}

function stringMap(value: unknown, subject: string, field: string): Labels {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new ManifestError(subject, field, 'must be a map of strings');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new ManifestError(subject, `${field}.${k}`, 'must be a string');
  }
  return value as Labels;
}

