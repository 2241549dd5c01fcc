import { ClusterInputs, Protocol } from '../../src/analysis';
import { Manifest } from '../../src';
import { Endpoint } from './reference';

/**
 * Upstream-style cases of the tier semantics (network-policy-api conformance in spirit, Calico
 * tiers, Cilium deny rules): small clusters of two namespaces, `a` (the client) and `b` (the
 * server, TCP 80), and what each set of objects decides.
 */
export interface TierCase {
  readonly name: string;
  readonly manifests: readonly Manifest[];
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly allowed: boolean;
}

export const INPUTS: ClusterInputs = {
  namespaces: [{ name: 'a', labels: { team: 'a' } }, { name: 'b', labels: { team: 'b' } }, { name: 'c', labels: { team: 'c' } }],
  workloads: [
    { namespace: 'a', name: 'client', labels: { app: 'client' } },
    { namespace: 'b', name: 'server', labels: { app: 'server' }, ports: [{ name: 'http', containerPort: 80 }] },
    { namespace: 'c', name: 'other', labels: { app: 'other' }, ports: [{ containerPort: 80 }] },
  ],
};

export function endpoint(ref: string): Endpoint {
  const w = INPUTS.workloads!.find((x) => `${x.namespace}/${x.name}` === ref)!;
  const ns = INPUTS.namespaces!.find((n) => n.name === w.namespace)!;
  return { kind: 'pod', name: ref, namespace: w.namespace, namespaceLabels: { ...ns.labels, 'kubernetes.io/metadata.name': ns.name }, labels: w.labels, ports: w.ports ?? [] };
}

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });
const np = (name: string, namespace: string, spec: Record<string, unknown>): Manifest => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, namespace), spec });
const cnp = (name: string, spec: Record<string, unknown>): Manifest => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: meta(name), spec });
const toB = { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } };
const fromA = { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } };

