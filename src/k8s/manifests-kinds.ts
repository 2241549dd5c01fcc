import { isRecord } from './errors';
import { ObjectCheck, SourceRef, show } from './manifests-check';
import { copyPositions } from './manifests-yaml';
import { Labels } from './names';
import { Protocol } from './protocol';

/**
 * The kinds the reader understands besides workloads, each as a small typed record read from
 * its manifest. Fields the analyses do not use are left out.
 */

/** A `Namespace` and its labels (without the `kubernetes.io/metadata.name` label the API server adds). */
export interface NamespaceRecord {
  readonly name: string;
  readonly labels: Labels;
  readonly source: SourceRef;
}

/** A `networking.k8s.io/v1` NetworkPolicy, kept whole for the engine to compile. */
export interface PolicyRecord {
  readonly namespace: string;
  readonly name: string;
  /** The object as read, with `metadata.namespace` set to the resolved namespace. */
  readonly object: Record<string, unknown>;
  readonly source: SourceRef;
}

export interface ServicePortRecord {
  readonly name?: string;
  readonly port: number;
  /** A number or a container port name; `port` when the manifest has none. */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
  readonly nodePort?: number;
}

export interface ServiceRecord {
  readonly namespace: string;
  readonly name: string;
  /** `ClusterIP` when absent. */
  readonly type: string;
  /** Absent for a Service without selector (its endpoints are managed by hand). */
  readonly selector?: Labels;
  readonly ports: readonly ServicePortRecord[];
  readonly source: SourceRef;
}

/** Where an Ingress or Route sends traffic: a Service of the object's namespace, and optionally one of its ports. */
export interface BackendRecord {
  readonly service: string;
  /** A Service port number or name; absent means every port of the Service. */
  readonly port?: number | string;
}

/** A `networking.k8s.io/v1` Ingress: every Service backend it routes to (rules and default backend). */
export interface IngressRecord {
  readonly namespace: string;
  readonly name: string;
  readonly className?: string;
  readonly backends: readonly BackendRecord[];
  /** Backends that are not Services (`resource`), which no pod receives. */
  readonly resourceBackends: number;
  readonly source: SourceRef;
}

/** An OpenShift `Route` (`route.openshift.io/v1`): its Service targets, and the target port (`spec.port.targetPort`). */
export interface RouteRecord {
  readonly namespace: string;
  readonly name: string;
  readonly backends: readonly BackendRecord[];
  /** Targets of another kind than Service, which the analysis ignores. */
  readonly otherTargets: number;
  readonly source: SourceRef;
}

/** A policy of another API (ClusterNetworkPolicy, Calico, Cilium), kept raw for its compiler. */
export interface GuardrailRecord {
  readonly kind: string;
  readonly apiVersion: string;
  /** For namespaced kinds (Calico `NetworkPolicy`, `CiliumNetworkPolicy`). */
  readonly namespace?: string;
  readonly name: string;
  readonly object: Record<string, unknown>;
  readonly source: SourceRef;
}

/** The guardrail APIs: API group, kinds, and whether they are namespaced. */
export const GUARDRAIL_KINDS: readonly { readonly groups: readonly string[]; readonly kind: string; readonly namespaced: boolean }[] = [
  { groups: ['policy.networking.k8s.io'], kind: 'ClusterNetworkPolicy', namespaced: false },
  { groups: ['policy.networking.k8s.io'], kind: 'AdminNetworkPolicy', namespaced: false },
  { groups: ['policy.networking.k8s.io'], kind: 'BaselineAdminNetworkPolicy', namespaced: false },
  { groups: ['crd.projectcalico.org', 'projectcalico.org'], kind: 'GlobalNetworkPolicy', namespaced: false },
  { groups: ['crd.projectcalico.org', 'projectcalico.org'], kind: 'NetworkPolicy', namespaced: true },
  { groups: ['crd.projectcalico.org', 'projectcalico.org'], kind: 'Tier', namespaced: false },
  { groups: ['cilium.io'], kind: 'CiliumNetworkPolicy', namespaced: true },
  { groups: ['cilium.io'], kind: 'CiliumClusterwideNetworkPolicy', namespaced: false },
];

/** The guardrail entry for an object's `apiVersion` and `kind`, if it is one. */
export function guardrailKind(apiVersion: string | undefined, kind: string): (typeof GUARDRAIL_KINDS)[number] | undefined {
  const group = apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return GUARDRAIL_KINDS.find((g) => g.kind === kind && g.groups.includes(group));
}

export function readService(namespace: string, name: string, obj: Record<string, unknown>, source: SourceRef, check: ObjectCheck): ServiceRecord | undefined {
  const spec = check.record(obj.spec, 'spec') ?? {};
  const type = check.string(spec.type, 'spec.type') ?? 'ClusterIP';
  const selector = check.stringMap(spec.selector, 'spec.selector');
  const ports: ServicePortRecord[] = [];
  (check.list(spec.ports, 'spec.ports') ?? []).forEach((p, i) => {
    const field = `spec.ports[${i}]`;
    const port = check.record(p, field);
    if (!port) return;
    const number = check.portNumber(port.port, `${field}.port`);
    const protocol = check.protocol(port.protocol, `${field}.protocol`);
    const portName = check.string(port.name, `${field}.name`);
    const target = port.targetPort ?? number;
    if (target === '') check.fail(`${field}.targetPort`, 'must not be empty; give a port number or a container port name');
    else if (typeof target !== 'string' && target !== undefined) check.portNumber(target, `${field}.targetPort`);
    const nodePort = port.nodePort === undefined || port.nodePort === null ? undefined : check.portNumber(port.nodePort, `${field}.nodePort`);
    if (number === undefined || !protocol || target === undefined || !check.ok) return;
    ports.push({ ...(portName ? { name: portName } : {}), port: number, targetPort: target as number | string, protocol, ...(nodePort ? { nodePort } : {}) });
  });
  if (!check.ok) return undefined;
  return { namespace, name, type, ...(selector && Object.keys(selector).length ? { selector } : {}), ports, source };
}

