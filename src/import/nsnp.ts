import * as ipaddr from 'ipaddr.js';
import { compare } from '../k8s/compare';
import { dnsLabelProblems, labelProblems, MAX_LABEL_LENGTH, toDnsLabel } from '../k8s/names';
import type { KubeObject } from '../k8s/read';
import type { Direction } from '../values/direction';
import { mappedIpv4 } from '../values/ip-block';
import { KUBESPHERE_NAMESPACE_LABEL } from '../values/reserved';
import { Inputs } from './inputs';
import { arr, KS, labels, path, RawPeer, RawPort, RawRule } from './kubesphere';
import type { EntryModel, PeerModel, ServiceModel } from './model';
import { Config, Mode } from './modes';
import { portModel, portText, PortModel, servicePorts } from './ports';
import { ObjectRef, Reporter } from './report';

/** What the NamespaceNetworkPolicies of the input amount to, per namespace. */
export interface Translation {
  /** Allow-list entries by namespace, named and unique within the namespace. */
  readonly entries: ReadonlyMap<string, readonly EntryModel[]>;
  /** True when some carried-over NSNP has an egress rule, so DNS rules exist in KubeSphere. */
  readonly egressLocked: boolean;
  /** Services emitted as `ProjectService`s (with `adoptServices`), by namespace, sorted by name. */
  readonly adopted: ReadonlyMap<string, readonly ServiceModel[]>;
}

/** Entry names netiso reserves: `netiso-isolation` is the isolation policy's name. */
const RESERVED_ENTRY_NAMES = ['isolation'];
const LOCKDOWN_ENTRY = 'kubesphere-egress-lockdown';
/** Entries become NetworkPolicies named `netiso-<entry>`, which must stay a DNS label. */
const MAX_ENTRY_NAME = MAX_LABEL_LENGTH - 'netiso-'.length;

type ResolvedPeer =
  | { readonly kind: 'namespace'; readonly name: string }
  | { readonly kind: 'service'; readonly service: ServiceModel }
  | { readonly kind: 'ip-block'; readonly cidr: string; readonly except: readonly string[] };

/** A peer: resolved, or matching nothing in KubeSphere either (left out, with why), or failing the whole NSNP. */
type PeerResult = { readonly peer: ResolvedPeer; readonly notes: string[] } | { readonly nothing: string } | { readonly problem: string };

/** One entry before it gets its name. */
interface Part {
  readonly direction: Direction;
  readonly rule: number;
  readonly suffix: 'internal' | 'services' | 'external';
  readonly entry: Omit<EntryModel, 'name'>;
}

/** An entry and what its name is made of: the NSNP's name and the suffixes that tell its entries apart. */
interface Unnamed {
  readonly base: string;
  readonly suffix: readonly string[];
  readonly entry: Omit<EntryModel, 'name'>;
}

/**
 * Translates the NamespaceNetworkPolicies of project-isolated namespaces into allow-list entries
 * (research notes §3.2), reports those that are not carried over, and adds the entry that keeps a
 * project's egress locked where KubeSphere locks it without any egress rule carried over (§4).
 */
