import { compare } from './compare';
import { isRecord } from './errors';
import { parseIp } from './ip';
import { ManifestProblem, ObjectCheck, SourceRef, show } from './manifests-check';
import { Labels } from './names';
import { Protocol, isPortName } from './protocol';

/** A container port of a pod template. */
export interface ContainerPortRecord {
  /** An IANA_SVC_NAME that NetworkPolicy rules may use instead of the number. */
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

/**
 * A set of pods the analysis treats as one: a pod-template owner (Deployment, ReplicaSet, ...)
 * together with the Pods it controls, or a bare Pod.
 */
export interface WorkloadRecord {
  /** `Deployment`, `Pod`, ... or the kind of a Pod's controller (`ReplicaSet`, `Node`-owned pods stay `Pod`). */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Pod labels: the template's, or those every Pod of the workload carries. */
  readonly labels: Labels;
  readonly ports: readonly ContainerPortRecord[];
  /** The primary address of a workload of exactly one Pod (`status.podIP`). */
  readonly ip?: string;
  /** Every address of the workload's Pods (`status.podIPs`), sorted. */
  readonly ips?: readonly string[];
  /** The node of a workload of exactly one Pod (`spec.nodeName`). */
  readonly node?: string;
  /** `spec.hostNetwork`: the pods use their node's address and most CNIs do not apply policies to them. */
  readonly hostNetwork?: boolean;
  /**
   * Label keys whose value differs between the workload's Pods, or that only some Pods carry (not
   * part of `labels`). A policy selecting on one of them treats the Pods differently, so the
   * workload cannot be analysed as one.
   */
  readonly varyingLabels?: readonly string[];
  readonly source: SourceRef;
}

/** Where each pod-template owner kind keeps its pod template. */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** An object already known to be a Pod or pod-template owner, with its namespace resolved. */
export interface WorkloadObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly object: Record<string, unknown>;
  readonly source: SourceRef;
}

/**
 * One workload per pod-template owner and per bare Pod; a Pod with a controller
 * `ownerReference` joins its owner's workload (named after the owner, as np-guard does). The
 * owner's template gives labels and ports when the owner is part of the input; otherwise the
 * Pods do. An object whose labels cannot be read is reported and left out; a bad container port
 * or address is reported and left out alone. Sorted by namespace, name, kind.
 */
export function collectWorkloads(objects: readonly WorkloadObject[]): { workloads: WorkloadRecord[]; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const owners = new Map<string, { record: TemplateRecord; pods: PodRecord[] }>();
  const podsByOwner = new Map<string, { kind: string; namespace: string; name: string; pods: PodRecord[] }>();
  for (const o of objects) {
    const check = new ObjectCheck(`${o.kind} ${o.namespace}/${o.name}`, o.object, o.source, false);
    if (o.kind === 'Pod') {
      const pod = readPod(o, check);
      problems.push(...check.problems);
      if (!pod) continue;
      const owner = pod.owner ?? { kind: 'Pod', name: o.name };
      const key = workloadKey(owner.kind, o.namespace, owner.name);
      const group = podsByOwner.get(key) ?? { kind: owner.kind, namespace: o.namespace, name: owner.name, pods: [] };
      group.pods.push(pod);
      podsByOwner.set(key, group);
    } else {
      const template = readTemplate(o, check);
      problems.push(...check.problems);
      if (template) owners.set(workloadKey(o.kind, o.namespace, o.name), { record: template, pods: [] });
    }
  }
  const workloads: WorkloadRecord[] = [];
  for (const [key, group] of podsByOwner) {
    const owner = owners.get(key);
    if (owner) owner.pods.push(...group.pods);
    else workloads.push(fromPods(group.kind, group.namespace, group.name, group.pods));
  }
  for (const { record, pods } of owners.values()) workloads.push(withPods(record, pods));
  workloads.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.kind, b.kind));
  return { workloads, problems };
}

