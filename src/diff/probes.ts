import { CompiledPolicy, ContainerPort, Labels, NAMESPACE_NAME_LABEL, PROTOCOLS, Protocol, Selector, compilePolicy } from '../analysis';
import { addressOutside, Cidr, cidrContains, cidrRange, cidrStrictlyWithin, formatIp, parseIp } from '../k8s/ip';
import { compare } from '../k8s/compare';
import { DiffInputError } from './sides';

/** Namespace name of the probe that stands for every namespace neither side names. */
export const OTHER_NAMESPACE = '(other)';

/** A stand-in pod: `labels` is empty for the "any other pod" probe of its namespace. */
export interface PodProbe {
  readonly kind: 'pod';
  /** `namespace/name`, the workload ref given to the engine. */
  readonly id: string;
  readonly namespace: string;
  /** The workload name within the namespace (`id` without `namespace/`). */
  readonly name: string;
  readonly labels: Labels;
}

/** A stand-in address outside the pod network. */
export interface ExternalProbe {
  readonly kind: 'external';
  readonly id: string;
  readonly ip: string;
  /** The ipBlock CIDR the address represents; undefined for the internet probes. */
  readonly cidr?: string;
  /** Set for the address outside every declared CIDR. */
  readonly internet?: 4 | 6;
}

export type Probe = PodProbe | ExternalProbe;

/** A port class: every port of `label` gets the same verdict, so `port` stands for all of them. */
export interface PortProbe {
  readonly protocol: Protocol;
  readonly port: number;
  /** e.g. `TCP 80`, `TCP 8000-8080`, `TCP 6379 (redis)`, `other TCP ports`. */
  readonly label: string;
}

/** Stand-in endpoints and ports for comparing two sets of manifests without real workloads. */
export interface ProbeSet {
  /** Sorted; every namespace some object or namespace selector names, plus {@link OTHER_NAMESPACE}. */
  readonly namespaces: readonly string[];
  readonly pods: readonly PodProbe[];
  readonly externals: readonly ExternalProbe[];
  readonly ports: readonly PortProbe[];
  /** Container ports every pod probe declares, so named-port rules have something to match. */
  readonly namedPorts: readonly ContainerPort[];
}

type Obj = Record<string, unknown>;

const INTERNET_V4 = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '208.67.222.222'];
const INTERNET_V6 = ['2001:4860:4860::8888', '2606:4700:4700::1111', '2620:fe::fe'];

/**
 * Derives probes from the objects of both sides of one cluster (`dist/` holds no workloads):
 * - per namespace an "any pod" probe (namespace selectors are tried against both sides' labels) plus one per distinct label set that a policy's podSelector,
 *   a peer podSelector or a Service selector names there (`In` takes its first value, `Exists`
 *   the value `true`);
 * - per ipBlock CIDR (and except) an address inside it and outside every smaller declared CIDR,
 *   and per IP family an "internet" address outside every declared CIDR but `/0`;
 * - per protocol the port classes the policies' and Services' ports cut the port range into,
 *   including "other ports"; SCTP only when something mentions it;
 * - named ports: Services map a name to their `port`, other names get an unused number; every
 *   pod probe declares them all.
 * Pod probes carry no IP, so ipBlock peers never match them.
 * @throws DiffInputError naming the side (from `sides`) of a malformed policy.
 */