export function translateNsnps(
  inputs: Inputs, modes: ReadonlyMap<string, Mode>, config: Config, adoptServices: boolean, report: Reporter,
): Translation {
  const imported = (ns: string) => { const m = modes.get(ns); return m !== undefined && !('skip' in m); };

  // Adopted Services by `namespace/name`: one model each, shared by every entry naming it.
  const adopted = new Map<string, ServiceModel>();
  const serviceModel = (svc: KubeObject): ServiceModel => {
    const namespace = svc.metadata!.namespace!;
    const name = svc.metadata!.name!;
    const known = adopted.get(`${namespace}/${name}`);
    if (known) return known;
    const ports = servicePorts(svc);
    const type = (path(svc, 'spec', 'type') as string | undefined) ?? 'ClusterIP';
    const adopt = adoptServices && imported(namespace) && type === 'ClusterIP' && ports.length > 0;
    const model: ServiceModel = { namespace, name, selector: labels(path(svc, 'spec', 'selector')), ports, adopted: adopt };
    if (adopt) adopted.set(`${namespace}/${name}`, model);
    return model;
  };

  const entries = new Map<string, Unnamed[]>();
  // Namespace → the NSNPs that make KubeSphere lock its egress down.
  const locksEgress = new Map<string, string[]>();
  const lock = (namespace: string, nsnp: string) => locksEgress.set(namespace, [...(locksEgress.get(namespace) ?? []), nsnp]);
  let egressLocked = false;
  for (const nsnp of inputs.nsnps.values()) {
    const namespace = nsnp.metadata!.namespace!;
    const name = nsnp.metadata!.name!;
    const ref = { kind: 'NamespaceNetworkPolicy', namespace, name };
    const mode = modes.get(namespace);
    const spec = (nsnp.spec ?? {}) as { ingress?: RawRule[]; egress?: RawRule[] };
    if (!config.enabled) {
      report('note', ref, `not carried over: KubeSphere's controller does not run (network.enableNetworkPolicy is not true in ${config.source})`);
      continue;
    }
    if (mode === undefined) {
      report('skipped', ref, `Namespace ${namespace} is not in the input, so its isolation mode is unknown; add the Namespace to the input`);
      continue;
    }
    if ('skip' in mode) {
      report('skipped', ref, mode.workspace === undefined
        ? `KubeSphere turns it into NetworkPolicy nsnp-${name} even though namespace ${namespace} is in no workspace, but a netiso allow-list entry needs a project-isolated project; not carried over: keep that NetworkPolicy, or write it as a plain NetworkPolicy`
        : `not carried over: namespace ${namespace} is not imported (the report line of Namespace ${namespace} says why)`);
      continue;
    }
    if (mode.isolation !== 'project') {
      report('note', ref, `not carried over: KubeSphere deletes the NamespaceNetworkPolicies of a namespace ${mode.isolation === 'workspace' ? 'in workspace isolation' : 'whose isolation is off'}, so it allows nothing`);
      continue;
    }
    const ingressRules = Array.isArray(spec.ingress) ? spec.ingress : undefined;
    const egressRules = Array.isArray(spec.egress) ? spec.egress : undefined;

    const problems: string[] = [];
    // Reported only if the NSNP is carried over.
    const notes: string[] = [];
    const resolve = (peer: RawPeer): ResolvedPeer[] => {
      const r = resolvePeer(peer, inputs.services, serviceModel);
      if ('problem' in r) problems.push(r.problem);
      else if ('nothing' in r) notes.push(r.nothing);
      else notes.push(...r.notes);
      return 'peer' in r ? [r.peer] : [];
    };
    const rules = (list: RawRule[] | undefined, dir: Direction) => (list ?? []).map((rule) => ({
      peers: arr<RawPeer>(dir === 'ingress' ? rule?.from : rule?.to).flatMap(resolve),
      hasPeers: arr(dir === 'ingress' ? rule?.from : rule?.to).length > 0,
      ports: arr<RawPort>(rule?.ports).map((p) => portModel(p, problems)),
    }));
    const egress = rules(egressRules, 'egress');
    const ingress = rules(ingressRules, 'ingress');
    if (problems.length) {
      report('skipped', ref, `KubeSphere fails to convert it (${[...new Set(problems)].join('; ')}), so no nsnp-${name} policy is written for it (one written earlier may still exist); fix the NamespaceNetworkPolicy and import again`);
      // The controller's DNS decision counts an NSNP with egress rules even when it fails to convert.
      if (egressRules && egressRules.length > 0) lock(namespace, name);
      continue;
    }
    for (const note of new Set(notes)) report('note', ref, note);
    if (egressRules && egressRules.length > 0) egressLocked = true;
    if (egressRules) lock(namespace, name);
    if (!ingressRules && !egressRules) {
      report('note', ref, 'has neither ingress nor egress rules, so it adds nothing to the project isolation; not carried over');
      continue;
    }
    if (egressRules && egressRules.length === 0) {
      report('changed', ref, 'spec.egress is an empty list: KubeSphere locks the project\'s egress down without allowing DNS; netiso always allows DNS once egress is locked');
    }

    const parts: Part[] = [];
    const source = (dir: Direction, rule: number) => `NamespaceNetworkPolicy ${namespace}/${name}, ${dir} rule ${rule + 1}`;
    egress.forEach((rule, i) => {
      const services = rule.peers.filter((p): p is Extract<ResolvedPeer, { kind: 'service' }> => p.kind === 'service');
      if (services.length) {
        const comments = services.flatMap((p) => portDeviation(p.service, ref, report));
        parts.push({ direction: 'egress', rule: i, suffix: 'services', entry: internal('egress', source('egress', i), services.map((p) => servicePeer(p.service, imported)), [], comments) });
      }
      if (!rule.hasPeers) {
        report('note', ref, `egress rule ${i + 1} has no peers: KubeSphere drops such a rule (it does not mean "anywhere"), so nothing is carried over for it${rule.ports.length ? ` (its ports ${rule.ports.map(portText).join(', ')} are ignored)` : ''}`);
      }
      parts.push(...splitPeers('egress', i, rule.peers.filter((p) => p.kind !== 'service'), rule.ports, source('egress', i), imported));
    });
    ingress.forEach((rule, i) => {
      if (!rule.hasPeers) {
        report('changed', ref, `ingress rule ${i + 1} has no peers, which means from anywhere: carried over as from every IPv4 and IPv6 address; whether that includes pods of the cluster depends on the CNI (netiso never emits an empty peer list)`);
        parts.push({
          direction: 'ingress', rule: i, suffix: 'external',
          entry: external('ingress', source('ingress', i), [{ cidr: '0.0.0.0/0', except: [] }, { cidr: '::/0', except: [] }], rule.ports,
            ['KubeSphere: a rule without peers allows everyone on these ports; netiso needs explicit peers.']),
        });
        return;
      }
      parts.push(...splitPeers('ingress', i, rule.peers, rule.ports, source('ingress', i), imported));
    });
    const list = entries.get(namespace) ?? [];
    list.push(...nameParts(name, parts));
    entries.set(namespace, list);
  }

  // A failed or peerless egress NSNP still locks the project's egress down in KubeSphere; an entry makes netiso do the same.
  for (const [namespace, nsnps] of [...locksEgress].sort(([a], [b]) => compare(a, b))) {
    const list = entries.get(namespace) ?? [];
    if (list.some((e) => e.entry.direction === 'egress')) continue;
    list.push({
      base: LOCKDOWN_ENTRY,
      suffix: [],
      entry: external('egress', `NamespaceNetworkPolicy ${nsnps.map((n) => `${namespace}/${n}`).join(', ')}: egress lockdown`,
        [{ cidr: `${KS.nodeLocalDnsIp}/32`, except: [] }], [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }], [
          'KubeSphere locks this project\'s egress down because of the egress rules of these NamespaceNetworkPolicies, although none '
          + 'of those rules was carried over (see the import report). This entry only switches the lockdown on: what it allows is DNS, '
          + 'which the isolation policy allows anyway.',
        ]),
    });
    report('note', { kind: 'Namespace', name: namespace }, `KubeSphere locks its egress down (because of ${nsnps.join(', ')}) although no egress rule was carried over; entry ${LOCKDOWN_ENTRY} reproduces that`);
    entries.set(namespace, list);
  }

  const byNamespace = new Map<string, ServiceModel[]>();
  for (const s of [...adopted.values()].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name))) {
    byNamespace.set(s.namespace, [...byNamespace.get(s.namespace) ?? [], s]);
  }
  const named = new Map([...entries].map(([ns, list]) => [ns, uniqueNames(ns, list, (byNamespace.get(ns) ?? []).map((s) => s.name), report)]));
  return { entries: named, egressLocked: egressLocked || locksEgress.size > 0, adopted: byNamespace };
}