function workloadKey(kind: string, namespace: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

interface TemplateRecord {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPortRecord[];
  readonly hostNetwork: boolean;
  readonly source: SourceRef;
}

interface PodRecord extends TemplateRecord {
  readonly owner?: { readonly kind: string; readonly name: string };
  readonly ips: readonly string[];
  readonly node?: string;
}

/**
 * A template's labels decide which policies select the workload, so a template that lacks them
 * or has unreadable ones leaves the workload out. A bad container port is reported and left out
 * alone: it only matters to the named ports of rules.
 */
function readTemplate(o: WorkloadObject, check: ObjectCheck): TemplateRecord | undefined {
  const path = POD_TEMPLATE_PATHS[o.kind];
  let template: unknown = o.object;
  for (const part of path) template = isRecord(template) ? template[part] : undefined;
  const field = path.join('.');
  if (!isRecord(template)) return check.fail(field, `${template === undefined ? 'is required' : `must be an object, got ${show(template)}`}: the pod template gives the workload's labels and ports`);
  const meta = check.record(template.metadata, `${field}.metadata`);
  const labels = check.stringMap(meta?.labels, `${field}.metadata.labels`);
  if (!check.ok) return undefined;
  const spec = podSpec(template.spec, `${field}.spec`, check);
  if (!spec) return undefined;
  return { kind: o.kind, namespace: o.namespace, name: o.name, labels: labels ?? {}, ports: spec.ports, hostNetwork: spec.hostNetwork, source: o.source };
}

/** As {@link readTemplate}; a bad address or node name is reported and left out too. */
function readPod(o: WorkloadObject, check: ObjectCheck): PodRecord | undefined {
  const meta = check.record(o.object.metadata, 'metadata');
  const labels = check.stringMap(meta?.labels, 'metadata.labels');
  const owner = controllerOf(meta?.ownerReferences, check);
  if (!check.ok) return undefined;
  const spec = podSpec(o.object.spec, 'spec', check);
  if (!spec) return undefined;
  const node = check.string(isRecord(o.object.spec) ? o.object.spec.nodeName : undefined, 'spec.nodeName');
  const ips = podIps(check.record(o.object.status, 'status'), check);
  return {
    kind: 'Pod',
    namespace: o.namespace,
    name: o.name,
    labels: labels ?? {},
    ports: spec.ports,
    hostNetwork: spec.hostNetwork,
    source: o.source,
    ips,
    ...(owner ? { owner } : {}),
    ...(node ? { node } : {}),
  };
}

/** The controller owner; Node-owned (static and mirror) Pods count as bare Pods, as np-guard has it. */
function controllerOf(raw: unknown, check: ObjectCheck): { kind: string; name: string } | undefined {
  const refs = check.list(raw, 'metadata.ownerReferences') ?? [];
  for (const [i, ref] of refs.entries()) {
    const field = `metadata.ownerReferences[${i}]`;
    const r = check.record(ref, field);
    if (!r || r.controller !== true) continue;
    const kind = check.string(r.kind, `${field}.kind`);
    const name = check.string(r.name, `${field}.name`);
    if (!kind || !name) return check.fail(field, 'a controller reference needs kind and name');
    return kind === 'Node' ? undefined : { kind, name };
  }
  return undefined;
}

/** Undefined when the spec or its containers cannot be read; bad ports are reported and skipped. */
function podSpec(raw: unknown, field: string, check: ObjectCheck): { ports: ContainerPortRecord[]; hostNetwork: boolean } | undefined {
  const before = check.problems.length;
  const spec = check.record(raw, field);
  const containers = check.list(spec?.containers, `${field}.containers`) ?? [];
  const hostNetwork = check.boolean(spec?.hostNetwork, `${field}.hostNetwork`) ?? false;
  if (check.problems.length > before) return undefined;
  const ports: ContainerPortRecord[] = [];
  containers.forEach((c, ci) => {
    const container = check.record(c, `${field}.containers[${ci}]`);
    (check.list(container?.ports, `${field}.containers[${ci}].ports`) ?? []).forEach((p, pi) => {
      const port = containerPort(p, `${field}.containers[${ci}].ports[${pi}]`, check);
      if (port) ports.push(port);
    });
  });
  return { ports, hostNetwork };
}

function containerPort(raw: unknown, field: string, check: ObjectCheck): ContainerPortRecord | undefined {
  const before = check.problems.length;
  const port = check.record(raw, field);
  if (!port) return undefined;
  const misspelt = port.containerPort === undefined ? Object.keys(port).find((k) => k.toLowerCase() === 'containerport') : undefined;
  const containerPort = misspelt
    ? check.fail(`${field}.containerPort`, `is missing: this entry has ${JSON.stringify(misspelt)}, but field names are case-sensitive; write "containerPort"`)
    : check.portNumber(port.containerPort, `${field}.containerPort`);
  const protocol = check.protocol(port.protocol, `${field}.protocol`);
  const name = check.string(port.name, `${field}.name`);
  if (name !== undefined && !isPortName(name)) check.fail(`${field}.name`, `${show(name)} is not a valid port name; use at most 15 lower-case letters, digits and '-', with at least one letter`);
  if (check.problems.length > before || containerPort === undefined || !protocol) return undefined;
  return { ...(name ? { name } : {}), containerPort, protocol };
}

/** The Pod's addresses; a bad one is reported and left out. */
function podIps(status: Record<string, unknown> | undefined, check: ObjectCheck): string[] {
  const out: string[] = [];
  const add = (value: unknown, field: string) => {
    const text = check.string(value, field);
    if (text === undefined || text === '') return;
    if (!parseIp(text)) check.fail(field, `${show(text)} is not an IP address`);
    else if (!out.includes(text)) out.push(text);
  };
  add(status?.podIP, 'status.podIP');
  (check.list(status?.podIPs, 'status.podIPs') ?? []).forEach((entry, i) => add(check.record(entry, `status.podIPs[${i}]`)?.ip, `status.podIPs[${i}].ip`));
  return out;
}

function withPods(owner: TemplateRecord, pods: readonly PodRecord[]): WorkloadRecord {
  return { ...base(owner), ...podFacts(pods) };
}

function fromPods(kind: string, namespace: string, name: string, pods: PodRecord[]): WorkloadRecord {
  pods.sort((a, b) => compare(a.source.file, b.source.file) || (a.source.line ?? 0) - (b.source.line ?? 0) || compare(a.name, b.name));
  const labels: Record<string, string> = { ...pods[0].labels };
  const varying = new Set<string>();
  for (const pod of pods.slice(1)) {
    for (const key of new Set([...Object.keys(labels), ...Object.keys(pod.labels)])) {
      if (labels[key] !== pod.labels[key]) {
        varying.add(key);
        delete labels[key];
      }
    }
  }
  for (const key of varying) delete labels[key];
  const ports: ContainerPortRecord[] = [];
  for (const p of pods.flatMap((pod) => pod.ports)) {
    if (!ports.some((q) => q.name === p.name && q.containerPort === p.containerPort && q.protocol === p.protocol)) ports.push(p);
  }
  const first: TemplateRecord = { kind, namespace, name, labels, ports, hostNetwork: pods.some((p) => p.hostNetwork), source: pods[0].source };
  return {
    ...base(first),
    ...podFacts(pods),
    ...(varying.size ? { varyingLabels: [...varying].sort(compare) } : {}),
  };
}

function base(t: TemplateRecord): WorkloadRecord {
  return { kind: t.kind, namespace: t.namespace, name: t.name, labels: t.labels, ports: t.ports, ...(t.hostNetwork ? { hostNetwork: true } : {}), source: t.source };
}

function podFacts(pods: readonly PodRecord[]): Partial<WorkloadRecord> {
  const ips = [...new Set(pods.flatMap((p) => p.ips))].sort(compare);
  const single = pods.length === 1 ? pods[0] : undefined;
  return {
    ...(single && single.ips.length ? { ip: single.ips[0] } : {}),
    ...(ips.length ? { ips } : {}),
    ...(single?.node ? { node: single.node } : {}),
    ...(pods.some((p) => p.hostNetwork) ? { hostNetwork: true } : {}),
  };
}
