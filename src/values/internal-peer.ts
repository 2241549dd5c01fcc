import { dnsLabelProblems, Labels, labelProblems } from '../k8s/names';
import { listProblems, show } from './checks';
import { NamedPeer, PeerSpec } from './peer-spec';
import { IServicePeer, ServiceDescription, serviceProblems } from './service';

/**
 * What a peer needs of a cluster to resolve project and Service references, so that peers do not
 * depend on the constructs (in the way aws-cdk's `Peer` takes an `IConnectable`).
 */
export interface IPeerScope {
  readonly name: string;
  /** The project of this name, if the cluster defines it. */
  findProject(name: string): IProjectPeer | undefined;
  /** What the cluster lacks to match a named peer on its CNI (e.g. its node CIDRs); empty when it can. */
  namedPeerProblems?(peer: NamedPeer): string[];
}

/** A project as a peer sees it: a name in a cluster, and its Services by name. */
export interface IProjectPeer {
  readonly name: string;
  readonly cluster: IPeerScope;
  /** The Service of this name declared in the project, if any. */
  findService(name: string): IServicePeer | undefined;
}

/** Options for project and namespace peers. */
export interface PodPeerOptions {
  /** Only the peer's pods with these labels. @default every pod of the peer */
  readonly podSelector?: Labels;
}

/** A Service of another definition, found by project and name when the synthesis resolves references. */
export interface ServiceLookup {
  readonly project: string;
  readonly name: string;
}

/** What a peer resolves to: a selector, plus the Service when the peer is one. */
export interface ResolvedPeer {
  readonly peer: PeerSpec;
  readonly service?: ServiceDescription;
}

type Target =
  | { readonly kind: 'project'; readonly project: string | IProjectPeer; readonly podSelector?: Labels }
  | { readonly kind: 'namespace'; readonly namespace: string; readonly podSelector?: Labels }
  | { readonly kind: 'service'; readonly service: IServicePeer | ServiceLookup | ServiceDescription }
  | { readonly kind: 'named'; readonly peer: 'kube-apiserver' | 'nodes' }
  /** A factory was given a value of the wrong type (from JavaScript); only reported, never resolved. */
  | { readonly kind: 'invalid'; readonly factory: 'project' | 'service'; readonly given: unknown };

/**
 * The other side of an {@link InternalWhitelist}: another project, a namespace netiso does not
 * manage, or a Service.
 */
export class InternalPeer {
  /** Pods of another project of the same cluster, by name or construct. The project must exist. */
  public static project(project: string | IProjectPeer, options: PodPeerOptions = {}): InternalPeer {
    if (typeof project !== 'string' && typeof (project as IProjectPeer | undefined)?.name !== 'string') {
      return new InternalPeer({ kind: 'invalid', factory: 'project', given: project });
    }
    return new InternalPeer({ kind: 'project', project, podSelector: options?.podSelector });
  }

  /** Pods of a namespace netiso does not manage (e.g. an ingress controller's); not checked. */
  public static namespace(namespace: string, options: PodPeerOptions = {}): InternalPeer {
    return new InternalPeer({ kind: 'namespace', namespace, podSelector: options?.podSelector });
  }

  /**
   * The pods behind a Service, on its target ports for egress. Give a `ProjectService` construct,
   * `{ project, name }` of one defined in another file, or describe a Service netiso does not
   * manage inline with `{ namespace, name, selector, ports }`.
   */
  public static service(service: IServicePeer | ServiceLookup | ServiceDescription): InternalPeer {
    if (typeof service !== 'object' || service === null) return new InternalPeer({ kind: 'invalid', factory: 'service', given: service });
    return new InternalPeer({ kind: 'service', service });
  }

  /**
   * The Kubernetes API server, which no pod or namespace selector matches. Compiled per CNI: the
   * cluster's `apiServerEndpoints` as ipBlocks, plus Cilium's `kube-apiserver` entity on Cilium.
   */
  public static kubeApiServer(): InternalPeer {
    return new InternalPeer({ kind: 'named', peer: 'kube-apiserver' });
  }

  /**
   * The cluster's nodes: node processes and hostNetwork pods (e.g. a hostNetwork ingress
   * controller, the kubelet). Compiled per CNI: the cluster's `nodeCidrs` and `tunnelCidrs` as
   * ipBlocks, or Cilium's `remote-node` and `host` entities where Cilium's ipBlocks cannot match nodes.
   */
  public static nodes(): InternalPeer {
    return new InternalPeer({ kind: 'named', peer: 'nodes' });
  }

  private constructor(private readonly target: Target) {}

  /** True for Service peers. */
  public get isService(): boolean { return this.target.kind === 'service'; }

