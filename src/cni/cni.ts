import { CalicoDataplane, CiliumServiceMode, GENERIC, ProfileTable, calicoTable, ciliumTable, terwayTable, unenforcedTable } from './profiles';
import { DataplaneSemantics } from './semantics';

/** Options of {@link Cni.calico}. */
export interface CalicoOptions {
  /** Calico's dataplane (`FelixConfiguration` / `Installation.spec.calicoNetwork.linuxDataplane`). @default 'iptables' */
  readonly dataplane?: CalicoDataplane;
}

/** Options of {@link Cni.cilium}: the settings that change what a policy means. */
export interface CiliumOptions {
  /** Cilium version, `'major.minor'` or `'major.minor.patch'` (`cilium version`); port ranges depend on it. */
  readonly version: string;
  /**
   * `policy-cidr-match-mode` in cilium-config. `'nodes'` (Cilium 1.15 or later) makes `ipBlock`
   * match node addresses, so netiso's node rules work as plain NetworkPolicy.
   * @default 'default': ipBlocks never match nodes
   */
  readonly policyCidrMatchMode?: 'default' | 'nodes';
  /**
   * How Services are load-balanced: `false` when kube-proxy runs, else the kube-proxy replacement's
   * mode (`loadBalancer.mode`: `snat`, or `dsr`, which keeps the client's address).
   * @default false
   */
  readonly kubeProxyReplacement?: false | 'snat' | 'dsr';
  /** `enable-sctp` (`sctp.enabled` in the Helm chart). @default false */
  readonly sctp?: boolean;
  /**
   * Let netiso emit `CiliumNetworkPolicy` objects for what NetworkPolicy cannot say on Cilium
   * (nodes, NodeLocal DNS, the API server, Cilium's Ingress / Gateway). With `false` such
   * declarations are synthesis errors that name the Cilium setting to turn on.
   * @default true
   */
  readonly ciliumPolicies?: boolean;
}

/** Options of {@link Cni.terway}. */
export interface TerwayOptions {
  /** Terway's NetworkPolicy support (`eni-config` `disable_network_policy: "false"`). Without it no policy is enforced. */
  readonly networkPolicy: boolean;
}

/** kube-proxy settings that change what a policy means. */
export interface KubeProxyProps {
  /**
   * `iptables.masqueradeAll` / `ipvs.masqueradeAll` in the kube-proxy configuration: SNAT all
   * Service traffic to the node, so that pod and namespace selectors stop matching traffic that
   * comes through a Service. Ignored when the CNI replaces kube-proxy.
   * @default false
   */
  readonly masqueradeAll?: boolean;
}

type Kind = 'generic' | 'calico' | 'cilium' | 'flannel' | 'terway';

const VERSION = /^(\d+)\.(\d+)(\.\d+)?$/;

/**
 * The CNI a cluster runs, with the settings that change how it enforces NetworkPolicy. netiso
 * generates what works on it (e.g. `CiliumNetworkPolicy` entities where Cilium's `ipBlock` cannot
 * match nodes) and analyses reachability as that dataplane enforces it. `Cni.generic()` (the
 * default) is the NetworkPolicy specification.
 *
 * Like `Port`, construction never throws; {@link Cni.problems} lists what is wrong.
 */
export class Cni {
  /** The NetworkPolicy specification, as a conforming CNI enforces it. */
  public static generic(): Cni { return new Cni('generic', {}); }
  /** Calico (Tigera operator or manifests). */
  public static calico(options: CalicoOptions = {}): Cni { return new Cni('calico', options); }
  /** Cilium. */
  public static cilium(options: CiliumOptions): Cni { return new Cni('cilium', options); }
  /** flannel without a policy engine: NetworkPolicy is not enforced. */
  public static flannel(): Cni { return new Cni('flannel', {}); }
  /** Alibaba Cloud Terway. */
  public static terway(options: TerwayOptions): Cni { return new Cni('terway', options); }

  /** @internal marker used instead of instanceof, which breaks across duplicated packages */
  public readonly isCni = true;
  private readonly options: Readonly<Record<string, unknown>>;

  private constructor(public readonly kind: Kind, options: object) {
    this.options = options as Readonly<Record<string, unknown>>;
  }

  /** What is wrong with this value, as complete sentences with a fix; empty when valid. */
  public get problems(): string[] {
    const o = this.options;
    const out: string[] = [];
    const oneOf = (field: string, allowed: readonly unknown[]) => {
      if (o[field] !== undefined && !allowed.includes(o[field])) {
        out.push(`${this.kind} ${field} ${JSON.stringify(o[field])} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      }
    };
    if (this.kind === 'calico') oneOf('dataplane', ['iptables', 'nftables', 'ebpf']);
    if (this.kind === 'terway' && typeof o.networkPolicy !== 'boolean') {
      out.push('terway needs networkPolicy: true or false (whether Terway\'s NetworkPolicy support is on); without it no policy is enforced');
    }
    if (this.kind === 'cilium') {
      const version = ciliumVersion(o.version);
      if (!version) out.push(`cilium version ${JSON.stringify(o.version)} is not a version; give the 'major.minor' that \`cilium version\` prints, e.g. '1.18'`);
      oneOf('policyCidrMatchMode', ['default', 'nodes']);
      oneOf('kubeProxyReplacement', [false, 'snat', 'dsr']);
      oneOf('sctp', [true, false]);
      oneOf('ciliumPolicies', [true, false]);
      if (version && o.policyCidrMatchMode === 'nodes' && version[0] * 1000 + version[1] < 1015) {
        out.push(`policyCidrMatchMode 'nodes' needs Cilium 1.15 or later, not ${o.version}; upgrade Cilium or leave policyCidrMatchMode out`);
      }
    }
    return out;
  }

  /** The generation and analysis facts of this dataplane. Valid value assumed. */
  public get table(): ProfileTable {
    const o = this.options;
    switch (this.kind) {
      case 'generic': return GENERIC;
      case 'calico': return calicoTable((o.dataplane as CalicoDataplane | undefined) ?? 'iptables');
      case 'flannel': return unenforcedTable('flannel (no NetworkPolicy support)');
      case 'terway': return terwayTable(o.networkPolicy === true);
      case 'cilium': return ciliumTable({
        version: ciliumVersion(o.version) ?? [0, 0],
        cidrMatchesNodes: o.policyCidrMatchMode === 'nodes',
        services: ((o.kubeProxyReplacement as false | CiliumServiceMode | undefined) || 'kube-proxy'),
        sctp: o.sctp === true,
        ciliumPolicies: o.ciliumPolicies !== false,
      });
    }
  }

  /** e.g. `cilium 1.16 (policy-cidr-match-mode default, kube-proxy)`. */
  public toString(): string {
    return this.table.semantics.name;
  }
}

function ciliumVersion(value: unknown): [number, number] | undefined {
  const m = typeof value === 'string' ? VERSION.exec(value) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The semantics the engine reads for a CNI and the kube-proxy settings: the profile's, with
 * `masqueradeAll` applied where kube-proxy implements Services.
 */
export function semanticsOf(cni: Cni = Cni.generic(), kubeProxy: KubeProxyProps = {}): DataplaneSemantics {
  const table = cni.table;
  const s = table.semantics;
  if (!kubeProxy.masqueradeAll || !table.usesKubeProxy) return s;
  return { ...s, name: `${s.name}, kube-proxy masqueradeAll`, serviceSources: { ...s.serviceSources, clusterIp: ['node', 'tunnel'] } };
}

