import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType, ApiObject } from 'cdk8s';
import { manifestFileName, toYaml } from '../synth/canonical';
import { IConstruct } from 'constructs';
import { LocatedProblem, SynthesisError } from '../errors';
import { collectWarnings } from '../warnings';
import type { Cni, KubeProxyProps } from '../cni/cni';
import { namedPeerProblems } from '../cni/compile';
import { CLUSTER_SCOPED_DIR, ClusterSettings, Manifest } from '../render/model';
import type { NamedPeer } from '../values/peer-spec';
import { GatewayProps, dataplaneProblems, dataplaneSettings } from './cluster-dataplane';
import { cidrListProblems, IpBlock, ipBlocks, ipv4OfMapped, isStrictIp } from '../values/ip-block';
import { compare } from '../k8s/compare';
import { dnsLabelProblems, dnsSubdomainProblems, Labels, labelProblems } from '../k8s/names';
import { asList, booleanProblems, listProblems } from '../values/checks';
import { Port, portListProblems, portsOf } from '../values/port';
import type { IsolatedProject } from './project';
import { buildGuardrails, BuiltGuardrails } from '../guardrails/build';
import { GuardrailProps, resolveGuardrails } from '../guardrails/options';
import { GuardrailOptions } from '../guardrails/input';

/** Where the cluster DNS runs; used for the egress rules added when a project locks egress down. */
export interface DnsProps {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default { 'k8s-app': 'kube-dns' } */
  readonly podLabels?: Labels;
  /** @default [Port.udp(53), Port.tcp(53)] */
  readonly ports?: readonly Port[];
  /** NodeLocal DNSCache address (KubeSphere installs it at 169.254.25.10). @default none */
  readonly nodeLocalDnsIp?: string;
  /**
   * Ports allowed to `nodeLocalDnsIp`, when they differ from the DNS pods' (NodeLocal DNSCache
   * answers DNS only, CoreDNS may also serve metrics on 9153). Port numbers only: a named port
   * matches pods, and NodeLocal DNS listens on the node.
   * @default `ports`
   */
  readonly nodeLocalDnsPorts?: readonly Port[];
}

/**
 * The ingress controller that `ExposedService`s in `Ingress` mode are reached through. KubeSphere's
 * project gateways run in `kubesphere-controls-system` as ingress-nginx pods labelled
 * `app.kubernetes.io/name: ingress-nginx`, `app.kubernetes.io/component: controller`.
 */
export interface IngressControllerProps {
  /** Namespace of the controller pods. */
  readonly namespace: string;
  /** Labels of the controller pods; must not be empty, so that other pods of the namespace stay out. */
  readonly podLabels: Labels;
  /**
   * The controller pods run with `hostNetwork: true`. Their connections then come from the node
   * (or its tunnel interface) addresses, which no pod selector matches, so exposures allow
   * `nodeCidrs` and `tunnelCidrs` instead of the controller's pods.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /** IngressClass for exposures that name none. @default none: the cluster's default IngressClass */
  readonly className?: string;
}