  /** e.g. `project demo-project-2`, `Service demo-project-2/nginx`. */
  public toString(): string {
    const t = this.target;
    switch (t.kind) {
      case 'project': return `project ${typeof t.project === 'string' ? t.project : t.project.name}${selectorSuffix(t.podSelector)}`;
      case 'namespace': return `namespace ${t.namespace}${selectorSuffix(t.podSelector)}`;
      case 'service': {
        if ('describeService' in t.service) return `Service ${safeDescribe(t.service)}`;
        return 'project' in t.service ? `Service ${t.service.project}/${t.service.name}` : `Service ${t.service.namespace}/${t.service.name}`;
      }
      case 'named': return t.peer === 'nodes' ? 'the nodes' : 'the API server';
      case 'invalid': return `InternalPeer.${t.factory}(${show(t.given)})`;
    }
  }

  /** Problems resolving this peer in `cluster`. */
  public problems(cluster: IPeerScope): string[] {
    const t = this.target;
    switch (t.kind) {
      case 'project': {
        const name = typeof t.project === 'string' ? t.project : t.project.name;
        const out = labelProblems(`podSelector of ${this}`, t.podSelector);
        if (typeof t.project !== 'string' && t.project.cluster !== cluster) {
          return [...out, `${this} belongs to cluster ${t.project.cluster.name}; allow-lists can only name projects of cluster ${cluster.name}`];
        }
        if (!cluster.findProject(name)) {
          return [...out, `${this} is not defined in cluster ${cluster.name}; define it with new IsolatedProject(cluster, ${JSON.stringify(name)}), or use InternalPeer.namespace(${JSON.stringify(name)}) for a namespace netiso does not manage`];
        }
        return out;
      }
      case 'namespace':
        return [...dnsLabelProblems('peer namespace', t.namespace), ...labelProblems(`podSelector of ${this}`, t.podSelector)];
      case 'service': {
        const service = this.lookup(cluster);
        if (typeof service === 'string') return [service];
        // A Service construct reports its own problems at its own path; only inline ones are checked here.
        return 'describeService' in t.service || 'project' in t.service ? [] : serviceProblems(service);
      }
      case 'named':
        return cluster.namedPeerProblems?.(t.peer) ?? [];
      case 'invalid':
        return [t.factory === 'project'
          ? `InternalPeer.project() was given ${show(t.given)}; give a project name or an IsolatedProject`
          : `InternalPeer.service() was given ${show(t.given)}; give a ProjectService, { project, name } or { namespace, name, selector, ports }`];
    }
  }

  /** The peer as a selector. Valid peer assumed. */
  public resolve(cluster: IPeerScope): ResolvedPeer {
    const t = this.target;
    switch (t.kind) {
      case 'project':
        return { peer: { kind: 'namespace', namespace: typeof t.project === 'string' ? t.project : t.project.name, podSelector: t.podSelector } };
      case 'namespace':
        return { peer: { kind: 'namespace', namespace: t.namespace, podSelector: t.podSelector } };
      case 'service': {
        const service = this.lookup(cluster) as ServiceDescription;
        return { peer: { kind: 'namespace', namespace: service.namespace, podSelector: service.selector }, service };
      }
      case 'named':
        return { peer: { kind: 'named', peer: t.peer } };
      case 'invalid': throw new Error(`internal error: ${this} cannot be resolved`);
    }
  }

  private lookup(cluster: IPeerScope): ServiceDescription | string {
    const s = (this.target as { service: IServicePeer | ServiceLookup | ServiceDescription }).service;
    if ('describeService' in s) return s.describeService();
    if ('selector' in s || 'namespace' in s) return s as ServiceDescription;
    const found = cluster.findProject(s.project)?.findService(s.name);
    if (!found) {
      return `${this} is not defined in cluster ${cluster.name}; define it with new ProjectService(project, ${JSON.stringify(s.name)}, …) in project ${s.project}, or describe it inline with { namespace, name, selector, ports }`;
    }
    return found.describeService();
  }
}

function selectorSuffix(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? ` pods ${entries.map(([k, v]) => `${k}=${v}`).join(',')}` : '';
}

function safeDescribe(peer: IServicePeer): string {
  const d = peer.describeService();
  return `${d.namespace}/${d.name}`;
}

/** True for an {@link InternalPeer}, also one of another copy of the package. */
export function isInternalPeer(value: unknown): value is InternalPeer {
  return value instanceof InternalPeer || (typeof (value as InternalPeer | undefined)?.resolve === 'function' && typeof (value as InternalPeer).problems === 'function');
}

/** Problems with a `peers` prop: not a list, elements that are not InternalPeers (each peer's own are checked against the cluster). */
export function peerListProblems(what: string, value: unknown): string[] {
  if (!Array.isArray(value)) return listProblems(what, value, '[InternalPeer.project("demo")]');
  return value.flatMap((p, i) => (isInternalPeer(p) ? [] : [`${what}[${i}] is ${show(p)}, not an InternalPeer; write ${
    typeof p === 'string' ? `InternalPeer.project(${JSON.stringify(p)})` : 'InternalPeer.project(name), InternalPeer.namespace(name) or InternalPeer.service(service)'}`]));
}
