import Ajv, { ValidateFunction } from 'ajv';
import { parseCidr } from '../../src/k8s/ip';

/*
 * The parts of the upstream OpenAPI schemas that netiso's guardrail objects use, transcribed by
 * hand with `additionalProperties: false` everywhere, so that an object with a field the API does
 * not define fails (a structural CRD schema would prune it silently). Sources:
 * - ClusterNetworkPolicy: kubernetes-sigs/network-policy-api v0.2.0,
 *   config/crd/standard/policy.networking.k8s.io_clusternetworkpolicies.yaml and
 *   apis/v1alpha2/clusternetworkpolicy_types.go (standard channel: no nodes / domainNames peers).
 * - AdminNetworkPolicy, BaselineAdminNetworkPolicy: network-policy-api v0.1.7,
 *   config/crd/standard/policy.networking.k8s.io_{admin,baselineadmin}networkpolicies.yaml.
 * - Calico Tier, GlobalNetworkPolicy: projectcalico/calico api/pkg/apis/projectcalico/v3
 *   tier.go, globalnetworkpolicy.go, policy_common.go (Calico 3.29-3.32).
 * - CiliumClusterwideNetworkPolicy: cilium/cilium pkg/policy/api rule.go, ingress.go, egress.go,
 *   l4.go, cidr.go, entity.go and the ciliumclusterwidenetworkpolicies CRD (Cilium 1.15+).
 * CEL rules (`x-kubernetes-validations`) are checked by {@link celProblems}.
 */

const str = { type: 'string' } as const;
const strict = <T extends Record<string, unknown>>(properties: T, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });
const arrayOf = (items: unknown, extra: Record<string, unknown> = {}) => ({ type: 'array', items, ...extra });

