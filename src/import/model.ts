import { parse as parseYaml } from 'yaml';
import { PROTOCOLS } from '../analysis/model';
import { compare } from '../k8s/compare';
import { Protocol } from '../values/port';
import type { Direction } from '../values/direction';
import { toDnsLabel } from '../k8s/names';
import type { Labels } from '../k8s/names';
import type { ServicePort } from '../values/service';
import { stableJson } from '../k8s/read';
import type { KubeObject } from '../k8s/read';
import { reservedNamespaceReason } from '../values/reserved';
import { ImportReportItem, ImportSeverity, sortReport } from './report';

/** Options of the KubeSphere import. */
export interface ImportOptions {
  /** Name of the netiso cluster the definitions declare. @default 'kubesphere' */
  readonly cluster?: string;
  /**
   * Re-allow egress within a project once egress is locked down (netiso's default). KubeSphere
   * does not, so the import leaves it off unless asked, and nothing changes at cutover.
   * @default false
   */
  readonly egressWithinProject?: boolean;
  /**
   * Emit a `ProjectService` for each ClusterIP Service named by an egress or ingress entry, so that
   * netiso owns the Service object. Off by default: the Services exist already and belong to the
   * applications' own deployments (Helm, kustomize), and two owners fight over labels and fields.
   * @default false
   */
  readonly adoptServices?: boolean;
  /**
   * Emit the Namespace objects. Off by default: the namespaces exist, carry KubeSphere's labels,
   * and handing them to GitOps (which may prune them) is a separate decision.
   * @default false
   */
  readonly manageNamespaces?: boolean;
}

