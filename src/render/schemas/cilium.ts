/**
 * The part of the `cilium.io/v2` `CiliumNetworkPolicy` schema that netiso emits, transcribed from
 * Cilium's CRD (`pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml`, Cilium 1.16;
 * types in `pkg/policy/api/`): an endpoint selector, and ingress / egress rules that name reserved
 * entities on ports. Everything else is refused (`additionalProperties: false`), so output that
 * drifts from what was transcribed fails loudly.
 */

const LABEL_SELECTOR = {
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$' } },
  },
  additionalProperties: false,
};

/** `Entity` enum of the CRD. */
const ENTITIES = ['all', 'world', 'cluster', 'host', 'init', 'ingress', 'unmanaged', 'remote-node', 'health', 'none', 'kube-apiserver'];

/** `PortProtocol`: a port number or name as a string, an optional range end, a protocol. */
const PORT_PROTOCOL = {
  type: 'object',
  properties: {
    port: { type: 'string', pattern: '^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$' },
    endPort: { type: 'integer', minimum: 0, maximum: 65535 },
    protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP', 'ICMP', 'ICMPv6', 'VRRP', 'IGMP', 'ANY'] },
  },
  additionalProperties: false,
};

const TO_PORTS = {
  type: 'array',
  items: {
    type: 'object',
    properties: { ports: { type: 'array', maxItems: 40, items: PORT_PROTOCOL } },
    required: ['ports'],
    additionalProperties: false,
  },
};

function rule(entitiesField: 'fromEntities' | 'toEntities') {
  return {
    type: 'object',
    required: [entitiesField],
    properties: { [entitiesField]: { type: 'array', minItems: 1, items: { type: 'string', enum: ENTITIES } }, toPorts: TO_PORTS },
    additionalProperties: false,
  };
}

/** `cilium.io/v2` `CiliumNetworkPolicy`, as netiso writes it. */
export const CILIUM_NETWORK_POLICY_SCHEMA = {
  $id: 'cilium.io/v2/CiliumNetworkPolicy',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'cilium.io/v2' },
    kind: { const: 'CiliumNetworkPolicy' },
    metadata: {
      type: 'object',
      required: ['name', 'namespace'],
      properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string', minLength: 1 }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
      additionalProperties: false,
    },
    spec: {
      type: 'object',
      required: ['endpointSelector'],
      properties: {
        endpointSelector: LABEL_SELECTOR,
        ingress: { type: 'array', items: rule('fromEntities') },
        egress: { type: 'array', items: rule('toEntities') },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;
