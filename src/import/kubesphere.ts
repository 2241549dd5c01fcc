import type { Labels } from '../k8s/names';

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

/** A NamespaceNetworkPolicy peer as exported: KubeSphere uses the first set field of service, namespace, ipBlock. */
export interface RawPeer {
  readonly service?: { readonly name?: string; readonly namespace?: string };
  readonly namespace?: { readonly name?: string };
  readonly ipBlock?: { readonly cidr?: string; readonly except?: string[] };
}

/** A NamespaceNetworkPolicy port as exported (the CRD defaults the protocol to TCP). */
export interface RawPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** One ingress (`from`) or egress (`to`) rule of a NamespaceNetworkPolicy. */
export interface RawRule {
  readonly from?: RawPeer[];
  readonly to?: RawPeer[];
  readonly ports?: RawPort[];
}

/** The value at `keys` below `value`, or undefined where a step is missing. */
export function path(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const k of keys) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export function bool(value: unknown): boolean { return value === true; }

export function arr<T = unknown>(value: unknown): T[] { return Array.isArray(value) ? value : []; }

/** A label map as read: values as strings, anything else none. */
export function labels(value: unknown): Labels {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
