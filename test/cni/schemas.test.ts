import { Manifest } from '../../src';
import { SCHEMA_KINDS, schemaProblems } from '../../src/render/schemas/validate';

const route = (spec: unknown, kind = 'HTTPRoute'): Manifest => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name: 'r', namespace: 'ns' }, spec });
const cnp = (spec: unknown): Manifest => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'ns' }, spec });

describe('transcribed schemas', () => {
  test('know the kinds netiso emits beyond the core API', () => {
    expect(SCHEMA_KINDS).toEqual(['gateway.networking.k8s.io/v1/HTTPRoute', 'gateway.networking.k8s.io/v1/GRPCRoute', 'cilium.io/v2/CiliumNetworkPolicy']);
  });

  test('accept the shapes of the upstream examples', () => {
    expect(schemaProblems(route({
      parentRefs: [{ name: 'example-gateway' }],
      hostnames: ['www.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/login' } }], backendRefs: [{ name: 'example-svc', port: 8080 }] }],
    }))).toEqual([]);
    expect(schemaProblems(route({
      parentRefs: [{ name: 'example-gateway' }],
      rules: [{ matches: [{ method: { service: 'com.example.User', method: 'Login' } }], backendRefs: [{ name: 'grpc-infra-svc', port: 8080 }] }],
    }, 'GRPCRoute'))).toEqual([]);
    expect(schemaProblems(cnp({ endpointSelector: {}, egress: [{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] }] }))).toEqual([]);
  });

  test('refuse what the API server would', () => {
    // A Service backend without a port (CEL: "Must have port for Service reference").
    expect(schemaProblems(route({ rules: [{ backendRefs: [{ name: 'svc' }] }] }))).toEqual(['HTTPRoute r: /spec/rules/0/backendRefs/0 must have required property \'port\'', 'HTTPRoute r: /spec/rules/0/backendRefs/0 must match "then" schema']);
    // A PathPrefix that is not absolute, an IP hostname.
    expect(schemaProblems(route({ hostnames: ['10.0.0.1:80'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'api' } }] }] }))).toHaveLength(3);
    // A gRPC match naming neither service nor method.
    expect(schemaProblems(route({ rules: [{ matches: [{ method: { type: 'Exact' } }] }] }, 'GRPCRoute')).length).toBeGreaterThan(0);
    // An unknown entity, a malformed port name, a protocol Cilium does not know.
    expect(schemaProblems(cnp({ endpointSelector: {}, ingress: [{ fromEntities: ['nodes'], toPorts: [{ ports: [{ port: 'http-', protocol: 'QUIC' }] }] }] })).length).toBe(3);
    // Fields netiso never writes are refused, so drift is loud.
    expect(schemaProblems(cnp({ endpointSelector: {}, ingress: [{ fromEntities: ['host'], fromCIDR: ['10.0.0.0/8'] }] }))).toEqual([
      'CiliumNetworkPolicy c: /spec/ingress/0 must NOT have additional properties',
    ]);
  });
});
