import { k8s } from 'cdk8s-plus-27';
import { matchesNamedPeer, namedPeerProblems } from '../cni/compile';
import { renderGrpcRoute, renderHttpRoute } from '../render/gateway';
import { IngressPathSpec, IngressPathType, renderIngress } from '../render/ingress';
import { Manifest, PeerSpec, PolicySpec } from '../render/model';
import { cidrListProblems, IpBlock, ipBlocks } from '../values/ip-block';
import { annotationProblems, derivedNameProblems, dns1035LabelProblems, dnsSubdomainProblems } from '../k8s/names';
import { Port } from '../values/port';
import { ServicePort, targetPorts } from '../values/service';
import { addWarning } from '../warnings';
import { ExposedGatewayProps, gatewayRouteProblems, grpcRouteRules, httpPaths, httpRouteRules, routedPort, routedServicePorts } from './exposed-gateway';
import { IsolatedProject } from './project';
import { ProjectService, ProjectServiceProps } from './project-service';

/**
 * How an {@link ExposedService} is reached from outside the cluster: through a port on every node,
 * through a load balancer in front of the nodes, through the cluster's ingress controller, or
 * through the cluster's Gateway API Gateway.
 */
export type ExposureMode = 'NodePort' | 'LoadBalancer' | 'Ingress' | 'Gateway';

/**
 * Whether kube-proxy may forward node-port traffic to pods on other nodes (`Cluster`, which SNATs
 * the client's address away) or only to pods on the node that received it (`Local`, which keeps it).
 */
export type ExternalTrafficPolicy = 'Cluster' | 'Local';

const MODES: readonly string[] = ['NodePort', 'LoadBalancer', 'Ingress', 'Gateway'];
const TRAFFIC_POLICIES: readonly string[] = ['Cluster', 'Local'];
const PATH_TYPES: readonly string[] = ['Prefix', 'Exact', 'ImplementationSpecific'];

/** One port of an {@link ExposedService}. */
export interface ExposedServicePort extends ServicePort {
  /** Fixed node port (NodePort and LoadBalancer modes). @default chosen by Kubernetes */
  readonly nodePort?: number;
}

/** One path of an {@link ExposedIngressRule}. */
export interface ExposedPath {
  /** @default '/' */
  readonly path?: string;
  /** @default 'Prefix' */
  readonly pathType?: IngressPathType;
  /** The Service port the path routes to, by number or name. @default the Service's only port */
  readonly port?: number | string;
}

/** One rule of the Ingress an {@link ExposedService} emits in `Ingress` mode. */
export interface ExposedIngressRule {
  /** Host name; may start with `*.`. @default every host */
  readonly host?: string;
  /** @default [{ path: '/' }] */
  readonly paths?: readonly ExposedPath[];
}

/** The Ingress of an {@link ExposedService} in `Ingress` mode. */
export interface ExposedIngressProps {
  /** At least one rule. */
  readonly rules: readonly ExposedIngressRule[];
  /** IngressClass. @default the cluster's `ingressController.className`, else the cluster's default class */
  readonly className?: string;
  /** Annotations of the Ingress, e.g. controller options. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Props of an {@link ExposedService}. */
export interface ExposedServiceProps extends ProjectServiceProps {
  readonly ports: readonly ExposedServicePort[];
  readonly mode: ExposureMode;
  /**
   * NodePort and LoadBalancer modes only. `Cluster` needs the cluster's `nodeCidrs` / `tunnelCidrs`
   * and cannot filter clients (a synthesis warning says so); `Local` filters clients but only
   * nodes running a ready pod answer.
   * @default 'Cluster', as in Kubernetes
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /**
   * Client addresses let in (NodePort and LoadBalancer modes): CIDR strings or {@link IpBlock}s.
   * Write `'0.0.0.0/0'` (or `IpBlock.anyIpv4()`) to mean every address.
   * @default none: only what the mode itself needs
   */
  readonly clients?: ReadonlyArray<string | IpBlock>;
  /** The Ingress; required in `Ingress` mode, refused in the others. */
  readonly ingress?: ExposedIngressProps;
  /** The Gateway API routes; required in `Gateway` mode, refused in the others. */
  readonly gateway?: ExposedGatewayProps;
  /** Annotations of the Service, e.g. OpenELB's `lb.kubesphere.io/v1alpha1: openelb`. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * A Service reachable from outside the cluster, plus the NetworkPolicy `netiso-expose-<name>` that
 * lets its traffic through the project's isolation and no more. The policy selects only the
 * Service's pods and allows only their target ports (policies match after the Service's DNAT), from
 * where the traffic comes from on the cluster's CNI (`Cluster` prop `cni`):
 *
 * - NodePort / LoadBalancer with `externalTrafficPolicy: Cluster`: the nodes (the SNAT source when
 *   kube-proxy forwards through another node) plus `clients`; only `clients` where the dataplane
 *   keeps the client's address (Calico eBPF, Cilium DSR);
 * - NodePort / LoadBalancer with `Local`: `clients` only, since the client's address is kept;
 * - Ingress: the cluster's `ingressController` pods, or the nodes when the controller uses
 *   hostNetwork. The Service is ClusterIP and an `Ingress` named `<name>` is emitted;
 * - Gateway: the cluster gateway's proxy pods (or the nodes, or the CNI's own proxy identity). The
 *   Service is ClusterIP and an `HTTPRoute` (and a `GRPCRoute` for `grpc`) named `<name>` is emitted.
 *
 * "The nodes" are the cluster's `nodeCidrs` and `tunnelCidrs`, or on Cilium (whose ipBlocks do not
 * match nodes by default) a CiliumNetworkPolicy `netiso-expose-<name>` with the `remote-node` and
 * `host` entities on the same ports; Cilium's own Ingress / Gateway is its `ingress` entity.
 *
 * In a project with `isolation: 'none'` nothing blocks the traffic, so no policy is emitted (one
 * would isolate the pods); `clients` are then an error, as they could restrict nothing. In
 * workspace isolation the policy is emitted as in project isolation: it is part of the exposure,
 * not an allow-list entry, and the workspace's isolation blocks node and client traffic alike.
 *
 * It is a {@link ProjectService}, so other projects can name it with `InternalPeer.service`.
 */
export class ExposedService extends ProjectService {
  declare protected readonly props: ExposedServiceProps;
  /** The client addresses from `clients`. */
  public readonly clients: readonly IpBlock[];