/** Settings of one target cluster. */
export interface ClusterProps {
  /**
   * Namespaces whose pods may always reach isolated projects, e.g. `kubesphere-system`,
   * `kubesphere-monitoring-system` (KubeSphere's `nsnpOptions.allowedIngressNamespaces`).
   * @default []
   */
  readonly allowedIngressNamespaces?: readonly string[];
  /**
   * Namespace label that identifies a namespace by name in selectors. The default is set by
   * Kubernetes itself and cannot be changed by tenants; use `kubesphere.io/namespace` to match
   * KubeSphere's own policies exactly.
   * @default 'kubernetes.io/metadata.name'
   */
  readonly namespaceLabel?: string;
  /** Cluster DNS. @default kube-system pods k8s-app=kube-dns on UDP and TCP 53 */
  readonly dns?: DnsProps;
  /**
   * Addresses of the nodes (their primary interface, e.g. Calico without encapsulation). Under
   * `externalTrafficPolicy: Cluster` kube-proxy may forward NodePort and LoadBalancer traffic
   * through another node and SNAT it to that node's address, so `ExposedService` allows these.
   * @default []
   */
  readonly nodeCidrs?: ReadonlyArray<string | IpBlock>;
  /**
   * Addresses of the nodes' overlay tunnel interfaces (Calico IPIP `tunl0`, VXLAN `vxlan.calico`,
   * flannel `flannel.1`): the source of forwarded traffic when the CNI encapsulates it.
   * @default []
   */
  readonly tunnelCidrs?: ReadonlyArray<string | IpBlock>;
  /** The ingress controller that `Ingress`-mode exposures are reached through. @default none */
  readonly ingressController?: IngressControllerProps;
  /**
   * The CNI and the settings that change how it enforces NetworkPolicy: netiso generates what works
   * on it and analyses reachability as it enforces it. See `docs/cni.md`.
   * @default Cni.generic(): the NetworkPolicy specification
   */
  readonly cni?: Cni;
  /** kube-proxy settings that change policy semantics. @default masqueradeAll false */
  readonly kubeProxy?: KubeProxyProps;
  /**
   * Addresses of the Kubernetes API server (the endpoints of Service `default/kubernetes`), for
   * `InternalPeer.kubeApiServer()`. Not needed on Cilium, which has an identity for it.
   * @default []
   */
  readonly apiServerEndpoints?: ReadonlyArray<string | IpBlock>;
  /** The Gateway that `Gateway`-mode exposures attach to. @default none */
  readonly gateway?: GatewayProps;
  /**
   * Node addresses every isolated project admits, on every port, in project and workspace
   * isolation alike: KubeSphere's `kubesphere.io/snat-node-ips` node annotations, for traffic
   * that reaches the pods with a node's address after SNAT. `netiso-isolation` gets them as
   * `/32` (IPv6 `/128`) ipBlocks, as KubeSphere's `nsnp-network-isolate` does. For new setups
   * prefer `nodeCidrs` with `ExposedService`, which admits node addresses only to exposed pods.
   * @default []
   */
  readonly snatNodeIps?: readonly string[];
  /** Output directory for `cdk8s` synthesis (`Cluster.synth()`). @default `dist/<name>` */
  readonly outdir?: string;
  // --- guardrails (see docs/guardrails.md) ---
  /**
   * Guardrails tenants cannot undo: cluster-scoped policies (ClusterNetworkPolicy,
   * AdminNetworkPolicy, Calico or Cilium) that keep each isolated project's isolation whatever
   * NetworkPolicy its tenants write, protect system namespaces, and carry `DenyList`s. Written to
   * `dist/<cluster>/_cluster/`. @default none: NetworkPolicy only
   */
  readonly guardrails?: GuardrailProps;
}


/** The objects of one project after rendering. */
export interface RenderedProject {
  readonly project: IsolatedProject;
  readonly manifests: readonly Manifest[];
}

/**
 * One target cluster: the root of a synthesis. Projects are its direct children, so that
 * `cdk8s` writes them to `<outdir>/<project>/` without hashed names.
 */
export class Cluster extends App {
  /** Cluster name, the directory under `dist/`. */
  public readonly name: string;
  /** Resolved settings. */
  public settings: ClusterSettings;
  /** Source file the project definitions currently being loaded come from (set by the loader). */
  public currentSource?: string;
  private props: ClusterProps;
  private readonly extraProblems: string[] = [];
  private readonly projectsByName = new Map<string, IsolatedProject>();
  private materialized = false;
  private guardrailCache?: { readonly size: number; readonly built: BuiltGuardrails };