function resolvePeer(peer: RawPeer | undefined, services: Inputs['services'], serviceModel: (svc: KubeObject) => ServiceModel): PeerResult {
  const set = (['service', 'namespace', 'ipBlock'] as const).filter((k) => peer?.[k] != null);
  if (!peer || set.length === 0) return { problem: 'a peer has none of service, namespace or ipBlock' };
  const notes = set.length > 1 ? [`a peer sets ${set.join(', ')}; KubeSphere uses only the first of service, namespace, ipBlock, and so does the import`] : [];
  if (peer.service) {
    const { namespace, name } = peer.service;
    const svc = services.get(`${namespace}/${name}`);
    if (!svc) return { problem: `Service ${namespace}/${name} does not exist (it is not in the input)` };
    const model = serviceModel(svc);
    if (Object.keys(model.selector).length === 0) return { problem: `Service ${namespace}/${name} has no selector` };
    return { peer: { kind: 'service', service: model }, notes };
  }
  if (peer.namespace) {
    const name = peer.namespace.name;
    if (!name) return { problem: 'a namespace peer has no name' };
    // KubeSphere selects kubesphere.io/namespace=<name>: a label value the API server checks, and
    // that no namespace carries unless it is a namespace name.
    if (labelProblems('namespace peer', { [KUBESPHERE_NAMESPACE_LABEL]: String(name) }).length) {
      return { problem: `namespace peer ${JSON.stringify(name)} is not a valid label value, and the API server rejects the NetworkPolicy` };
    }
    if (dnsLabelProblems('namespace', name).length) {
      return { nothing: `namespace peer ${JSON.stringify(name)} is no namespace name, so it matched no namespace in KubeSphere either; left out` };
    }
    return { peer: { kind: 'namespace', name }, notes };
  }
  const block = peer.ipBlock!;
  if (typeof block.cidr !== 'string') return { problem: 'an ipBlock peer has no cidr' };
  const r = kubernetesIpBlock(block.cidr, arr(block.except));
  if ('problem' in r || 'nothing' in r) return r;
  return { peer: { kind: 'ip-block', cidr: r.cidr, except: r.except }, notes: [...notes, ...r.notes] };
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * An ipBlock as Kubernetes reads it: CIDRs are parsed leniently (host bits set, IPv4 octets with
 * leading zeros) and matched as the block they fall in, so the import writes that block, with a
 * note. What the API server refuses fails the whole NSNP (`problem`); an IPv4-mapped IPv6 block
 * matches no IPv4 connection (`nothing`), and an except entry of that kind excludes nothing.
 */
export function kubernetesIpBlock(cidr: string, except: readonly unknown[]): { cidr: string; except: string[]; notes: string[] } | { problem: string } | { nothing: string } {
  const range = parseLenientCidr(cidr);
  if (!range) return { problem: `ipBlock cidr ${JSON.stringify(cidr)} is not a CIDR, and the API server rejects the NetworkPolicy` };
  const notes: string[] = [];
  const mapped = mappedIpv4(range);
  if (mapped) return { nothing: `ipBlock cidr ${JSON.stringify(cidr)} is an IPv4-mapped IPv6 block, which matches no IPv4 connection, in KubeSphere either; left out (the IPv4 block would be ${mapped})` };
  const canonical = canonicalCidr(range);
  if (canonical !== cidr) notes.push(`ipBlock cidr ${JSON.stringify(cidr)} is written as ${canonical}, the block Kubernetes matches`);
  const out: string[] = [];
  for (const raw of except) {
    const ex = typeof raw === 'string' ? parseLenientCidr(raw) : undefined;
    if (!ex) return { problem: `ipBlock except entry ${JSON.stringify(raw)} is not a CIDR, and the API server rejects the NetworkPolicy` };
    if (ex[0].kind() !== range[0].kind() || ex[1] <= range[1] || !ex[0].match(range)) {
      return { problem: `ipBlock except entry ${JSON.stringify(raw)} is not strictly inside ${canonical}, and the API server rejects the NetworkPolicy` };
    }
    if (mappedIpv4(ex)) {
      notes.push(`ipBlock except entry ${JSON.stringify(raw)} is an IPv4-mapped IPv6 block, which excludes no connection; left out`);
      continue;
    }
    const exCanonical = canonicalCidr(ex);
    if (exCanonical !== raw) notes.push(`ipBlock except entry ${JSON.stringify(raw)} is written as ${exCanonical}, the block Kubernetes matches`);
    if (!out.includes(exCanonical)) out.push(exCanonical);
  }
  return { cidr: canonical, except: out, notes };
}

/** `address/bits` as the API server parses it (k8s.io/utils/net ParseCIDRSloppy): IPv4 octets may have leading zeros. */
function parseLenientCidr(text: string): [Address, number] | undefined {
  const slash = text.indexOf('/');
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (slash < 0 || !/^\d{1,3}$/.test(bits)) return undefined;
  let addr: Address;
  if (address.includes(':')) {
    if (address.includes('%') || !ipaddr.IPv6.isValid(address)) return undefined;
    addr = ipaddr.IPv6.parse(address);
  } else {
    const octets = address.split('.');
    if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return undefined;
    addr = new ipaddr.IPv4(octets.map(Number));
  }
  return Number(bits) <= (addr.kind() === 'ipv4' ? 32 : 128) ? [addr, Number(bits)] : undefined;
}

function canonicalCidr([addr, bits]: [Address, number]): string {
  const network = addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** Comments (and report lines) for an egress Service whose port and targetPort differ. */
function portDeviation(service: ServiceModel, ref: ObjectRef, report: Reporter): string[] {
  const differing = service.ports.filter((p) => p.targetPort !== undefined && p.targetPort !== p.port);
  if (differing.length === 0) return [];
  const ks = differing.map((p) => `${p.protocol} ${p.port}`).join(', ');
  const netiso = differing.map((p) => `${p.protocol} ${p.targetPort}`).join(', ');
  report('changed', ref, `egress to Service ${service.namespace}/${service.name}: KubeSphere allowed its port ${ks}, which connections through the Service (DNAT'd to the target port) do not match; netiso allows the target port ${netiso}`);
  return [`Service ${service.namespace}/${service.name}: KubeSphere allowed its port ${ks}, which connections through the Service `
    + `do not match after DNAT; netiso allows the target port ${netiso} instead.`];
}

/** A Service peer; a Service without ports is all ports of its pods in KubeSphere, so it becomes a pod peer. */
function servicePeer(service: ServiceModel, imported: (ns: string) => boolean): PeerModel {
  if (service.ports.length > 0) return { kind: 'service', service };
  return { kind: imported(service.namespace) ? 'project' : 'namespace', name: service.namespace, podSelector: service.selector };
}

function internal(direction: Direction, source: string, peers: PeerModel[], ports: readonly PortModel[], comments: string[] = []): Omit<EntryModel, 'name'> {
  return { kind: 'internal', direction, source, comments, peers, cidrs: [], ports };
}

function external(direction: Direction, source: string, cidrs: EntryModel['cidrs'], ports: readonly PortModel[], comments: string[] = []): Omit<EntryModel, 'name'> {
  return { kind: 'external', direction, source, comments, peers: [], cidrs, ports };
}

/**
 * Peers of one rule, split by what netiso can hold in one entry: namespaces and Services (internal)
 * and CIDRs (external), each with the rule's ports. Called with every peer of an ingress rule
 * (Services included) and with the non-Service peers of an egress rule (egress Services become an
 * entry of their own, which carries their port deviation).
 */
function splitPeers(
  direction: Direction, rule: number, peers: readonly ResolvedPeer[], ports: readonly PortModel[], source: string, imported: (ns: string) => boolean,
): Part[] {
  const parts: Part[] = [];
  const inside: PeerModel[] = peers.flatMap((p): PeerModel[] => {
    if (p.kind === 'namespace') return [{ kind: imported(p.name) ? 'project' : 'namespace', name: p.name }];
    if (p.kind === 'service') return [servicePeer(p.service, imported)];
    return [];
  });
  if (inside.length) parts.push({ direction, rule, suffix: 'internal', entry: internal(direction, source, inside, ports) });
  const cidrs = peers.flatMap((p) => (p.kind === 'ip-block' ? [{ cidr: p.cidr, except: p.except }] : []));
  if (cidrs.length) parts.push({ direction, rule, suffix: 'external', entry: external(direction, source, cidrs, ports) });
  return parts;
}

/**
 * Entry names from the NSNP name: the name alone when the NSNP gives one entry, otherwise with
 * only the suffixes needed to tell its entries apart (direction, rule number, peer kind).
 */
function nameParts(nsnpName: string, parts: readonly Part[]): Unnamed[] {
  const directions = new Set(parts.map((p) => p.direction));
  return parts.map((part) => {
    const same = parts.filter((p) => p.direction === part.direction);
    const suffix = [
      directions.size > 1 ? part.direction : undefined,
      new Set(same.map((p) => p.rule)).size > 1 ? String(part.rule + 1) : undefined,
      same.filter((p) => p.rule === part.rule).length > 1 ? part.suffix : undefined,
    ].filter((s): s is string => s !== undefined);
    return { base: nsnpName, suffix, entry: part.entry };
  });
}

/**
 * Names the entries of a project, unique within it (and distinct from its Services and reserved
 * names): a name that is taken gets a number as its last suffix.
 */
function uniqueNames(project: string, entries: readonly Unnamed[], taken: readonly string[], report: Reporter): EntryModel[] {
  const used = new Set([...RESERVED_ENTRY_NAMES, ...taken]);
  return entries.map(({ base, suffix, entry }) => {
    const wanted = entryName(base, suffix);
    let name = wanted;
    for (let i = 2; used.has(name); i++) name = entryName(base, [...suffix, String(i)]);
    used.add(name);
    if (name !== wanted) report('note', { kind: 'Namespace', name: project }, `entry ${wanted} (${entry.source}) is named ${name}, because ${wanted} is taken`);
    return { name, ...entry };
  });
}

/**
 * `base` with `suffix` parts as an entry name: a DNS label short enough for `netiso-<name>`. A
 * base that is too long is cut, keeping the suffixes; names that end up equal are told apart by
 * {@link uniqueNames}.
 */
export function entryName(base: string, suffix: readonly string[] = []): string {
  const tail = suffix.map(toDnsLabel).filter(Boolean).join('-');
  const head = toDnsLabel(base) || 'entry';
  const room = MAX_ENTRY_NAME - (tail ? tail.length + 1 : 0);
  return [head.slice(0, room).replace(/-+$/, ''), tail].filter(Boolean).join('-');
}