  constructor(project: IsolatedProject, name: string, props: ExposedServiceProps) {
    super(project, name, props);
    this.clients = ipBlocks(props.clients);
    this.node.addValidation({ validate: () => this.exposureProblems() });
  }

  public get mode(): ExposureMode { return this.props.mode; }

  /** The traffic policy, or undefined in `Ingress` and `Gateway` modes (the Service is ClusterIP). */
  public get externalTrafficPolicy(): ExternalTrafficPolicy | undefined {
    return this.viaNodes ? this.props.externalTrafficPolicy ?? 'Cluster' : undefined;
  }

  /**
   * True when the traffic reaches the pods with a node's address on the cluster's dataplane:
   * `externalTrafficPolicy: Cluster` where the dataplane SNATs (kube-proxy, Cilium's SNAT mode).
   */
  public get snatsClients(): boolean {
    const policy = this.externalTrafficPolicy;
    return policy !== undefined && this.project.cluster.settings.semantics.serviceSources.external[policy]?.some((s) => s === 'node' || s === 'tunnel') === true;
  }

  /** Name of the NetworkPolicy this exposure emits in an isolated project. */
  public get policyName(): string { return `netiso-expose-${this.name}`; }

  protected nameProblems(what: string): string[] {
    const own = dns1035LabelProblems(`${what} name`, this.name);
    return own.length ? own : derivedNameProblems(`${what} name`, this.name, 'netiso-expose-', 'NetworkPolicy');
  }

  public objectNames(): string[] {
    return [
      ...super.objectNames(),
      ...(this.project.isolation === 'none' ? [] : [`NetworkPolicy/${this.policyName}`]),
      ...(this.props.mode === 'Ingress' ? [`Ingress/${this.name}`] : []),
      ...(this.props.mode === 'Gateway' && httpPaths(this.props.gateway).length ? [`HTTPRoute/${this.name}`] : []),
      ...(this.props.mode === 'Gateway' && this.props.gateway?.grpc?.length ? [`GRPCRoute/${this.name}`] : []),
    ];
  }

  public policies(): PolicySpec[] {
    this.addWarnings();
    if (this.project.isolation === 'none') return [];
    return [{
      name: this.policyName,
      podSelector: this.props.selector,
      ingress: [{ peers: this.sources(), ports: this.exposedTargetPorts() }],
    }];
  }