export function deriveProbes(
  base: readonly Obj[], head: readonly Obj[], namespaceLabels: (ns: string) => readonly Labels[], sides = { base: 'base', head: 'head' },
): ProbeSet {
  const all = [...base, ...head];
  const compile = (objects: readonly Obj[], side: string): CompiledPolicy[] => {
    try {
      return objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => compilePolicy(o));
    } catch (e) {
      throw new DiffInputError(`${side}: ${(e as Error).message}`);
    }
  };
  const policies = [...compile(base, sides.base), ...compile(head, sides.head)];
  const services = all.filter((o) => o.kind === 'Service');

  const namespaces = new Set<string>([OTHER_NAMESPACE]);
  for (const o of all) {
    const meta = (o.metadata ?? {}) as Obj;
    if (o.kind === 'Namespace') namespaces.add(String(meta.name));
    else if (typeof meta.namespace === 'string') namespaces.add(meta.namespace);
  }
  for (const p of policies) {
    for (const peer of rulesOf(p).flatMap((r) => r.peers.peers)) {
      if (peer.kind === 'pods' && 'selector' in peer.namespace) for (const name of namedNamespaces(peer.namespace.selector)) namespaces.add(name);
    }
  }
  const nsList = [...namespaces].sort(compare);

  const labelSets = new Map<string, Map<string, Labels>>(nsList.map((ns) => [ns, new Map()]));
  const addLabels = (ns: string, labels: Labels): void => {
    if (Object.keys(labels).length) labelSets.get(ns)?.set(JSON.stringify(Object.entries(labels).sort(([a], [b]) => compare(a, b))), labels);
  };
  for (const p of policies) {
    addLabels(p.namespace, representative(p.target));
    for (const peer of rulesOf(p).flatMap((r) => r.peers.peers)) {
      if (peer.kind !== 'pods') continue;
      const labels = representative(peer.pods);
      const ns = peer.namespace;
      if ('own' in ns) addLabels(ns.own, labels);
      else for (const name of nsList) if (namespaceLabels(name).some((l) => ns.selector.matches(l))) addLabels(name, labels);
    }
  }
  for (const s of services) {
    const selector = ((s.spec ?? {}) as Obj).selector;
    const ns = ((s.metadata ?? {}) as Obj).namespace;
    if (selector && typeof selector === 'object' && typeof ns === 'string') addLabels(ns, selector as Labels);
  }
  const pods: PodProbe[] = [];
  for (const ns of nsList) {
    pods.push({ kind: 'pod', id: `${ns}/*`, namespace: ns, name: '*', labels: {} });
    [...labelSets.get(ns)!.entries()].sort(([a], [b]) => compare(a, b)).forEach(([, labels], i) => {
      pods.push({ kind: 'pod', id: `${ns}/${i}`, namespace: ns, name: String(i), labels });
    });
  }

  const { ports, namedPorts } = derivePorts(policies, services);
  return { namespaces: nsList, pods, externals: deriveExternals(policies), ports, namedPorts };
}

function rulesOf(p: CompiledPolicy) {
  return [...(p.ingress ?? []), ...(p.egress ?? [])];
}

/** Namespace names a namespace selector pins by `kubernetes.io/metadata.name`. */
function namedNamespaces(selector: Selector): string[] {
  const out = selector.matchLabels.filter(([k]) => k === NAMESPACE_NAME_LABEL).map(([, v]) => v);
  for (const r of selector.requirements) if (r.key === NAMESPACE_NAME_LABEL && r.operator === 'In') out.push(...r.values);
  return out;
}

/** A label set the selector matches (best effort for NotIn/DoesNotExist, which the empty probe covers). */
function representative(selector: Selector): Labels {
  const labels: Record<string, string> = Object.fromEntries(selector.matchLabels);
  for (const r of selector.requirements) {
    if (r.operator === 'In') labels[r.key] ??= r.values[0];
    else if (r.operator === 'Exists') labels[r.key] ??= 'true';
  }
  return labels;
}