export function readIngress(namespace: string, name: string, obj: Record<string, unknown>, source: SourceRef, check: ObjectCheck): IngressRecord | undefined {
  const spec = check.record(obj.spec, 'spec') ?? {};
  const className = check.string(spec.ingressClassName, 'spec.ingressClassName');
  const backends: BackendRecord[] = [];
  let resourceBackends = 0;
  const backend = (raw: unknown, field: string) => {
    const b = check.record(raw, field);
    if (!b) return;
    if (b.resource !== undefined && b.resource !== null) {
      resourceBackends++;
      return;
    }
    const service = check.record(b.service, `${field}.service`);
    if (!service) return check.fail(field, 'needs a service (name and port) or a resource');
    const svcName = check.string(service.name, `${field}.service.name`);
    if (!svcName) return check.fail(`${field}.service.name`, 'is required');
    const port = check.record(service.port, `${field}.service.port`);
    const number = port?.number === undefined || port.number === null ? undefined : check.portNumber(port.number, `${field}.service.port.number`);
    const portName = check.string(port?.name, `${field}.service.port.name`);
    backends.push({ service: svcName, ...(number !== undefined ? { port: number } : portName ? { port: portName } : {}) });
  };
  if (spec.defaultBackend !== undefined && spec.defaultBackend !== null) backend(spec.defaultBackend, 'spec.defaultBackend');
  (check.list(spec.rules, 'spec.rules') ?? []).forEach((r, i) => {
    const rule = check.record(r, `spec.rules[${i}]`);
    const http = check.record(rule?.http, `spec.rules[${i}].http`);
    (check.list(http?.paths, `spec.rules[${i}].http.paths`) ?? []).forEach((p, j) => {
      const path = check.record(p, `spec.rules[${i}].http.paths[${j}]`);
      if (path) backend(path.backend, `spec.rules[${i}].http.paths[${j}].backend`);
    });
  });
  if (!check.ok) return undefined;
  return { namespace, name, ...(className ? { className } : {}), backends, resourceBackends, source };
}

export function readRoute(namespace: string, name: string, obj: Record<string, unknown>, source: SourceRef, check: ObjectCheck): RouteRecord | undefined {
  const spec = check.record(obj.spec, 'spec') ?? {};
  const portSpec = check.record(spec.port, 'spec.port');
  const targetPort = portSpec?.targetPort;
  if (targetPort !== undefined && targetPort !== null && typeof targetPort !== 'string') check.portNumber(targetPort, 'spec.port.targetPort');
  const backends: BackendRecord[] = [];
  let otherTargets = 0;
  const target = (raw: unknown, field: string) => {
    const t = check.record(raw, field);
    if (!t) return check.fail(field, 'is required: the Service the Route sends traffic to');
    const kind = check.string(t.kind, `${field}.kind`) ?? 'Service';
    const svcName = check.string(t.name, `${field}.name`);
    if (!svcName) return check.fail(`${field}.name`, 'is required');
    if (kind !== 'Service') otherTargets++;
    else backends.push({ service: svcName, ...(isPort(targetPort) ? { port: targetPort } : {}) });
  };
  target(spec.to, 'spec.to');
  (check.list(spec.alternateBackends, 'spec.alternateBackends') ?? []).forEach((b, i) => target(b, `spec.alternateBackends[${i}]`));
  if (!check.ok) return undefined;
  return { namespace, name, backends, otherTargets, source };
}

function isPort(value: unknown): value is number | string {
  return (typeof value === 'string' && value !== '') || typeof value === 'number';
}

/** A Namespace's labels. */
export function readNamespace(name: string, obj: Record<string, unknown>, source: SourceRef, check: ObjectCheck): NamespaceRecord | undefined {
  const labels = check.stringMap(isRecord(obj.metadata) ? obj.metadata.labels : undefined, 'metadata.labels');
  return check.ok ? { name, labels: labels ?? {}, source } : undefined;
}

/** NetworkPolicy, structurally: the engine compiles the rest and names its fields. */
export function readPolicy(namespace: string, name: string, obj: Record<string, unknown>, source: SourceRef, check: ObjectCheck): PolicyRecord | undefined {
  if (obj.spec !== undefined && obj.spec !== null && !isRecord(obj.spec)) check.fail('spec', `must be an object, got ${show(obj.spec)}`);
  if (!check.ok) return undefined;
  return { namespace, name, object: withNamespace(obj, namespace), source };
}

/** A shallow copy of `obj` with `metadata.namespace` set, keeping the field positions of the original. */
export function withNamespace(obj: Record<string, unknown>, namespace: string): Record<string, unknown> {
  if (isRecord(obj.metadata) && obj.metadata.namespace === namespace) return obj;
  const metadata = { ...(isRecord(obj.metadata) ? obj.metadata : {}), namespace };
  const copy = { ...obj, metadata };
  copyPositions(obj, copy);
  if (isRecord(obj.metadata)) copyPositions(obj.metadata, metadata);
  return copy;
}
