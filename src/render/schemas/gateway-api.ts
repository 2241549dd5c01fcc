/**
 * The parts of the Gateway API v1 `HTTPRoute` and `GRPCRoute` schemas that netiso emits,
 * transcribed from the standard-channel CRDs of Gateway API v1.3.0
 * (`config/crd/standard/gateway.networking.k8s.io_{httproutes,grpcroutes}.yaml`, generated from
 * `apis/v1/httproute_types.go`, `grpcroute_types.go` and `shared_types.go`). Fields netiso never
 * writes (filters, header and query matches, timeouts, session persistence) are left out and
 * refused (`additionalProperties: false`), so output that drifts from what was transcribed fails
 * loudly. The CEL rules that concern emitted fields are written as JSON Schema where possible (a
 * Service backend needs a port; an Exact or PathPrefix path starts with '/').
 */

const GROUP = { type: 'string', maxLength: 253, pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' };
const KIND = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$' };
const OBJECT_NAME = { type: 'string', minLength: 1, maxLength: 253 };
const NAMESPACE = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' };
const SECTION_NAME = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' };
const PORT_NUMBER = { type: 'integer', minimum: 1, maximum: 65535 };
const HOSTNAME = { type: 'string', minLength: 1, maxLength: 253, pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' };

const METADATA = {
  type: 'object',
  required: ['name', 'namespace'],
  properties: {
    name: OBJECT_NAME,
    namespace: NAMESPACE,
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};

/** ParentReference (shared_types.go); `port` is left out: netiso attaches by listener name. */
const PARENT_REF = {
  type: 'object',
  required: ['name'],
  properties: { group: GROUP, kind: KIND, namespace: NAMESPACE, name: OBJECT_NAME, sectionName: SECTION_NAME },
  additionalProperties: false,
};

/** BackendRef (shared_types.go) with the CEL rule "Must have port for Service reference". */
const BACKEND_REF = {
  type: 'object',
  required: ['name'],
  properties: {
    group: GROUP,
    kind: KIND,
    name: OBJECT_NAME,
    namespace: NAMESPACE,
    port: PORT_NUMBER,
    weight: { type: 'integer', minimum: 0, maximum: 1000000 },
  },
  additionalProperties: false,
  // group and kind default to '' and Service, so a reference without them is a Service too.
  if: { properties: { group: { type: 'string', const: '' }, kind: { type: 'string', const: 'Service' } } },
  then: { required: ['port'] },
};

/** HTTPPathMatch with the CEL rule that Exact and PathPrefix values are absolute paths. */
const HTTP_PATH_MATCH = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['Exact', 'PathPrefix', 'RegularExpression'] },
    value: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
  // type defaults to PathPrefix.
  if: { properties: { type: { type: 'string', enum: ['Exact', 'PathPrefix'] } } },
  then: { properties: { value: { type: 'string', pattern: '^/' } } },
};

const GRPC_METHOD_MATCH = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['Exact', 'RegularExpression'] },
    service: { type: 'string', maxLength: 1024 },
    method: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
  // CEL: "One or both of 'service' or 'method' must be specified".
  anyOf: [{ required: ['service'] }, { required: ['method'] }],
};

/** A route kind's schema: the shared metadata and spec, and rules whose matches are `match`. */
function routeSchema(kind: 'HTTPRoute' | 'GRPCRoute', match: object, rules: { minItems?: number }) {
  return {
    $id: `gateway.networking.k8s.io/v1/${kind}`,
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'gateway.networking.k8s.io/v1' },
      kind: { const: kind },
      metadata: METADATA,
      spec: {
        type: 'object',
        properties: {
          parentRefs: { type: 'array', maxItems: 32, items: PARENT_REF },
          hostnames: { type: 'array', maxItems: 16, items: HOSTNAME },
          rules: {
            type: 'array',
            ...rules,
            maxItems: 16,
            items: {
              type: 'object',
              properties: {
                name: SECTION_NAME,
                matches: { type: 'array', maxItems: 64, items: match },
                backendRefs: { type: 'array', maxItems: 16, items: BACKEND_REF },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  };
}

/** `gateway.networking.k8s.io/v1` `HTTPRoute`. */
export const HTTP_ROUTE_SCHEMA = routeSchema('HTTPRoute', { type: 'object', properties: { path: HTTP_PATH_MATCH }, additionalProperties: false }, { minItems: 1 });

/** `gateway.networking.k8s.io/v1` `GRPCRoute` (standard since Gateway API v1.1.0). */
export const GRPC_ROUTE_SCHEMA = routeSchema('GRPCRoute', { type: 'object', properties: { method: GRPC_METHOD_MATCH }, additionalProperties: false }, {});