/** A port of an allow-list entry, as netiso's `Port` takes it. */
export interface PortModel {
  readonly protocol: Protocol;
  /** Number or named port; undefined for every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

/** A Service port as read from the input; Kubernetes defaults the protocol to TCP, and so does the import. */
export type ServicePortModel = ServicePort & { readonly protocol: Protocol };

/** A Service as read from the input. */
export interface ServiceModel {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Labels;
  readonly ports: readonly ServicePortModel[];
  /** True when the import emits it as a `ProjectService` (see {@link ImportOptions.adoptServices}). */
  readonly adopted: boolean;
}

/** The other side of an internal entry. */
export type PeerModel =
  /** A namespace; `project` when it is imported as a project, so netiso checks the name. */
  | { readonly kind: 'project' | 'namespace'; readonly name: string; readonly podSelector?: Labels }
  | { readonly kind: 'service'; readonly service: ServiceModel };

/** One netiso allow-list entry. */
export interface EntryModel {
  readonly name: string;
  readonly kind: 'internal' | 'external';
  readonly direction: Direction;
  /** e.g. `NamespaceNetworkPolicy demo/policy-to-ab12cd, egress rule 1`. */
  readonly source: string;
  /** Why-comments for the reader of the generated file (deviations, drops). */
  readonly comments: readonly string[];
  readonly peers: readonly PeerModel[];
  readonly cidrs: ReadonlyArray<{ readonly cidr: string; readonly except: readonly string[] }>;
  readonly ports: readonly PortModel[];
}

/** One imported namespace. */
export interface ProjectModel {
  readonly name: string;
  readonly workspace: string;
  readonly isolation: 'project' | 'workspace' | 'none';
  /** Why KubeSphere used this mode, e.g. `annotation kubesphere.io/network-isolate: enabled`. */
  readonly why: string;
  readonly entries: readonly EntryModel[];
  /** Services the project emits (only with {@link ImportOptions.adoptServices}). */
  readonly services: readonly ServiceModel[];
}

/** One imported workspace and its namespaces. */
export interface WorkspaceModel {
  readonly name: string;
  readonly networkIsolation: boolean;
  /** e.g. `Workspace team-a` or `WorkspaceTemplate team-a`. */
  readonly source: string;
  readonly projects: readonly ProjectModel[];
}

/** What KubeSphere enforced for the input, shaped as netiso definitions. */
export interface ImportModel {
  readonly cluster: string;
  readonly options: Required<ImportOptions>;
  readonly allowedIngressNamespaces: readonly string[];
  /** Where `allowedIngressNamespaces` came from, when the ConfigMap was in the input. */
  readonly configSource?: string;
  readonly dns: {
    readonly nodeLocalDnsIp: string;
    /** The DNS Service the pod selector and ports come from, e.g. `kube-system/coredns`. */
    readonly service?: string;
    readonly podLabels?: Labels;
    readonly ports?: readonly PortModel[];
  };
  readonly workspaces: readonly WorkspaceModel[];
  /** Sorted: by severity, then object, then message. */
  readonly report: readonly ImportReportItem[];
}

/** KubeSphere's constants (v3.x `nsnetworkpolicy` controller). */
export const KS = {
  workspaceLabel: 'kubesphere.io/workspace',
  isolateAnnotation: 'kubesphere.io/network-isolate',
  snatAnnotation: 'kubesphere.io/snat-node-ips',
  /** Hard-coded in the controller ("TODO: configure it"). */
  nodeLocalDnsIp: '169.254.25.10',
  /** Where the controller looks for the kube-dns / coredns Service. */
  dnsNamespace: 'kube-system',
  configMap: 'kubesphere-config',
  configNamespace: 'kubesphere-system',
} as const;

/** Entry names netiso reserves: `netiso-isolation` is the isolation policy's name. */
const RESERVED_ENTRY_NAMES = ['isolation'];
const LOCKDOWN_ENTRY = 'kubesphere-egress-lockdown';

type Mode =
  | { readonly isolation: ProjectModel['isolation']; readonly workspace: string; readonly why: string }
  | { readonly skip: string; readonly severity: ImportSeverity; readonly workspace?: string };

interface RawPeer {
  readonly service?: { readonly name?: string; readonly namespace?: string };
  readonly namespace?: { readonly name?: string };
  readonly ipBlock?: { readonly cidr?: string; readonly except?: string[] };
}

interface RawPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

interface RawRule {
  readonly from?: RawPeer[];
  readonly to?: RawPeer[];
  readonly ports?: RawPort[];
}

type ResolvedPeer =
  | { readonly kind: 'namespace'; readonly name: string }
  | { readonly kind: 'service'; readonly service: ServiceModel }
  | { readonly kind: 'ip-block'; readonly cidr: string; readonly except: readonly string[] };

/** One entry before it gets its name. */
interface Part {
  readonly direction: Direction;
  readonly rule: number;
  readonly suffix: 'internal' | 'services' | 'external';
  readonly entry: Omit<EntryModel, 'name'>;
}

/**
 * Works out what KubeSphere's v3.x controller enforces for `objects` (the mode decision table,
 * NamespaceNetworkPolicy translation, DNS) and describes it as netiso definitions. Pure and
 * deterministic: the same objects in any order give the same model.
 */
export function buildModel(objects: readonly KubeObject[], options: ImportOptions = {}): ImportModel {
  const opts: Required<ImportOptions> = {
    cluster: options.cluster ?? 'kubesphere',
    egressWithinProject: options.egressWithinProject ?? false,
    adoptServices: options.adoptServices ?? false,
    manageNamespaces: options.manageNamespaces ?? false,
  };
  const report: ImportReportItem[] = [];
  const add = (severity: ImportSeverity, obj: { kind: string; namespace?: string; name: string }, message: string) => {
    report.push({ severity, kind: obj.kind, namespace: obj.namespace, name: obj.name, message });
  };

  const inputs = index(objects, add);
  const config = readConfig(inputs.configMap, add);

  const workspaces = new Map<string, { isolation: boolean; source: string }>();
  for (const t of inputs.workspaceTemplates.values()) {
    workspaces.set(t.metadata!.name!, { isolation: bool(path(t, 'spec', 'template', 'spec', 'networkIsolation')), source: `WorkspaceTemplate ${t.metadata!.name}` });
  }
  // The controller reads the Workspace; a WorkspaceTemplate only reaches it through KubeSphere's workspace controller.
  for (const w of inputs.workspaces.values()) {
    const name = w.metadata!.name!;
    const isolation = bool(path(w, 'spec', 'networkIsolation'));
    const template = workspaces.get(name);
    if (template && template.isolation !== isolation) {
      add('note', { kind: 'Workspace', name }, `networkIsolation is ${isolation} on the Workspace but ${template.isolation} on its WorkspaceTemplate; the controller reads the Workspace, so ${isolation} is used`);
    }
    workspaces.set(name, { isolation, source: `Workspace ${name}` });
  }
  for (const w of [...inputs.workspaces.values(), ...inputs.workspaceTemplates.values()]) {
    if (w.metadata?.annotations?.[KS.isolateAnnotation] === 'enabled') {
      add('skipped', { kind: w.kind!, name: w.metadata.name! }, `the annotation ${KS.isolateAnnotation}: enabled requests workspace isolation in KubeSphere 4.x, whose closed-source controller the import does not reproduce; set networkIsolation: true on the Workspace in the generated file if you relied on it`);
    }
  }

  const modeOf = (ns: KubeObject): Mode => {
    const workspace = ns.metadata?.labels?.[KS.workspaceLabel];
    const annotated = ns.metadata?.annotations?.[KS.isolateAnnotation] === 'enabled';
    if (!workspace) {
      return {
        severity: 'note',
        skip: `has no ${KS.workspaceLabel} label, so KubeSphere never isolates it${annotated ? ` (its ${KS.isolateAnnotation}: enabled annotation has no effect)` : ''}; not imported`,
      };
    }
    const ws = workspaces.get(workspace);
    if (!ws) {
      return {
        severity: 'skipped',
        workspace,
        skip: `belongs to workspace ${workspace}, which is not in the input (KubeSphere then leaves the namespace's policies as they are, so its state is unknown); add the Workspace or WorkspaceTemplate to the input`,
      };
    }
    if (!config.enabled) return { isolation: 'none', workspace, why: `network.enableNetworkPolicy is not true in ${config.source}, so KubeSphere's controller does not run` };
    if (annotated) return { isolation: 'project', workspace, why: `${KS.isolateAnnotation}: enabled` };
    if (ws.isolation) return { isolation: 'workspace', workspace, why: `workspace ${workspace} has networkIsolation: true` };
    return { isolation: 'none', workspace, why: `isolation is off: no ${KS.isolateAnnotation}: enabled annotation, and workspace ${workspace} is not isolated` };
  };

  // netiso refuses projects named like the cluster's own namespaces (DNS, allowed, kube-*).
  const reservedMode = (name: string, mode: Mode): Mode => {
    const reason = reservedNamespaceReason(name, { dnsNamespace: KS.dnsNamespace, allowedIngressNamespaces: config.allowedIngressNamespaces });
    if (!reason || 'skip' in mode) return mode;
    return mode.isolation === 'none'
      ? { severity: 'note', workspace: mode.workspace, skip: `not imported: netiso keeps the cluster's own namespaces out of its projects (${reason}); KubeSphere does not isolate it either, so nothing changes` }
      : {
        severity: 'skipped',
        workspace: mode.workspace,
        skip: `KubeSphere isolates it (${mode.why}), but netiso keeps the cluster's own namespaces out of its projects (${reason}); not imported, so after the cutover it is not isolated`,
      };
  };
  const modes = new Map<string, Mode>();
  for (const ns of inputs.namespaces.values()) {
    const mode = reservedMode(ns.metadata!.name!, modeOf(ns));
    modes.set(ns.metadata!.name!, mode);
    if ('skip' in mode) add(mode.severity, { kind: 'Namespace', name: ns.metadata!.name! }, mode.skip);
  }
  const imported = (ns: string) => { const m = modes.get(ns); return m !== undefined && !('skip' in m); };

  /** Adopted Services by `namespace/name`: one model each, shared by every entry naming it. */
  const adopted = new Map<string, ServiceModel>();
  const serviceModel = (svc: KubeObject): ServiceModel => {
    const namespace = svc.metadata!.namespace!;
    const name = svc.metadata!.name!;
    const known = adopted.get(`${namespace}/${name}`);
    if (known) return known;
    const ports = servicePorts(svc);
    const type = (path(svc, 'spec', 'type') as string | undefined) ?? 'ClusterIP';
    const adopt = opts.adoptServices && imported(namespace) && type === 'ClusterIP' && ports.length > 0;
    const model: ServiceModel = { namespace, name, selector: labels(path(svc, 'spec', 'selector')), ports, adopted: adopt };
    if (adopt) adopted.set(`${namespace}/${name}`, model);
    return model;
  };

  // NamespaceNetworkPolicies, by namespace.
  const entries = new Map<string, EntryModel[]>();
  /** Namespace → the NSNPs that make KubeSphere lock its egress down. */
  const locksEgress = new Map<string, string[]>();
  const lock = (namespace: string, nsnp: string) => locksEgress.set(namespace, [...(locksEgress.get(namespace) ?? []), nsnp]);
  let anyEgressRule = false;
  for (const nsnp of inputs.nsnps.values()) {
    const namespace = nsnp.metadata!.namespace!;
    const name = nsnp.metadata!.name!;
    const ref = { kind: 'NamespaceNetworkPolicy', namespace, name };
    const mode = modes.get(namespace);
    const spec = (nsnp.spec ?? {}) as { ingress?: RawRule[]; egress?: RawRule[] };
    if (!config.enabled) {
      add('note', ref, `not carried over: KubeSphere's controller does not run (network.enableNetworkPolicy is not true in ${config.source})`);
      continue;
    }
    if (mode === undefined) {
      add('skipped', ref, `Namespace ${namespace} is not in the input, so its isolation mode is unknown; add the Namespace to the input`);
      continue;
    }
    if ('skip' in mode) {
      add('skipped', ref, mode.workspace === undefined
        ? `KubeSphere turns it into NetworkPolicy nsnp-${name} even though namespace ${namespace} is in no workspace, but a netiso allow-list entry needs a project-isolated project; not carried over: keep that NetworkPolicy, or write it as a plain NetworkPolicy`
        : `not carried over: namespace ${namespace} is not imported (workspace ${mode.workspace} is not in the input)`);
      continue;
    }
    if (mode.isolation !== 'project') {
      add('note', ref, `not carried over: KubeSphere deletes the NamespaceNetworkPolicies of a namespace ${mode.isolation === 'workspace' ? 'in workspace isolation' : 'whose isolation is off'}, so it allows nothing`);
      continue;
    }
    const ingressRules = Array.isArray(spec.ingress) ? spec.ingress : undefined;
    const egressRules = Array.isArray(spec.egress) ? spec.egress : undefined;
    if (egressRules && egressRules.length > 0) anyEgressRule = true;

    const problems: string[] = [];
    const resolve = (peer: RawPeer): ResolvedPeer | undefined => {
      const r = resolvePeer(peer, inputs.services, serviceModel);
      if (typeof r === 'string') { problems.push(r); return undefined; }
      if (r.ignored.length) add('note', ref, `a peer sets ${['service', 'namespace', 'ipBlock'].filter((k) => k in (peer ?? {}) && (peer as Record<string, unknown>)[k] != null).join(', ')}; KubeSphere uses only the first of service, namespace, ipBlock, and so does the import`);
      return r.peer;
    };
    const rules = (list: RawRule[] | undefined, dir: Direction) => (list ?? []).map((rule) => ({
      peers: arr<RawPeer>(dir === 'ingress' ? rule?.from : rule?.to).map(resolve),
      hasPeers: arr(dir === 'ingress' ? rule?.from : rule?.to).length > 0,
      ports: arr<RawPort>(rule?.ports).map((p) => portModel(p, problems)),
    }));
    const egress = rules(egressRules, 'egress');
    const ingress = rules(ingressRules, 'ingress');
    if (problems.length) {
      add('skipped', ref, `KubeSphere fails to convert it (${[...new Set(problems)].join('; ')}), so no nsnp-${name} policy is written for it (one written earlier may still exist); fix the NamespaceNetworkPolicy and import again`);
      // The controller's DNS decision counts an NSNP with egress rules even when it fails to convert.
      if (egressRules && egressRules.length > 0) lock(namespace, name);
      continue;
    }
    if (egressRules) lock(namespace, name);
    if (!ingressRules && !egressRules) {
      add('note', ref, 'has neither ingress nor egress rules, so it adds nothing to the project isolation; not carried over');
      continue;
    }
    if (egressRules && egressRules.length === 0) {
      add('changed', ref, 'spec.egress is an empty list: KubeSphere locks the project\'s egress down without allowing DNS; netiso always allows DNS once egress is locked');
    }

    const parts: Part[] = [];
    const source = (dir: Direction, rule: number) => `NamespaceNetworkPolicy ${namespace}/${name}, ${dir} rule ${rule + 1}`;
    egress.forEach((rule, i) => {
      const peers = rule.peers as ResolvedPeer[];
      const services = peers.filter((p): p is Extract<ResolvedPeer, { kind: 'service' }> => p.kind === 'service');
      if (services.length) {
        const comments = services.flatMap((p) => portDeviation(p.service, ref, add));
        parts.push({ direction: 'egress', rule: i, suffix: 'services', entry: internal('egress', source('egress', i), services.map((p) => servicePeer(p.service, imported)), [], comments) });
      }
      const others = peers.filter((p) => p.kind !== 'service');
      if (others.length === 0 && services.length === 0) {
        add('note', ref, `egress rule ${i + 1} has no peers: KubeSphere drops such a rule (it does not mean "anywhere"), so nothing is carried over for it${rule.ports.length ? ` (its ports ${rule.ports.map(portText).join(', ')} are ignored)` : ''}`);
      }
      parts.push(...splitPeers('egress', i, others, rule.ports, source('egress', i), imported));
    });
    ingress.forEach((rule, i) => {
      const peers = rule.peers as ResolvedPeer[];
      if (!rule.hasPeers) {
        add('changed', ref, `ingress rule ${i + 1} has no peers, which means from anywhere: carried over as from every IPv4 and IPv6 address; whether that includes pods of the cluster depends on the CNI (netiso never emits an empty peer list)`);
        parts.push({
          direction: 'ingress', rule: i, suffix: 'external',
          entry: external('ingress', source('ingress', i), [{ cidr: '0.0.0.0/0', except: [] }, { cidr: '::/0', except: [] }], rule.ports,
            ['KubeSphere: a rule without peers allows everyone on these ports; netiso needs explicit peers.']),
        });
        return;
      }
      parts.push(...splitPeers('ingress', i, peers, rule.ports, source('ingress', i), imported));
    });
    const list = entries.get(namespace) ?? [];
    list.push(...nameParts(name, parts));
    entries.set(namespace, list);
  }

  // A failed or peerless egress NSNP still locks the project's egress down in KubeSphere; an entry makes netiso do the same.
  for (const [namespace, nsnps] of [...locksEgress].sort(([a], [b]) => compare(a, b))) {
    const list = entries.get(namespace) ?? [];
    if (list.some((e) => e.direction === 'egress')) continue;
    list.push({
      name: LOCKDOWN_ENTRY,
      kind: 'external',
      direction: 'egress',
      source: `NamespaceNetworkPolicy ${nsnps.map((n) => `${namespace}/${n}`).join(', ')}: egress lockdown`,
      comments: [
        'KubeSphere locks this project\'s egress down because of the egress rules of these NamespaceNetworkPolicies, although none '
        + 'of those rules was carried over (see the import report). This entry only switches the lockdown on: what it allows is DNS, '
        + 'which the isolation policy allows anyway.',
      ],
      peers: [],
      cidrs: [{ cidr: `${KS.nodeLocalDnsIp}/32`, except: [] }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    });
    add('note', { kind: 'Namespace', name: namespace }, `KubeSphere locks its egress down (because of ${nsnps.join(', ')}) although no egress rule was carried over; entry ${LOCKDOWN_ENTRY} reproduces that`);
    entries.set(namespace, list);
  }

  const dns = dnsModel(inputs.services, anyEgressRule || locksEgress.size > 0, add);

  const projects = new Map<string, ProjectModel[]>();
  for (const [name, mode] of [...modes].sort(([a], [b]) => compare(a, b))) {
    if ('skip' in mode) continue;
    const services = [...adopted.values()].filter((s) => s.namespace === name).sort((a, b) => compare(a.name, b.name));
    const list = projects.get(mode.workspace) ?? [];
    list.push({
      name, workspace: mode.workspace, isolation: mode.isolation, why: mode.why, services,
      entries: uniqueNames(name, entries.get(name) ?? [], services.map((s) => s.name), add),
    });
    projects.set(mode.workspace, list);
  }

  return {
    cluster: opts.cluster,
    options: opts,
    allowedIngressNamespaces: config.allowedIngressNamespaces,
    configSource: config.present ? config.source : undefined,
    dns,
    workspaces: [...workspaces].sort(([a], [b]) => compare(a, b)).map(([name, w]) => ({
      name, networkIsolation: w.isolation, source: w.source, projects: projects.get(name) ?? [],
    })),
    report: sortReport(report),
  };
}

interface Inputs {
  readonly namespaces: Map<string, KubeObject>;
  readonly workspaces: Map<string, KubeObject>;
  readonly workspaceTemplates: Map<string, KubeObject>;
  readonly nsnps: Map<string, KubeObject>;
  /** By `namespace/name`. */
  readonly services: Map<string, KubeObject>;
  readonly configMap?: KubeObject;
}

type Add = (severity: ImportSeverity, obj: { kind: string; namespace?: string; name: string }, message: string) => void;

/** Sorts the objects into what the controller reads; the rest is summarised in one note. */
function index(objects: readonly KubeObject[], add: Add): Inputs {
  const inputs = {
    namespaces: new Map<string, KubeObject>(),
    workspaces: new Map<string, KubeObject>(),
    workspaceTemplates: new Map<string, KubeObject>(),
    nsnps: new Map<string, KubeObject>(),
    services: new Map<string, KubeObject>(),
    configMap: undefined as KubeObject | undefined,
  };
  const unused = new Map<string, number>();
  // Every copy is kept until all are read, so that which one is used does not depend on the order.
  const copies = new Map<Map<string, KubeObject>, Map<string, KubeObject[]>>();
  const put = (map: Map<string, KubeObject>, key: string, obj: KubeObject) => {
    if (!copies.has(map)) copies.set(map, new Map());
    const byKey = copies.get(map)!;
    byKey.set(key, [...(byKey.get(key) ?? []), obj]);
  };
  const configMaps = new Map<string, KubeObject>();
  for (const obj of objects) {
    const kind = obj.kind ?? '(no kind)';
    const group = (obj.apiVersion ?? '').split('/')[0];
    const name = obj.metadata?.name;
    const namespace = obj.metadata?.namespace;
    if (!name) {
      unused.set(kind, (unused.get(kind) ?? 0) + 1);
    } else if (kind === 'Namespace' && obj.apiVersion === 'v1') {
      put(inputs.namespaces, name, obj);
    } else if (kind === 'Workspace' && group === 'tenant.kubesphere.io') {
      put(inputs.workspaces, name, obj);
    } else if (kind === 'WorkspaceTemplate' && group === 'tenant.kubesphere.io') {
      put(inputs.workspaceTemplates, name, obj);
    } else if (kind === 'NamespaceNetworkPolicy' && group === 'network.kubesphere.io' && namespace) {
      put(inputs.nsnps, `${namespace}/${name}`, obj);
    } else if (kind === 'Service' && obj.apiVersion === 'v1' && namespace) {
      put(inputs.services, `${namespace}/${name}`, obj);
    } else if (kind === 'ConfigMap' && name === KS.configMap && (namespace ?? KS.configNamespace) === KS.configNamespace) {
      put(configMaps, KS.configMap, obj);
    } else if (kind === 'Node' && obj.metadata?.annotations?.[KS.snatAnnotation]) {
      add('skipped', { kind, name }, `its ${KS.snatAnnotation} annotation (${obj.metadata.annotations[KS.snatAnnotation]}) makes KubeSphere admit ingress from those IPs to every isolated project; netiso does not generate that rule: add an ingress ExternalWhitelist with those /32 CIDRs to the projects that need it`);
    } else {
      unused.set(kind, (unused.get(kind) ?? 0) + 1);
    }
  }
  for (const [map, byKey] of copies) {
    for (const [key, list] of byKey) map.set(key, pickCopy(list, add));
  }
  inputs.configMap = configMaps.get(KS.configMap);
  if (unused.size) {
    const summary = [...unused].sort(([a], [b]) => compare(a, b)).map(([k, n]) => `${k} ×${n}`).join(', ');
    add('note', { kind: 'Input', name: 'other objects' }, `${summary}: not read (KubeSphere's network isolation does not depend on them)`);
  }
  // Keys are sorted so that the model does not depend on the order of the input.
  const sorted = (m: Map<string, KubeObject>) => new Map([...m].sort(([a], [b]) => compare(a, b)));
  return {
    namespaces: sorted(inputs.namespaces),
    workspaces: sorted(inputs.workspaces),
    workspaceTemplates: sorted(inputs.workspaceTemplates),
    nsnps: sorted(inputs.nsnps),
    services: inputs.services,
    configMap: inputs.configMap,
  };
}

/**
 * The copy of an object that appears more than once in the input, chosen whatever their order:
 * identical copies are one object; of differing copies the one with the highest
 * `metadata.resourceVersion` (the newest the API server wrote), then the first in canonical JSON
 * order. Differing copies are reported as `skipped`: which one the cluster has is unknown.
 */
function pickCopy(copies: readonly KubeObject[], add: Add): KubeObject {
  if (copies.length === 1) return copies[0];
  const first = copies[0];
  const ref = { kind: first.kind!, namespace: first.metadata?.namespace, name: first.metadata!.name! };
  const distinct = [...new Map(copies.map((c) => [stableJson(c), c])).entries()].sort(([a], [b]) => compare(a, b)).map(([, c]) => c);
  if (distinct.length === 1) {
    add('note', ref, `appears ${copies.length} times in the input, as identical copies; one is used`);
    return first;
  }
  const version = (o: KubeObject): bigint | undefined => {
    const v = (o.metadata as Record<string, unknown> | undefined)?.resourceVersion;
    return typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : undefined;
  };
  const versions = distinct.map(version);
  const byVersion = versions.every((v) => v !== undefined) && new Set(versions.map(String)).size === versions.length;
  const chosen = byVersion ? distinct[versions.indexOf(versions.reduce((a, b) => (b! > a! ? b : a)))] : distinct[0];
  const sortedVersions = byVersion ? ` (resourceVersion ${[...versions].sort((a, b) => (a! < b! ? -1 : 1)).join(', ')})` : '';
  add('skipped', ref, `appears ${copies.length} times in the input with different contents${sortedVersions}; the import uses `
    + `${byVersion ? `the newest (resourceVersion ${version(chosen)})` : 'the first in canonical JSON order'} and leaves the others out, `
    + 'though the cluster may have one of those; keep only the current copy in the input');
  return chosen;
}

interface Config {
  readonly present: boolean;
  readonly source: string;
  readonly enabled: boolean;
  readonly allowedIngressNamespaces: string[];
}

/** `kubesphere-config`'s `kubesphere.yaml`: the feature gate and `allowedIngressNamespaces`. */
function readConfig(cm: KubeObject | undefined, add: Add): Config {
  const source = `ConfigMap ${KS.configNamespace}/${KS.configMap}`;
  const ref = { kind: 'ConfigMap', namespace: KS.configNamespace, name: KS.configMap };
  if (!cm) {
    add('note', ref, 'not in the input: network policies are assumed enabled, with no allowedIngressNamespaces; add the ConfigMap to the input if that is not so');
    return { present: false, source, enabled: true, allowedIngressNamespaces: [] };
  }
  const text = path(cm, 'data', 'kubesphere.yaml');
  let parsed: unknown;
  try {
    parsed = typeof text === 'string' ? parseYaml(text) : undefined;
  } catch (e) {
    throw new Error(`${source}: data.kubesphere.yaml is not valid YAML: ${(e as Error).message}`);
  }
  const network = path(parsed, 'network');
  const enabled = bool(path(network, 'enableNetworkPolicy'));
  const allowed = arr(path(network, 'nsnpOptions', 'allowedIngressNamespaces')).filter((n): n is string => typeof n === 'string');
  if (!enabled) {
    add('note', ref, 'network.enableNetworkPolicy is not true, so KubeSphere\'s network isolation controller does not run and enforces nothing; every namespace is imported without isolation');
  }
  return { present: true, source, enabled, allowedIngressNamespaces: allowed };
}

/**
 * The DNS the controller allows once egress is locked: nodelocaldns at its hard-coded address,
 * and the pods of Service `kube-system/kube-dns` (or `coredns`) on that Service's ports.
 */
function dnsModel(services: Map<string, KubeObject>, needed: boolean, add: Add): ImportModel['dns'] {
  const svc = ['kube-dns', 'coredns'].map((n) => services.get(`${KS.dnsNamespace}/${n}`))
    .find((s) => s && Object.keys(labels(path(s, 'spec', 'selector'))).length > 0);
  if (!svc) {
    if (needed) {
      add('changed', { kind: 'Service', namespace: 'kube-system', name: 'kube-dns' },
        'neither kube-system/kube-dns nor kube-system/coredns (with a selector) is in the input: KubeSphere then allows DNS only to nodelocaldns, while netiso also allows its default DNS pods (k8s-app=kube-dns); add the DNS Service to the input');
    }
    return { nodeLocalDnsIp: KS.nodeLocalDnsIp };
  }
  // netiso applies one port list to the DNS pods and the nodelocaldns address, so it needs
  // numbers (a named port cannot match a host-network address) and must include 53.
  const ports: PortModel[] = [];
  const push = (p: PortModel) => { if (!ports.some((q) => q.protocol === p.protocol && q.port === p.port)) ports.push(p); };
  for (const p of servicePorts(svc)) push({ protocol: p.protocol, port: typeof p.targetPort === 'number' ? p.targetPort : p.port });
  push({ protocol: 'UDP', port: 53 });
  push({ protocol: 'TCP', port: 53 });
  return {
    nodeLocalDnsIp: KS.nodeLocalDnsIp,
    service: `${svc.metadata!.namespace}/${svc.metadata!.name}`,
    podLabels: labels(path(svc, 'spec', 'selector')),
    ports,
  };
}

function resolvePeer(
  peer: RawPeer | undefined, services: Map<string, KubeObject>, serviceModel: (svc: KubeObject) => ServiceModel,
): { peer: ResolvedPeer; ignored: string[] } | string {
  const set = (['service', 'namespace', 'ipBlock'] as const).filter((k) => peer?.[k] != null);
  if (!peer || set.length === 0) return 'a peer has none of service, namespace or ipBlock';
  const ignored = set.slice(1);
  if (peer.service) {
    const { namespace, name } = peer.service;
    const svc = services.get(`${namespace}/${name}`);
    if (!svc) return `Service ${namespace}/${name} does not exist (it is not in the input)`;
    const model = serviceModel(svc);
    if (Object.keys(model.selector).length === 0) return `Service ${namespace}/${name} has no selector`;
    return { peer: { kind: 'service', service: model }, ignored };
  }
  if (peer.namespace) {
    if (!peer.namespace.name) return 'a namespace peer has no name';
    return { peer: { kind: 'namespace', name: peer.namespace.name }, ignored };
  }
  const block = peer.ipBlock!;
  if (typeof block.cidr !== 'string') return 'an ipBlock peer has no cidr';
  return { peer: { kind: 'ip-block', cidr: block.cidr, except: arr(block.except).filter((e): e is string => typeof e === 'string') }, ignored };
}

function portModel(p: RawPort | undefined, problems: string[]): PortModel {
  const protocol = (p?.protocol ?? 'TCP') as Protocol;
  if (!PROTOCOLS.includes(protocol)) {
    problems.push(`protocol ${JSON.stringify(p?.protocol)} is not TCP, UDP or SCTP, and the API server rejects the NetworkPolicy`);
  }
  return { protocol, port: p?.port ?? undefined, endPort: p?.endPort ?? undefined };
}

/** e.g. `TCP 80`, `all UDP ports`, `TCP 8000-8100`. */
export function portText(p: PortModel): string {
  if (p.port === undefined) return `all ${p.protocol} ports`;
  return `${p.protocol} ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`;
}

/** Comments (and report lines) for an egress Service whose port and targetPort differ. */
function portDeviation(service: ServiceModel, ref: { kind: string; namespace: string; name: string }, add: Add): string[] {
  const differing = service.ports.filter((p) => p.targetPort !== undefined && p.targetPort !== p.port);
  if (differing.length === 0) return [];
  const ks = differing.map((p) => `${p.protocol} ${p.port}`).join(', ');
  const netiso = differing.map((p) => `${p.protocol} ${p.targetPort}`).join(', ');
  add('changed', ref, `egress to Service ${service.namespace}/${service.name}: KubeSphere allowed its port ${ks}, which connections through the Service (DNAT'd to the target port) do not match; netiso allows the target port ${netiso}`);
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
function nameParts(nsnpName: string, parts: readonly Part[]): EntryModel[] {
  const directions = new Set(parts.map((p) => p.direction));
  return parts.map((part) => {
    const same = parts.filter((p) => p.direction === part.direction);
    const suffix = [
      directions.size > 1 ? part.direction : undefined,
      new Set(same.map((p) => p.rule)).size > 1 ? String(part.rule + 1) : undefined,
      same.filter((p) => p.rule === part.rule).length > 1 ? part.suffix : undefined,
    ].filter((s): s is string => s !== undefined);
    return { name: dnsLabel(nsnpName, suffix), ...part.entry };
  });
}

/** Makes entry names unique within a project (and distinct from its Services and reserved names). */
function uniqueNames(project: string, entries: readonly EntryModel[], taken: readonly string[], add: Add): EntryModel[] {
  const used = new Set([...RESERVED_ENTRY_NAMES, ...taken]);
  return entries.map((e) => {
    let name = e.name;
    for (let i = 2; used.has(name); i++) name = dnsLabel(e.name, [String(i)]);
    used.add(name);
    if (name !== e.name) add('note', { kind: 'Namespace', name: project }, `entry ${e.name} (${e.source}) is named ${name}, because ${e.name} is taken`);
    return name === e.name ? e : { ...e, name };
  });
}

/** `base` with `suffix` parts as a DNS-1123 label; too long names keep a hash of the full name. */
export function dnsLabel(base: string, suffix: readonly string[] = []): string {
  const tail = suffix.map(toDnsLabel).filter(Boolean).join('-');
  const head = toDnsLabel(base) || 'entry';
  const full = tail ? `${head}-${tail}` : head;
  if (full.length <= 63) return full;
  const hash = fnv1a(`${base}/${suffix.join('/')}`);
  const room = 63 - hash.length - 1 - (tail ? tail.length + 1 : 0);
  return [head.slice(0, room).replace(/-+$/, ''), hash, tail].filter(Boolean).join('-');
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36).padStart(7, '0');
}

function servicePorts(svc: KubeObject): ServicePortModel[] {
  return arr(path(svc, 'spec', 'ports')).map((raw) => {
    const p = raw as { port: number; targetPort?: number | string; protocol?: Protocol; name?: string };
    return {
      port: p.port,
      // Kubernetes defaults targetPort to port; keep it only when it says something.
      targetPort: p.targetPort !== undefined && p.targetPort !== p.port ? p.targetPort : undefined,
      protocol: p.protocol ?? 'TCP',
      name: p.name,
    };
  });
}

function path(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const k of keys) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function bool(value: unknown): boolean { return value === true; }

function arr<T = unknown>(value: unknown): T[] { return Array.isArray(value) ? value : []; }

function labels(value: unknown): Labels {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