  public manifests(): Manifest[] {
    const out = super.manifests();
    const ingress = this.props.ingress;
    if (this.props.mode === 'Ingress' && ingress) {
      out.push(renderIngress({
        name: this.name,
        namespace: this.project.name,
        service: this.name,
        className: ingress.className ?? this.project.cluster.settings.ingressController?.className,
        annotations: ingress.annotations,
        rules: ingress.rules.map((rule) => ({ host: rule.host, paths: pathsOf(rule).map((p) => this.resolvePath(p)) })),
      }));
    }
    const gateway = this.props.gateway;
    const gw = this.project.cluster.settings.gateway;
    if (this.props.mode === 'Gateway' && gateway && gw) {
      const common = {
        name: this.name,
        namespace: this.project.name,
        service: this.name,
        parent: { name: gw.name, namespace: gw.namespace, sectionName: gateway.sectionName ?? gw.sectionName },
        hostnames: gateway.hostnames ?? [],
      };
      if (httpPaths(gateway).length) out.push(renderHttpRoute({ ...common, rules: httpRouteRules(gateway, this.props.ports, this.name) }));
      if (gateway.grpc?.length) out.push(renderGrpcRoute({ ...common, rules: grpcRouteRules(gateway, this.props.ports, this.name) }));
    }
    return out;
  }

  protected serviceSpec(): k8s.ServiceSpec {
    const spec = super.serviceSpec();
    return this.viaNodes ? { ...spec, type: this.props.mode, externalTrafficPolicy: this.externalTrafficPolicy } : spec;
  }

  protected serviceAnnotations(): Record<string, string> | undefined {
    return this.props.annotations && Object.keys(this.props.annotations).length ? { ...this.props.annotations } : undefined;
  }

  protected servicePorts(): k8s.ServicePort[] {
    return super.servicePorts().map((p, i) => ({ ...p, nodePort: this.props.ports[i].nodePort }));
  }

  /** What forwards node-port traffic: kube-proxy, or the CNI that replaces it. */
  private get forwarder(): string {
    const s = this.project.cluster.settings;
    return s.dataplane.usesKubeProxy ? 'kube-proxy' : s.semantics.name;
  }

  /** NodePort and LoadBalancer modes: the traffic enters through the nodes. */
  private get viaNodes(): boolean {
    return this.props.mode === 'NodePort' || this.props.mode === 'LoadBalancer';
  }

  /** Where the exposure's connections come from once they reach the pods, on the cluster's dataplane. */
  private sources(): PeerSpec[] {
    const s = this.project.cluster.settings;
    const nodes: PeerSpec = { kind: 'named', peer: 'nodes' };
    if (this.props.mode === 'Ingress') {
      const controller = s.ingressController!;
      return [controller.hostNetwork ? nodes : { kind: 'namespace', namespace: controller.namespace, podSelector: controller.podLabels }];
    }
    if (this.props.mode === 'Gateway') {
      const dp = s.gateway!.dataPlane;
      return [dp.kind === 'pods' ? { kind: 'namespace', namespace: dp.namespace, podSelector: dp.podLabels } : dp.kind === 'host-network' ? nodes : { kind: 'named', peer: 'cni-ingress' }];
    }
    const clients: PeerSpec[] = this.clients.map((block) => ({ kind: 'ip-block', block }));
    return this.snatsClients ? [nodes, ...clients] : clients;
  }

  /** The pods' ports the exposure reaches: all target ports, or in Ingress and Gateway modes those the routes go to. */
  private exposedTargetPorts(): Port[] {
    const service = this.describeService();
    if (this.viaNodes) return targetPorts(service);
    const routed = this.props.mode === 'Gateway'
      ? routedServicePorts(this.props.gateway!, this.props.ports, this.name)
      : this.ingressPaths().map((p) => this.backendPort(p.port) as ServicePort);
    return targetPorts({ ...service, ports: service.ports.filter((p) => routed.includes(p)) });
  }

  private ingressPaths(): ExposedPath[] {
    return (this.props.ingress?.rules ?? []).flatMap(pathsOf);
  }

  private resolvePath(p: ExposedPath): IngressPathSpec {
    const port = this.backendPort(p.port) as ServicePort;
    return { path: p.path ?? '/', pathType: p.pathType ?? 'Prefix', servicePort: p.port ?? port.name ?? port.port };
  }

  /** The Service port an Ingress path routes to, or a problem sentence. */
  private backendPort(port: number | string | undefined): ServicePort | string {
    return routedPort(this.props.ports, this.name, port, 'an Ingress path');
  }