  constructor(name: string, props: ClusterProps = {}) {
    super({ outdir: props.outdir ?? `dist/${name}`, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    this.name = name;
    this.props = props;
    this.settings = settingsOf(name, props);
    this.node.addValidation({ validate: () => [...this.extraProblems, ...this.settingProblems()] });
  }

  /** The props this cluster was created with. */
  public get clusterProps(): ClusterProps { return this.props; }

  /** @internal Sets the props of a cluster first named without them (see `ClusterSet.cluster`). */
  public configure(props: ClusterProps): void {
    this.props = props;
    this.settings = settingsOf(this.name, props);
  }

  /** What this cluster lacks to match a named peer on its CNI (used by `InternalPeer`). */
  public namedPeerProblems(peer: NamedPeer): string[] {
    return namedPeerProblems(this.settings, peer);
  }

  /** Records a problem found outside the construct tree (e.g. by the definitions loader). */
  public addProblem(message: string): void { this.extraProblems.push(message); }

  /** Projects of this cluster in definition order. */
  public get projects(): IsolatedProject[] {
    return this.node.children.filter(isProject);
  }

  /** The project with this name, if any (the first one, if the name is used twice). */
  public findProject(name: string): IsolatedProject | undefined {
    return this.projectsByName.get(name);
  }

  /** @internal Called by each project's constructor; keeps lookups by name constant-time. */
  public registerProject(project: IsolatedProject): void {
    if (!this.projectsByName.has(project.name)) this.projectsByName.set(project.name, project);
  }

  /** Warnings of this cluster's tree (available after {@link Cluster.render}). */
  public warnings(): LocatedProblem[] {
    // Guardrail warnings exist once validation has computed the guardrails.
    return [...collectWarnings(this, this.name), ...(this.guardrailCache?.built.warnings ?? [])];
  }

  /**
   * Every validation problem in this cluster's tree, located by construct path. Projects and their
   * parts appear by name (`demo/a/b` for an entry named `a/b`), not by construct id, which
   * rewrites some names and numbers repeated ones.
   */
  public problems(): LocatedProblem[] {
    const out: LocatedProblem[] = [];
    for (const c of this.node.findAll()) {
      const messages = c.node.validate();
      if (messages.length === 0) continue;
      const path = [this.name, ...c.node.scopes.slice(1).map(displayName)].join('/');
      for (const message of messages) out.push({ path, message });
    }
    // Guardrails are derived from the rendered projects, which needs a valid tree.
    if (out.length === 0) out.push(...(this.guardrails()?.problems ?? []));
    return out;
  }

  /**
   * The cluster-scoped manifests: the guardrails (none without the `guardrails` prop).
   * Assumes a valid tree (see {@link Cluster.problems}).
   */
  public clusterManifests(): Manifest[] {
    const built = this.guardrails();
    if (built?.problems.length) throw new SynthesisError(built.problems);
    return [...(built?.manifests ?? [])];
  }

  /** Guardrails of this (valid) tree, computed once per tree size: validation and rendering both need them. */
  private guardrails(): BuiltGuardrails | undefined {
    const options = this.guardrailOptions();
    if (!options) return undefined;
    const size = this.node.findAll().length;
    if (this.guardrailCache?.size !== size) this.guardrailCache = { size, built: buildGuardrails(this, options) };
    return this.guardrailCache.built;
  }

  private guardrailOptions(): GuardrailOptions | undefined {
    return this.props.guardrails && resolveGuardrails(this.props.guardrails, this.settings).options;
  }

  /** Renders every project; throws {@link SynthesisError} with all problems when the tree is invalid. */
  public render(): RenderedProject[] {
    const problems = this.problems();
    if (problems.length) throw new SynthesisError(problems);
    return this.projects.map((project) => ({ project, manifests: project.render() }));
  }

  /**
   * cdk8s synthesis: turns the rendered manifests into `ApiObject`s and lets cdk8s write them.
   * `netiso synth` does not use this path (it builds a second object tree and writes through
   * cdk8s, about 1.1-1.6x slower); it exists so that plain cdk8s apps work, and a test keeps both
   * outputs identical.
   */
  public synth(): void {
    if (!this.materialized) {
      for (const { project, manifests } of this.render()) {
        for (const m of manifests) new ApiObject(project, `${m.kind}.${m.metadata.name}`, m);
      }
      this.materialized = true;
    }
    super.synth();
    // Not a chart: cdk8s would add a hash to a directory name that is not a DNS label, and any
    // DNS label could be a project's.
    const clusterScoped = this.clusterManifests();
    if (clusterScoped.length) {
      const dir = path.join(this.outdir, CLUSTER_SCOPED_DIR);
      fs.mkdirSync(dir, { recursive: true });
      for (const m of clusterScoped) fs.writeFileSync(path.join(dir, manifestFileName(m)), toYaml(m));
    }
  }

  private settingProblems(): string[] {
    const s = this.settings;
    const props = this.props;
    const out = [
      ...dnsLabelProblems('cluster name', this.name),
      ...labelProblems('namespaceLabel', { [s.namespaceLabel]: 'x' }),
      ...listProblems('allowedIngressNamespaces', props.allowedIngressNamespaces, `[${typeof props.allowedIngressNamespaces === 'string' ? JSON.stringify(props.allowedIngressNamespaces) : '"kubesphere-monitoring-system"'}]`),
      ...s.allowedIngressNamespaces.flatMap((n) => dnsLabelProblems('allowed ingress namespace', n)),
      ...dnsLabelProblems('DNS namespace', s.dns.namespace),
      ...labelProblems('DNS podLabels', s.dns.podLabels),
      ...portListProblems('DNS ports', props.dns?.ports).map((m) => (m.startsWith('DNS ports') ? m : `DNS port: ${m}`)),
    ];
    if (Object.keys(s.dns.podLabels).length === 0) {
      out.push(`DNS podLabels is empty, which would allow egress to every pod of ${s.dns.namespace}; give the DNS pods' labels, e.g. { 'k8s-app': 'kube-dns' }`);
    }
    if (s.dns.nodeLocalIp !== undefined && !isStrictIp(s.dns.nodeLocalIp)) {
      out.push(`DNS nodeLocalDnsIp ${JSON.stringify(s.dns.nodeLocalIp)} is not an IP address; use the NodeLocal DNSCache address, e.g. "169.254.25.10"`);
    }
    out.push(...portListProblems('DNS nodeLocalDnsPorts', props.dns?.nodeLocalDnsPorts).map((m) => (m.startsWith('DNS') ? m : `DNS nodeLocalDnsPorts: ${m}`)));
    for (const port of portsOf(props.dns?.nodeLocalDnsPorts)) {
      if (typeof port.port === 'string') {
        out.push(`DNS nodeLocalDnsPorts: ${port} is a named port, which only matches pods; NodeLocal DNS listens on the node, so give its port number, e.g. Port.${port.protocol.toLowerCase()}(53)`);
      }
    }
    out.push(...listProblems('snatNodeIps', props.snatNodeIps, `[${typeof props.snatNodeIps === 'string' ? JSON.stringify(props.snatNodeIps) : '"192.168.0.11"'}]`));
    for (const ip of s.snatNodeIps) {
      const ipv4 = ipv4OfMapped(ip);
      if (ipv4) out.push(`snatNodeIps: ${JSON.stringify(ip)} is an IPv4-mapped IPv6 address, which no IPv4 connection comes from; write "${ipv4}"`);
      else if (!isStrictIp(ip)) out.push(`snatNodeIps: ${JSON.stringify(ip)} is not an IP address; list node addresses like "192.168.0.11"`);
    }
    for (const what of ['nodeCidrs', 'tunnelCidrs'] as const) {
      out.push(...cidrListProblems(what, props[what]).map((m) => (m.startsWith(what) ? m : `${what}: ${m}`)));
    }
    const ic = s.ingressController;
    if (ic) {
      out.push(...booleanProblems('ingressController hostNetwork', props.ingressController?.hostNetwork));
      out.push(...dnsLabelProblems('ingressController namespace', ic.namespace), ...labelProblems('ingressController podLabels', ic.podLabels));
      if (!ic.podLabels || Object.keys(ic.podLabels).length === 0) {
        out.push(`ingressController podLabels is empty, which would let every pod of ${ic.namespace} reach exposed pods; give the controller pods' labels, e.g. { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }`);
      }
      if (ic.className !== undefined) out.push(...dnsSubdomainProblems('ingressController className', ic.className));
    }
    out.push(...dataplaneProblems(this.props, this.settings));
    if (this.props.guardrails) {
      out.push(...resolveGuardrails(this.props.guardrails, s).problems);
      const options = this.guardrailOptions();
      for (const n of options?.protectedNamespaces ?? []) {
        if (this.findProject(n)) out.push(`namespace ${n} is both a netiso project and a protected system namespace; remove it from guardrails.protectedNamespaces or rename the project`);
      }
    }
    return out;
  }
}

function settingsOf(name: string, props: ClusterProps): ClusterSettings {
  const ports = props.dns?.ports === undefined ? [Port.udp(53), Port.tcp(53)] : portsOf(props.dns.ports);
  return {
    name,
    namespaceLabel: props.namespaceLabel ?? 'kubernetes.io/metadata.name',
    allowedIngressNamespaces: [...new Set(asList(props.allowedIngressNamespaces))],
    dns: {
      namespace: props.dns?.namespace ?? 'kube-system',
      podLabels: props.dns?.podLabels ?? { 'k8s-app': 'kube-dns' },
      ports,
      nodeLocalIp: props.dns?.nodeLocalDnsIp,
      nodeLocalPorts: props.dns?.nodeLocalDnsPorts === undefined ? ports : portsOf(props.dns.nodeLocalDnsPorts),
    },
    // Sorted as strings, as KubeSphere sorts them; the order is not significant.
    snatNodeIps: [...new Set(asList(props.snatNodeIps))].sort(compare),
    nodeCidrs: ipBlocks(props.nodeCidrs),
    tunnelCidrs: ipBlocks(props.tunnelCidrs),
    ingressController: props.ingressController && {
      namespace: props.ingressController.namespace,
      podLabels: props.ingressController.podLabels,
      hostNetwork: props.ingressController.hostNetwork ?? false,
      className: props.ingressController.className,
    },
    ...dataplaneSettings(props),
  };
}

/** How a construct appears in a problem's path: projects and their parts by name, others by id. */
function displayName(c: IConstruct): string {
  const named = c as { readonly isIsolatedProject?: boolean; readonly isProjectPart?: boolean; readonly isWorkspace?: boolean; readonly name?: unknown };
  if (typeof named.name !== 'string' || named.name === '') return c.node.id;
  if (named.isWorkspace) return `Workspace:${named.name}`;
  return named.isIsolatedProject || named.isProjectPart ? named.name : c.node.id;
}

function isProject(c: IConstruct): c is IsolatedProject {
  return (c as { readonly isIsolatedProject?: boolean }).isIsolatedProject === true;
}