function derivePorts(policies: readonly CompiledPolicy[], services: readonly Obj[]): { ports: PortProbe[]; namedPorts: ContainerPort[] } {
  const ranges: { protocol: Protocol; from: number; to: number }[] = [];
  const names = new Map<string, { name: string; protocol: Protocol; hint?: number }>();
  const protocols = new Set<Protocol>(['TCP', 'UDP']);
  for (const rule of policies.flatMap(rulesOf)) {
    for (const spec of rule.ports.specs) {
      protocols.add(spec.protocol);
      if (spec.name !== undefined) names.set(`${spec.protocol}/${spec.name}`, { name: spec.name, protocol: spec.protocol, ...names.get(`${spec.protocol}/${spec.name}`) });
      else if (spec.port !== undefined) ranges.push({ protocol: spec.protocol, from: spec.port, to: spec.endPort ?? spec.port });
    }
  }
  for (const s of services) {
    const list = ((s.spec ?? {}) as Obj).ports;
    for (const p of Array.isArray(list) ? (list as Obj[]) : []) {
      const protocol = (p.protocol ?? 'TCP') as Protocol;
      if (!PROTOCOLS.includes(protocol)) continue;
      protocols.add(protocol);
      if (typeof p.port === 'number') ranges.push({ protocol, from: p.port, to: p.port });
      if (typeof p.targetPort === 'number') ranges.push({ protocol, from: p.targetPort, to: p.targetPort });
      // The container port behind a named targetPort is not in dist; the Service port is the likeliest number.
      if (typeof p.targetPort === 'string' && typeof p.port === 'number') names.set(`${protocol}/${p.targetPort}`, { name: p.targetPort, protocol, hint: p.port });
    }
  }

  const namedPorts: ContainerPort[] = [];
  for (const key of [...names.keys()].sort(compare)) {
    const { name, protocol, hint } = names.get(key)!;
    let port = hint;
    if (port === undefined) {
      const taken = (n: number) => ranges.some((r) => r.protocol === protocol && n >= r.from && n <= r.to) || namedPorts.some((c) => c.protocol === protocol && c.containerPort === n);
      port = 65535;
      while (taken(port)) port--;
    }
    namedPorts.push({ name, containerPort: port, protocol });
  }

  const ports: PortProbe[] = [];
  for (const protocol of PROTOCOLS.filter((p) => protocols.has(p))) {
    const own = ranges.filter((r) => r.protocol === protocol);
    const named = namedPorts.filter((c) => c.protocol === protocol);
    const cuts = new Set<number>([1, 65536]);
    for (const r of own) cuts.add(r.from).add(r.to + 1);
    for (const c of named) cuts.add(c.containerPort).add(c.containerPort + 1);
    const bounds = [...cuts].sort((a, b) => a - b);
    // Elementary intervals covered by the same ranges and names get the same verdict under every policy.
    const classes = new Map<string, { port: number; spans: [number, number][]; names: string[] }>();
    for (let i = 0; i + 1 < bounds.length; i++) {
      const [lo, hi] = [bounds[i], bounds[i + 1] - 1];
      const covering = [...new Set(own.filter((r) => r.from <= lo && hi <= r.to).map((r) => `${r.from}-${r.to}`))].sort();
      const atPort = named.filter((c) => c.containerPort === lo && lo === hi).map((c) => c.name as string);
      const key = JSON.stringify([covering, atPort]);
      const entry = classes.get(key);
      if (entry) entry.spans.push([lo, hi]);
      else classes.set(key, { port: lo, spans: [[lo, hi]], names: atPort });
    }
    const empty = JSON.stringify([[], []]);
    for (const [key, c] of classes) {
      const spans = c.spans.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(', ');
      const label = key === empty ? `other ${protocol} ports` : `${protocol} ${spans}${c.names.length ? ` (${c.names.join(', ')})` : ''}`;
      ports.push({ protocol, port: c.port, label });
    }
  }
  // Numbered classes in port order, the catch-all of each protocol last.
  ports.sort((a, b) => PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol) || Number(a.label.startsWith('other')) - Number(b.label.startsWith('other')) || a.port - b.port);
  return { ports, namedPorts };
}

function deriveExternals(policies: readonly CompiledPolicy[]): ExternalProbe[] {
  const cidrs = new Map<string, Cidr>();
  for (const peer of policies.flatMap(rulesOf).flatMap((r) => r.peers.peers)) {
    if (peer.kind !== 'ipBlock') continue;
    for (const c of [peer.block.cidr, ...peer.block.except]) cidrs.set(`${c.family}:${c.prefix}/${c.bits}`, c);
  }
  const declared = [...cidrs.values()];
  const out: ExternalProbe[] = [];
  const start = (c: Cidr) => BigInt(cidrRange(c)[0]);
  const sorted = declared.filter((c) => c.bits > 0).sort((a, b) => a.family - b.family || Number(start(a) > start(b)) - Number(start(a) < start(b)) || a.bits - b.bits);
  for (const cidr of sorted) {
    const inner = declared.filter((d) => cidrStrictlyWithin(d, cidr));
    // Every address of the CIDR may be excepted by inner blocks; then the network address stands in.
    const pick = addressOutside(cidr, inner) ?? formatIp(cidrRange(cidr)[0], cidr.family);
    out.push({ kind: 'external', id: `cidr ${cidr.text}`, ip: pick, cidr: cidr.text });
  }
  const outside = (ip: string) => !declared.some((d) => d.bits > 0 && cidrContains(d, parseIp(ip)!));
  const v4 = [...INTERNET_V4, ...Array.from({ length: 223 }, (_, i) => `${i + 1}.1.2.3`)].find(outside);
  const v6 = [...INTERNET_V6, ...Array.from({ length: 4096 }, (_, i) => `${(0x2000 + i).toString(16)}::1`)].find(outside);
  if (v4) out.push({ kind: 'external', id: 'internet v4', ip: v4, internet: 4 });
  if (v6) out.push({ kind: 'external', id: 'internet v6', ip: v6, internet: 6 });
  return out;
}