  private addWarnings(): void {
    const isolated = this.project.isolation !== 'none';
    const policy = this.externalTrafficPolicy;
    // Clients that include every address ask for no filtering, so there is nothing to warn about.
    if (this.snatsClients && isolated && !this.clients.some((c) => c.isEverywhere)) {
      const named = this.clients.length ? `, not only ${this.clients.join(', ')}` : '';
      addWarning(this, `externalTrafficPolicy 'Cluster' lets ${this.forwarder} forward through another node and SNAT the client's address to that node's, `
        + `so ${this.policyName} lets in the node addresses and, through them, every client that reaches the Service${named}; `
        + `use externalTrafficPolicy: 'Local'${this.clients.length ? '' : ' with clients'} to filter clients by address`);
    }
    if (policy === 'Local') {
      addWarning(this, this.props.mode === 'NodePort'
        ? `externalTrafficPolicy 'Local': only nodes running a ready pod of Service ${this.name} answer on its node port, the others drop the traffic; clients must use those nodes' addresses`
        : `externalTrafficPolicy 'Local': only nodes running a ready pod of Service ${this.name} answer, the others drop the traffic; the load balancer must send traffic only to those nodes (cloud load balancers health-check the Service's healthCheckNodePort for this; OpenELB forwards only to them)`);
    }
  }

  private exposureProblems(): string[] {
    const props = this.props;
    if (!MODES.includes(props.mode)) return [`mode ${JSON.stringify(props.mode)} is not an exposure mode; use 'NodePort', 'LoadBalancer', 'Ingress' or 'Gateway'`];
    const out: string[] = [];
    const mode = props.mode;
    const via = mode === 'Ingress' ? 'the ingress controller' : 'the gateway';
    if (props.externalTrafficPolicy !== undefined) {
      if (!this.viaNodes) {
        out.push(`externalTrafficPolicy has no effect in ${mode} mode: the Service is ClusterIP and its traffic comes from ${via}; remove it (the ${mode === 'Ingress' ? 'controller' : 'gateway'}'s own Service has one)`);
      } else if (!TRAFFIC_POLICIES.includes(props.externalTrafficPolicy)) {
        out.push(`externalTrafficPolicy ${JSON.stringify(props.externalTrafficPolicy)} is not a traffic policy; use 'Cluster' or 'Local'`);
      }
    }
    out.push(...cidrListProblems('clients', props.clients).map((m) => (m.startsWith('clients') ? m : `clients: ${m}`)));
    if (!this.viaNodes && this.clients.length) {
      out.push(mode === 'Ingress'
        ? 'clients cannot be filtered in Ingress mode: the pods see the ingress controller\'s address, not the client\'s; remove clients and filter at the controller (ingress-nginx: the nginx.ingress.kubernetes.io/whitelist-source-range annotation in ingress.annotations)'
        : 'clients cannot be filtered in Gateway mode: the pods see the gateway\'s proxies, not the client; remove clients and filter at the Gateway (its implementation\'s client IP policy)');
    }
    for (const port of Array.isArray(props.ports) ? props.ports : []) {
      if (port?.nodePort === undefined) continue;
      if (!this.viaNodes) {
        out.push(`port ${port.port} has nodePort ${port.nodePort}, but in ${mode} mode the Service is ClusterIP and has no node ports; remove nodePort`);
      } else if (!Number.isInteger(port.nodePort) || port.nodePort < 1 || port.nodePort > 65535) {
        out.push(`port ${port.port}: nodePort ${port.nodePort} is outside 1-65535; use a port of the cluster's NodePort range (30000-32767 by default) or leave it out to let Kubernetes choose`);
      }
    }
    out.push(...annotationProblems('annotations', props.annotations));
    if (mode === 'Ingress') out.push(...this.ingressProblems());
    else if (props.ingress !== undefined) out.push(`ingress only applies in mode 'Ingress', not '${mode}'; remove ingress or set mode: 'Ingress'`);
    if (mode === 'Gateway') out.push(...gatewayRouteProblems(props.gateway, props.ports ?? [], this.name));
    else if (props.gateway !== undefined) out.push(`gateway only applies in mode 'Gateway', not '${mode}'; remove gateway or set mode: 'Gateway'`);
    out.push(...(this.project.isolation === 'none' ? this.unisolatedProblems() : this.isolationProblems()));
    return out;
  }