const allowAllInB = np('allow-all', 'b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
const denyAllInB = np('deny-all', 'b', { podSelector: {}, policyTypes: ['Ingress'] });
const admin = (name: string, priority: number, action: string, extra: Record<string, unknown> = {}) => cnp(name, { tier: 'Admin', priority, subject: toB, ingress: [{ name, action, from: [fromA], ...extra }] });
const baseline = (action: string) => cnp('baseline', { tier: 'Baseline', priority: 0, subject: toB, ingress: [{ name: 'baseline', action, from: [fromA] }] });

export const TIER_CASES: readonly TierCase[] = [
  { name: 'no policy: allowed', manifests: [], from: 'a/client', to: 'b/server', allowed: true },
  { name: 'Admin Deny beats a NetworkPolicy that allows everything', manifests: [allowAllInB, admin('deny-a', 10, 'Deny')], from: 'a/client', to: 'b/server', allowed: false },
  { name: 'Admin Deny only on its ports', manifests: [admin('deny-a', 10, 'Deny', { protocols: [{ tcp: { destinationPort: { number: 443 } } }] })], from: 'a/client', to: 'b/server', allowed: true },
  { name: 'Admin Accept beats a NetworkPolicy default deny', manifests: [denyAllInB, admin('accept-a', 10, 'Accept')], from: 'a/client', to: 'b/server', allowed: true },
  { name: 'Admin Pass defers to NetworkPolicy, which denies', manifests: [denyAllInB, admin('pass-a', 10, 'Pass')], from: 'a/client', to: 'b/server', allowed: false },
  { name: 'Admin Pass defers to NetworkPolicy, which allows', manifests: [allowAllInB, admin('pass-a', 10, 'Pass')], from: 'a/client', to: 'b/server', allowed: true },
  { name: 'Pass skips the rest of the Admin tier (a later Deny)', manifests: [admin('pass-a', 10, 'Pass'), admin('deny-a', 20, 'Deny')], from: 'a/client', to: 'b/server', allowed: true },
  { name: 'the lower priority decides: Deny 10 before Accept 20', manifests: [admin('deny-a', 10, 'Deny'), admin('accept-a', 20, 'Accept')], from: 'a/client', to: 'b/server', allowed: false },
  { name: 'the lower priority decides: Accept 10 before Deny 20', manifests: [admin('accept-a', 10, 'Accept'), admin('deny-a', 20, 'Deny')], from: 'a/client', to: 'b/server', allowed: true },
  {
    name: 'rules of one object apply in order',
    manifests: [cnp('ordered', { tier: 'Admin', priority: 5, subject: toB, ingress: [{ action: 'Accept', from: [fromA] }, { action: 'Deny', from: [fromA] }] })],
    from: 'a/client', to: 'b/server', allowed: true,
  },
  { name: 'Admin Deny does not touch other sources', manifests: [admin('deny-a', 10, 'Deny')], from: 'c/other', to: 'b/server', allowed: true },
  { name: 'a named port resolves on the destination pod', manifests: [admin('deny-http', 10, 'Deny', { protocols: [{ destinationNamedPort: 'http' }] })], from: 'a/client', to: 'b/server', allowed: false },
  { name: 'Baseline Deny applies where no NetworkPolicy selects the pod', manifests: [baseline('Deny')], from: 'a/client', to: 'b/server', allowed: false },
  { name: 'a NetworkPolicy that selects the pod overrides Baseline Deny', manifests: [allowAllInB, baseline('Deny')], from: 'a/client', to: 'b/server', allowed: true },
  { name: 'a NetworkPolicy default deny is final: Baseline Accept does not apply', manifests: [denyAllInB, baseline('Accept')], from: 'a/client', to: 'b/server', allowed: false },
  {
    name: 'egress Accept still needs the destination\'s ingress',
    manifests: [denyAllInB, cnp('egress-accept', { tier: 'Admin', priority: 1, subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }, egress: [{ action: 'Accept', to: [toB] }] })],
    from: 'a/client', to: 'b/server', allowed: false,
  },
  {
    name: 'AdminNetworkPolicy v1alpha1 Allow beats a NetworkPolicy default deny',
    manifests: [denyAllInB, { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: meta('allow-a'), spec: { priority: 1, subject: toB, ingress: [{ action: 'Allow', from: [fromA], ports: [{ portNumber: { protocol: 'TCP', port: 80 } }] }] } }],
    from: 'a/client', to: 'b/server', allowed: true,
  },
  {
    name: 'BaselineAdminNetworkPolicy Deny where no NetworkPolicy selects the pod',
    manifests: [{ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: meta('default'), spec: { subject: toB, ingress: [{ action: 'Deny', from: [fromA] }] } }],
    from: 'a/client', to: 'b/server', allowed: false,
  },
  {
    name: 'Cilium ingressDeny beats a NetworkPolicy allow',
    manifests: [allowAllInB, { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: meta('deny-a'), spec: { endpointSelector: { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b' } }, enableDefaultDeny: { ingress: false, egress: false }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'a' } }] }] } }],
    from: 'a/client', to: 'b/server', allowed: false,
  },
  {
    name: 'a Cilium deny-only policy without enableDefaultDeny puts the pods into default deny',
    manifests: [{ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: meta('deny-c'), spec: { endpointSelector: { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b' } }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'c' } }] }] } }],
    from: 'a/client', to: 'b/server', allowed: false,
  },
  {
    name: 'Cilium allow rules join NetworkPolicy: either admits',
    manifests: [denyAllInB, { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: meta('allow-a', 'b'), spec: { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'a' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] } }],
    from: 'a/client', to: 'b/server', allowed: true,
  },
  ...(['Deny', 'Pass'] as const).map((defaultAction): TierCase => ({
    name: `a Calico tier that applies but decides nothing ends in its defaultAction ${defaultAction}`,
    manifests: [
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: meta('security'), spec: { order: 100, defaultAction } },
      { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: meta('security.c-only'), spec: { tier: 'security', order: 1, namespaceSelector: "kubernetes.io/metadata.name == 'b'", types: ['Ingress'], ingress: [{ action: 'Allow', source: { namespaceSelector: "team == 'c'" } }] } },
    ],
    from: 'a/client', to: 'b/server', allowed: defaultAction === 'Pass',
  })),
  {
    name: 'a Calico Deny in an earlier tier beats a NetworkPolicy allow',
    manifests: [
      allowAllInB,
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: meta('security'), spec: { order: 100, defaultAction: 'Pass' } },
      { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: meta('security.deny-a'), spec: { tier: 'security', order: 1, namespaceSelector: "kubernetes.io/metadata.name == 'b'", ingress: [{ action: 'Deny', protocol: 'TCP', source: { namespaceSelector: "team in {'a', 'x'}" }, destination: { ports: [80] } }] } },
    ],
    from: 'a/client', to: 'b/server', allowed: false,
  },
];

export const PROTOCOL: Protocol = 'TCP';
