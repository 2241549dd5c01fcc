import { Cni, semanticsOf } from '../cni/cni';
import { namedPeerProblems } from '../cni/compile';
import { dnsLabelProblems, dnsSubdomainProblems, Labels, labelProblems } from '../k8s/names';
import { ClusterSettings, GatewaySettings } from '../render/model';
import { ipBlocks, isStrictIp } from '../values/ip-block';
import type { ClusterProps } from './cluster';

/**
 * Where a Gateway's proxies run, whose connections reach the exposed pods:
 * - `{ namespace?, podLabels }`: proxy pods (Envoy Gateway: namespace `envoy-gateway-system`, labels
 *   `gateway.envoyproxy.io/owning-gateway-name` / `-namespace`); namespace defaults to the Gateway's;
 * - `'host-network'`: proxies on the node network, seen as the nodes;
 * - `'cni'`: the CNI's own Gateway API implementation (Cilium's `gatewayClassName: cilium`), whose
 *   traffic carries the CNI's ingress identity.
 */
export type GatewayDataPlane = { readonly namespace?: string; readonly podLabels: Labels } | 'host-network' | 'cni';

/** The Gateway API Gateway that `ExposedService`s in `Gateway` mode attach their routes to. */
export interface GatewayProps {
  /** Name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway; it must admit routes from the projects (`allowedRoutes.namespaces`). */
  readonly namespace: string;
  /** Listener the routes attach to. @default every listener that admits them */
  readonly sectionName?: string;
  readonly dataPlane: GatewayDataPlane;
}

/** The CNI-dependent settings of a cluster: its profile, semantics, API server and Gateway. */
export function dataplaneSettings(props: ClusterProps): Pick<ClusterSettings, 'dataplane' | 'semantics' | 'apiServerEndpoints' | 'gateway'> {
  // An invalid CNI value is reported by validation; until then the settings fall back to the specification.
  const cni = isCni(props.cni) && props.cni.problems.length === 0 ? props.cni : Cni.generic();
  return {
    dataplane: cni.table,
    semantics: semanticsOf(cni, props.kubeProxy),
    apiServerEndpoints: ipBlocks(props.apiServerEndpoints),
    gateway: props.gateway && gatewaySettings(props.gateway),
  };
}

/** What is wrong with the CNI-dependent props of a cluster. */
export function dataplaneProblems(props: ClusterProps, s: ClusterSettings): string[] {
  const cni = props.cni;
  const out: string[] = [];
  if (cni !== undefined) {
    if (!isCni(cni)) return [`cni must be a Cni value such as Cni.calico() or Cni.cilium({ version: '1.18' }), not ${JSON.stringify(cni)}`];
    out.push(...cni.problems.map((m) => `cni: ${m}`));
    if (cni.problems.length) return out;
  }
  const mq = props.kubeProxy?.masqueradeAll;
  if (mq !== undefined && typeof mq !== 'boolean') out.push(`kubeProxy masqueradeAll ${JSON.stringify(mq)} is not true or false`);
  out.push(...s.apiServerEndpoints.flatMap((b) => b.problems.map((m) => `apiServerEndpoints: ${m}`)));
  if (s.dns.nodeLocalIp !== undefined && isStrictIp(s.dns.nodeLocalIp)) {
    out.push(...namedPeerProblems(s, 'node-local-dns', `DNS nodeLocalDnsIp ${s.dns.nodeLocalIp}`));
  }
  if (props.gateway) out.push(...gatewayProblems(props.gateway));
  return out;
}

function gatewayProblems(gw: GatewayProps): string[] {
  const out = [...dnsSubdomainProblems('gateway name', gw.name), ...dnsLabelProblems('gateway namespace', gw.namespace)];
  if (gw.sectionName !== undefined) out.push(...dnsSubdomainProblems('gateway sectionName', gw.sectionName));
  const dp = gw.dataPlane;
  if (dp === undefined || (typeof dp === 'string' && dp !== 'host-network' && dp !== 'cni')) {
    out.push(`gateway dataPlane ${JSON.stringify(dp)} does not say where the gateway's proxies run; give { podLabels } of the proxy pods, 'host-network' or 'cni'`);
  } else if (typeof dp === 'object') {
    if (dp.namespace !== undefined) out.push(...dnsLabelProblems('gateway dataPlane namespace', dp.namespace));
    out.push(...labelProblems('gateway dataPlane podLabels', dp.podLabels));
    if (!dp.podLabels || Object.keys(dp.podLabels).length === 0) {
      out.push(`gateway dataPlane podLabels is empty, which would let every pod of ${dp.namespace ?? gw.namespace} reach exposed pods; give the proxy pods' labels`);
    }
  }
  return out;
}

function gatewaySettings(gw: GatewayProps): GatewaySettings {
  const dp = gw.dataPlane;
  return {
    name: gw.name,
    namespace: gw.namespace,
    sectionName: gw.sectionName,
    dataPlane: dp === 'cni' ? { kind: 'cni' }
      : dp === 'host-network' ? { kind: 'host-network' }
        : { kind: 'pods', namespace: dp?.namespace ?? gw.namespace, podLabels: dp?.podLabels ?? {} },
  };
}

function isCni(value: unknown): value is Cni {
  return typeof value === 'object' && value !== null && (value as { isCni?: boolean }).isCni === true;
}