  /** What the policy needs that the declaration, the cluster or its CNI does not give. */
  private isolationProblems(): string[] {
    const s = this.project.cluster.settings;
    const cluster = this.project.cluster.name;
    // Where the CNI matches nodes by CIDR, say which CIDRs to set; otherwise the CNI names the fix.
    const nodesProblems = (why: string, alternative = '') => {
      if (matchesNamedPeer(s, 'nodes')) return [];
      return s.dataplane.peers.nodes.cidrs
        ? [`${why}; set nodeCidrs (plus tunnelCidrs when the CNI uses IPIP or VXLAN) on cluster ${cluster}${alternative}`]
        : namedPeerProblems(s, 'nodes', why);
    };
    if (this.props.mode === 'Ingress') {
      if (!s.ingressController) {
        return [`Ingress mode needs to know where the ingress controller runs, so that ${this.policyName} can let it in; set ingressController: { namespace, podLabels } on cluster ${cluster} (KubeSphere's gateways run in 'kubesphere-controls-system')`];
      }
      return s.ingressController.hostNetwork ? nodesProblems(`the ingress controller of cluster ${cluster} uses hostNetwork, so its connections come from node addresses`) : [];
    }
    if (this.props.mode === 'Gateway') {
      if (!s.gateway) {
        return [`Gateway mode needs the Gateway its routes attach to and where its proxies run; set gateway: { name, namespace, dataPlane } on cluster ${cluster}`];
      }
      const dp = s.gateway.dataPlane.kind;
      if (dp === 'host-network') return nodesProblems(`the proxies of gateway ${s.gateway.name} use the node network, so their connections come from node addresses`);
      return dp === 'cni' ? namedPeerProblems(s, 'cni-ingress', `gateway ${s.gateway.name} is the CNI's own implementation (dataPlane: 'cni'), whose traffic carries the CNI's ingress identity, and it`) : [];
    }
    // An unknown traffic policy is reported on its own; what it would need is unknowable.
    if (!TRAFFIC_POLICIES.includes(this.externalTrafficPolicy!)) return [];
    if (this.snatsClients) {
      return nodesProblems(`externalTrafficPolicy 'Cluster' lets ${this.forwarder} SNAT the client's address to a node's, which ${this.policyName} must let in`, ', or use externalTrafficPolicy: \'Local\'');
    }
    if (this.clients.length === 0) {
      return this.externalTrafficPolicy === 'Local'
        ? ['externalTrafficPolicy \'Local\' keeps the client\'s address, so only listed clients can be let in, and clients is empty; list the client CIDRs (write \'0.0.0.0/0\' to let every address in)']
        : [`${s.semantics.name} keeps the client's address under externalTrafficPolicy 'Cluster' too, so only listed clients can be let in, and clients is empty; list the client CIDRs (write '0.0.0.0/0' to let every address in)`];
    }
    return [];
  }

  private unisolatedProblems(): string[] {
    if (this.clients.length === 0) return [];
    return [`project ${this.project.name} is not isolated (isolation: 'none'), so clients ${this.clients.join(', ')} restrict nothing: every client that reaches the Service gets in; remove clients or set isolation: 'project'`];
  }

  private ingressProblems(): string[] {
    const ingress = this.props.ingress;
    if (!ingress || !Array.isArray(ingress.rules) || ingress.rules.length === 0) {
      return ['mode \'Ingress\' needs ingress: { rules: [...] } with at least one rule, e.g. { host: \'demo.example.com\' }'];
    }
    const out: string[] = [];
    if (ingress.className !== undefined) out.push(...dnsSubdomainProblems('ingress className', ingress.className));
    out.push(...annotationProblems('ingress annotations', ingress.annotations));
    for (const rule of ingress.rules) {
      // A wildcard host is a subdomain behind '*.'.
      if (rule.host !== undefined) out.push(...dnsSubdomainProblems('ingress host', typeof rule.host === 'string' ? rule.host.replace(/^\*\./, '') : rule.host));
      if (rule.paths !== undefined && rule.paths.length === 0) {
        out.push(`ingress rule ${rule.host ?? '(every host)'} has an empty paths list, which Kubernetes rejects; leave paths out to route '/' or list at least one path`);
      }
    }
    // Without Service ports the Service's own check already reports the problem.
    if (!this.props.ports?.length) return out;
    for (const p of this.ingressPaths()) {
      const path = p.path ?? '/';
      if (typeof path !== 'string' || !path.startsWith('/')) out.push(`ingress path ${JSON.stringify(path)} is not absolute; start it with '/', e.g. "/${path}"`);
      if (p.pathType !== undefined && !PATH_TYPES.includes(p.pathType)) {
        out.push(`ingress pathType ${JSON.stringify(p.pathType)} of path ${path} is not a path type; use 'Prefix', 'Exact' or 'ImplementationSpecific'`);
      }
      const port = this.backendPort(p.port);
      if (typeof port === 'string') out.push(port);
      else if ((port.protocol ?? 'TCP') !== 'TCP') out.push(`ingress path ${path} routes to ${port.protocol} port ${port.port}, but an Ingress carries HTTP over TCP only; route it to a TCP port`);
    }
    return [...new Set(out)];
  }
}

function pathsOf(rule: ExposedIngressRule): readonly ExposedPath[] {
  return rule.paths ?? [{}];
}