const labelSelector = strict({
  matchLabels: { type: 'object', additionalProperties: str },
  matchExpressions: arrayOf(strict({ key: str, operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: arrayOf(str) }, ['key', 'operator'])),
});
const metadata = strict({
  name: { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' },
  labels: { type: 'object', additionalProperties: str },
}, ['name']);
const object = (apiVersion: string, kind: string, spec: unknown) => strict({ apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec }, ['apiVersion', 'kind', 'metadata', 'spec']);
const port = { type: 'integer', minimum: 1, maximum: 65535 };
const namespacedPod = (required: string[]) => strict({ namespaceSelector: labelSelector, podSelector: labelSelector }, required);
const oneOf = (properties: Record<string, unknown>) => ({ ...strict(properties), minProperties: 1, maxProperties: 1 });
const cidr = { type: 'string', maxLength: 43 };

// network-policy-api v1alpha2 (v0.2.0)
const destinationPort = oneOf({ number: port, range: strict({ start: port, end: port }, ['start', 'end']) });
const cnpProtocol = oneOf({
  tcp: { ...strict({ destinationPort }), minProperties: 1 },
  udp: { ...strict({ destinationPort }), minProperties: 1 },
  sctp: { ...strict({ destinationPort }), minProperties: 1 },
  destinationNamedPort: str,
});
const cnpRule = (peersField: 'from' | 'to', peer: unknown) => strict({
  name: { type: 'string', maxLength: 100 },
  action: { enum: ['Accept', 'Deny', 'Pass'] },
  [peersField]: arrayOf(peer, { minItems: 1, maxItems: 25 }),
  protocols: arrayOf(cnpProtocol, { minItems: 1, maxItems: 25 }),
}, ['action', peersField]);
const cnpSubject = oneOf({ namespaces: labelSelector, pods: namespacedPod(['podSelector']) });
const CLUSTER_NETWORK_POLICY = object('policy.networking.k8s.io/v1alpha2', 'ClusterNetworkPolicy', strict({
  tier: { enum: ['Admin', 'Baseline'] },
  priority: { type: 'integer', minimum: 0, maximum: 1000 },
  subject: cnpSubject,
  ingress: arrayOf(cnpRule('from', oneOf({ namespaces: labelSelector, pods: namespacedPod(['podSelector']) })), { maxItems: 25 }),
  egress: arrayOf(cnpRule('to', oneOf({ namespaces: labelSelector, pods: namespacedPod(['podSelector']), networks: arrayOf(cidr, { minItems: 1, maxItems: 25, uniqueItems: true }) })), { maxItems: 25 }),
}, ['tier', 'priority', 'subject']));

// network-policy-api v1alpha1 (v0.1.7)
const protocol = { enum: ['TCP', 'UDP', 'SCTP'] };
const anpPort = oneOf({
  portNumber: strict({ protocol, port }, ['port', 'protocol']),
  portRange: strict({ protocol, start: port, end: port }, ['start', 'end']),
});
const anpRule = (actions: string[], peersField: 'from' | 'to', peer: unknown) => strict({
  name: { type: 'string', maxLength: 100 },
  action: { enum: actions },
  [peersField]: arrayOf(peer, { minItems: 1, maxItems: 100 }),
  ports: arrayOf(anpPort, { minItems: 1, maxItems: 100 }),
}, ['action', peersField]);
const anpSubject = oneOf({ namespaces: labelSelector, pods: namespacedPod(['namespaceSelector', 'podSelector']) });
const anpIngressPeer = oneOf({ namespaces: labelSelector, pods: namespacedPod(['namespaceSelector', 'podSelector']) });
const anpEgressPeer = oneOf({ namespaces: labelSelector, pods: namespacedPod(['namespaceSelector', 'podSelector']), networks: arrayOf(cidr, { minItems: 1, maxItems: 25, uniqueItems: true }) });
const ADMIN_NETWORK_POLICY = object('policy.networking.k8s.io/v1alpha1', 'AdminNetworkPolicy', strict({
  priority: { type: 'integer', minimum: 0, maximum: 1000 },
  subject: anpSubject,
  ingress: arrayOf(anpRule(['Allow', 'Deny', 'Pass'], 'from', anpIngressPeer), { maxItems: 100 }),
  egress: arrayOf(anpRule(['Allow', 'Deny', 'Pass'], 'to', anpEgressPeer), { maxItems: 100 }),
}, ['priority', 'subject']));
const BASELINE_ADMIN_NETWORK_POLICY = object('policy.networking.k8s.io/v1alpha1', 'BaselineAdminNetworkPolicy', strict({
  subject: anpSubject,
  ingress: arrayOf(anpRule(['Allow', 'Deny'], 'from', anpIngressPeer), { maxItems: 100 }),
  egress: arrayOf(anpRule(['Allow', 'Deny'], 'to', anpEgressPeer), { maxItems: 100 }),
}, ['subject']));

// Calico projectcalico.org/v3
const selector = { type: 'string', maxLength: 1024 };
const calicoPort = { anyOf: [port, { type: 'string', pattern: '^([0-9]+(:[0-9]+)?|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$' }] };
const entityRule = strict({
  nets: arrayOf(str, { maxItems: 256 }),
  notNets: arrayOf(str, { maxItems: 256 }),
  selector,
  notSelector: selector,
  namespaceSelector: selector,
  ports: arrayOf(calicoPort, { maxItems: 50 }),
  notPorts: arrayOf(calicoPort, { maxItems: 50 }),
});
const calicoRule = strict({
  action: { enum: ['Allow', 'Deny', 'Log', 'Pass'] },
  protocol: { anyOf: [{ enum: ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'] }, { type: 'integer', minimum: 1, maximum: 255 }] },
  source: entityRule,
  destination: entityRule,
  metadata: strict({ annotations: { type: 'object', additionalProperties: str } }),
}, ['action']);
const TIER = object('projectcalico.org/v3', 'Tier', strict({ order: { type: 'number' }, defaultAction: { enum: ['Deny', 'Pass'] } }));
const GLOBAL_NETWORK_POLICY = object('projectcalico.org/v3', 'GlobalNetworkPolicy', strict({
  tier: str,
  order: { type: 'number' },
  selector,
  namespaceSelector: selector,
  types: arrayOf({ enum: ['Ingress', 'Egress'] }, { minItems: 1, maxItems: 2, uniqueItems: true }),
  ingress: arrayOf(calicoRule, { maxItems: 1024 }),
  egress: arrayOf(calicoRule, { maxItems: 1024 }),
}));

// Cilium cilium.io/v2
const ciliumPort = strict({
  port: { type: 'string', pattern: '^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$' },
  endPort: { type: 'integer', minimum: 0, maximum: 65535 },
  protocol: { enum: ['TCP', 'UDP', 'SCTP', 'ICMP', 'ICMPv6', 'VRRP', 'IGMP', 'ANY'] },
}, ['port']);
const toPorts = arrayOf(strict({ ports: arrayOf(ciliumPort, { maxItems: 40 }) }));
const cidrRule = strict({ cidr: str, except: arrayOf(str) }, ['cidr']);
const entities = arrayOf({ enum: ['all', 'world', 'cluster', 'host', 'init', 'ingress', 'unmanaged', 'remote-node', 'health', 'none', 'kube-apiserver'] });
const CILIUM_CLUSTERWIDE_NETWORK_POLICY = object('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', strict({
  description: str,
  endpointSelector: labelSelector,
  enableDefaultDeny: strict({ ingress: { type: 'boolean' }, egress: { type: 'boolean' } }),
  ingress: arrayOf(strict({ fromEndpoints: arrayOf(labelSelector), fromCIDRSet: arrayOf(cidrRule), fromEntities: entities, toPorts })),
  ingressDeny: arrayOf(strict({ fromEndpoints: arrayOf(labelSelector), fromCIDRSet: arrayOf(cidrRule), fromEntities: entities, toPorts })),
  egressDeny: arrayOf(strict({ toEndpoints: arrayOf(labelSelector), toCIDRSet: arrayOf(cidrRule), toEntities: entities, toPorts })),
}, ['endpointSelector']));

const ajv = new Ajv({ allErrors: true, strict: true });
const VALIDATORS: Readonly<Record<string, ValidateFunction>> = {
  'policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy': ajv.compile(CLUSTER_NETWORK_POLICY),
  'policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy': ajv.compile(ADMIN_NETWORK_POLICY),
  'policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy': ajv.compile(BASELINE_ADMIN_NETWORK_POLICY),
  'projectcalico.org/v3 Tier': ajv.compile(TIER),
  'projectcalico.org/v3 GlobalNetworkPolicy': ajv.compile(GLOBAL_NETWORK_POLICY),
  'cilium.io/v2 CiliumClusterwideNetworkPolicy': ajv.compile(CILIUM_CLUSTERWIDE_NETWORK_POLICY),
};

/** Schema errors of one emitted object (an unknown kind is an error too), plus the CEL rules. */
export function schemaProblems(manifest: any): string[] {
  const validate = VALIDATORS[`${manifest.apiVersion} ${manifest.kind}`];
  const id = `${manifest.kind} ${manifest.metadata?.name}`;
  if (!validate) return [`${id}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  const out = validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${id}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  return [...out, ...celProblems(manifest).map((m) => `${id}: ${m}`)];
}

/** The `x-kubernetes-validations` (CEL) rules of the CRDs, and CIDR syntax (`isCIDR`). */
function celProblems(m: any): string[] {
  const out: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) { value.forEach((v, i) => visit(v, `${path}[${i}]`)); return; }
    if (value === null || typeof value !== 'object') return;
    const o = value as Record<string, any>;
    // network-policy-api: "Start port must be less than End port"; ANP's range likewise.
    if (typeof o.start === 'number' && typeof o.end === 'number' && !(o.start < o.end)) out.push(`${path}: range start ${o.start} must be less than end ${o.end}`);
    for (const key of ['networks', 'nets', 'notNets', 'toCIDR']) {
      for (const c of Array.isArray(o[key]) ? o[key] : []) if (!parseCidr(c)) out.push(`${path}.${key}: ${JSON.stringify(c)} is not a CIDR`);
    }
    if (typeof o.cidr === 'string' && !parseCidr(o.cidr)) out.push(`${path}.cidr: ${JSON.stringify(o.cidr)} is not a CIDR`);
    // Cilium: endPort must not be below port.
    if (typeof o.endPort === 'number' && typeof o.port === 'string' && o.endPort < Number(o.port)) out.push(`${path}: endPort ${o.endPort} is below port ${o.port}`);
    // Calico: ports need a protocol in the rule.
    if ((o.source?.ports || o.destination?.ports) && o.protocol === undefined) out.push(`${path}: ports without protocol`);
    for (const [k, v] of Object.entries(o)) visit(v, `${path}.${k}`);
  };
  visit(m.spec, 'spec');
  if (m.kind === 'BaselineAdminNetworkPolicy' && m.metadata.name !== 'default') out.push('a BaselineAdminNetworkPolicy must be named default');
  return out;
}
