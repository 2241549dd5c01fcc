/**
 * Truth tables ported from the upstream Kubernetes e2e NetworkPolicy suite
 * (test/e2e/network/netpol/network_policy.go), on the full 9-pod model.
 * Rows are clients, columns servers; `.` allowed, `X` denied. Upstream ignores
 * loopback; this engine defines it as always allowed, so the diagonal is `.`.
 * Every table is checked through both `evaluate` and the connection sets of each pair.
 */
import { ALL_ALLOWED, expectTable, modelEngine } from './fixture';

/** Namespace x fully closed for ingress (a common expectation below). */
const X_INGRESS_DENIED = `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   .   .   .   .   .   .
  x/b   X   .   X   .   .   .   .   .   .
  x/c   X   X   .   .   .   .   .   .   .
  y/a   X   X   X   .   .   .   .   .   .
  y/b   X   X   X   .   .   .   .   .   .
  y/c   X   X   X   .   .   .   .   .   .
  z/a   X   X   X   .   .   .   .   .   .
  z/b   X   X   X   .   .   .   .   .   .
  z/c   X   X   X   .   .   .   .   .   .
`;

/** Only x/a's ingress closed. */
const XA_INGRESS_DENIED = `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   X   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   X   .   .   .   .   .   .   .   .
  y/b   X   .   .   .   .   .   .   .   .
  y/c   X   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   X   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`;

/** x/a reachable from namespace y only. */
const XA_FROM_Y_ONLY = `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   X   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   X   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`;

/** x/a reachable from x/b only. */
const XA_FROM_XB_ONLY = `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   .   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   X   .   .   .   .   .   .   .   .
  y/b   X   .   .   .   .   .   .   .   .
  y/c   X   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   X   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`;

/** Namespace x may not send anything. */
const X_EGRESS_DENIED = `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   X   X   X   X   X   X
  x/b   X   .   X   X   X   X   X   X   X
  x/c   X   X   .   X   X   X   X   X   X
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   .   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`;

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy`;

describe('upstream e2e netpol scenarios', () => {
  test('no policies: everything is reachable', () => {
    expectTable(modelEngine(''), 80, 'TCP', ALL_ALLOWED);
  });

  test("should support a 'default-deny-ingress' policy (TCP, UDP, SCTP)", () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: deny-ingress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: []
`);
    expectTable(engine, 80, 'TCP', X_INGRESS_DENIED);
    expectTable(engine, 80, 'UDP', X_INGRESS_DENIED);
    expectTable(engine, 80, 'SCTP', X_INGRESS_DENIED);
  });

  test("should support a 'default-deny-all' policy", () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: deny-all, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   X   X   X   X   X   X
  x/b   X   .   X   X   X   X   X   X   X
  x/c   X   X   .   X   X   X   X   X   X
  y/a   X   X   X   .   .   .   .   .   .
  y/b   X   X   X   .   .   .   .   .   .
  y/c   X   X   X   .   .   .   .   .   .
  z/a   X   X   X   .   .   .   .   .   .
  z/b   X   X   X   .   .   .   .   .   .
  z/c   X   X   X   .   .   .   .   .   .
`);
  });

  test('should enforce policy to allow traffic from pods within server namespace based on PodSelector', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: x-a-allows-x-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {matchLabels: {pod: b}}
`);
    expectTable(engine, 80, 'TCP', XA_FROM_XB_ONLY);
  });

  test('should enforce policy to allow ingress traffic for a target (deny-all plus allow-all-to-a are unioned)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: deny-all, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
${POLICY}
metadata: {name: allow-all-to-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {}
      namespaceSelector: {}
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   .   .   .   .   .   .
  x/b   .   .   X   .   .   .   .   .   .
  x/c   .   X   .   .   .   .   .   .   .
  y/a   .   X   X   .   .   .   .   .   .
  y/b   .   X   X   .   .   .   .   .   .
  y/c   .   X   X   .   .   .   .   .   .
  z/a   .   X   X   .   .   .   .   .   .
  z/b   .   X   X   .   .   .   .   .   .
  z/c   .   X   X   .   .   .   .   .   .
`);
  });

  test('should enforce policy to allow ingress traffic from pods in all namespaces (namespaceSelector {})', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-from-another-ns, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {}
`);
    expectTable(engine, 80, 'TCP', ALL_ALLOWED);
  });

  test('should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector (default ns label)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-client-a-via-ns-selector, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
`);
    expectTable(engine, 80, 'TCP', XA_FROM_Y_ONLY);
  });

  test('should enforce policy based on PodSelector with MatchExpressions', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: x-a-allows-x-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {matchExpressions: [{key: pod, operator: In, values: [b]}]}
`);
    expectTable(engine, 80, 'TCP', XA_FROM_XB_ONLY);
  });

  test('should enforce policy based on NamespaceSelector with MatchExpressions', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-ns-y-match-selector, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: ns, operator: In, values: [y]}]}
`);
    expectTable(engine, 80, 'TCP', XA_FROM_Y_ONLY);
  });

  test('should enforce policy based on PodSelector or NamespaceSelector (separate peers are ORed)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-ns-y-z-or-pod-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}
    - podSelector: {matchLabels: {pod: b}}
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   .   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   .   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`);
  });

  test('should enforce policy based on PodSelector and NamespaceSelector (one peer is ANDed)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-ns-y-z-and-pod-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}
      podSelector: {matchLabels: {pod: b}}
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   X   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   X   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   X   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`);
  });

  test('should enforce policy based on Multiple PodSelectors and NamespaceSelectors', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-ns-y-z-pod-b-c, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}
      podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   X   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   X   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`);
  });

  test('should enforce policy based on any PodSelectors', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-ns-x-pod-b-c, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {matchLabels: {pod: b}}
    - podSelector: {matchLabels: {pod: c}}
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   .   .   .   .   .   .   .   .   .
  x/c   .   .   .   .   .   .   .   .   .
  y/a   X   .   .   .   .   .   .   .   .
  y/b   X   .   .   .   .   .   .   .   .
  y/c   X   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   X   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`);
  });

  test('should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector (TCP, UDP, SCTP)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-ns-y-pod-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
      podSelector: {matchLabels: {pod: a}}
`);
    const table = `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   X   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   X   .   .   .   .   .   .   .   .
  y/c   X   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   X   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`;
    for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) expectTable(engine, 80, protocol, table);
  });

  test('should enforce policy based on Ports (only 81 from namespace y)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-81-from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
    ports:
    - {port: 81, protocol: TCP}
`);
    expectTable(engine, 81, 'TCP', XA_FROM_Y_ONLY);
    expectTable(engine, 80, 'TCP', XA_INGRESS_DENIED);
  });

  test('should enforce multiple, stacked policies with overlapping podSelectors', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-81-from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
    ports: [{port: 81, protocol: TCP}]
---
${POLICY}
metadata: {name: allow-80-from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
    ports: [{port: 80, protocol: TCP}]
`);
    expectTable(engine, 80, 'TCP', XA_FROM_Y_ONLY);
    expectTable(engine, 81, 'TCP', XA_FROM_Y_ONLY);
  });

  test('should allow ingress access on one named port', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-serve-81, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: serve-81-tcp}]
`);
    expectTable(engine, 81, 'TCP', ALL_ALLOWED);
    expectTable(engine, 80, 'TCP', X_INGRESS_DENIED);
  });

  test('should allow ingress access from namespace on one named port', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-serve-80-from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
    ports: [{port: serve-80-tcp, protocol: TCP}]
`);
    expectTable(engine, 80, 'TCP', XA_FROM_Y_ONLY);
    expectTable(engine, 81, 'TCP', XA_INGRESS_DENIED);
  });

  test('should allow egress access on one named port (named port resolved on the destination)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-egress-serve-80, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - ports: [{port: serve-80-tcp}]
`);
    expectTable(engine, 80, 'TCP', ALL_ALLOWED);
    expectTable(engine, 81, 'TCP', X_EGRESS_DENIED);
  });

  test('a named port does not match another protocol: serve-80-tcp says nothing about UDP/80', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-serve-80-tcp, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: serve-80-tcp, protocol: UDP}]
`);
    // The rule asks for a UDP port named serve-80-tcp; every pod names that port TCP only.
    expectTable(engine, 80, 'UDP', X_INGRESS_DENIED);
    expectTable(engine, 80, 'TCP', X_INGRESS_DENIED);
  });

  test('should work with Ingress, Egress specified together', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-client-a-via-pod-selector, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress, Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]
  egress:
  - ports: [{port: 80}]
`);
    expectTable(engine, 80, 'TCP', XA_FROM_XB_ONLY);
    expectTable(engine, 81, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   X   X   X   X   X   X
  x/b   .   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   X   .   .   .   .   .   .   .   .
  y/b   X   .   .   .   .   .   .   .   .
  y/c   X   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   X   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`);
  });

  test('should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-to-ns-y-pod-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]
---
${POLICY}
metadata: {name: allow-from-xa-on-ya, namespace: y}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]
---
${POLICY}
metadata: {name: allow-from-xa-on-yb, namespace: y}
spec:
  podSelector: {matchLabels: {pod: b}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   .   X   X   X   X   X
  x/b   .   .   .   X   X   .   .   .   .
  x/c   .   .   .   X   X   .   .   .   .
  y/a   .   .   .   .   X   .   .   .   .
  y/b   .   .   .   X   .   .   .   .   .
  y/c   .   .   .   X   X   .   .   .   .
  z/a   .   .   .   X   X   .   .   .   .
  z/b   .   .   .   X   X   .   .   .   .
  z/c   .   .   .   X   X   .   .   .   .
`);
  });

  test('should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-to-ns-y-pod-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   .   X   X   X   X   X
  x/b   .   .   .   .   .   .   .   .   .
  x/c   .   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   .   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`);
  });

  test('should enforce egress policy with NamespaceSelector NotIn on the default ns label', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-not-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [y]}]}}]
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   X   X   X   .   .   .
  x/b   .   .   .   .   .   .   .   .   .
  x/c   .   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   .   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`);
  });

  test('should enforce ingress policy allowing any port traffic to a server on a specific protocol', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-ingress-by-proto, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{protocol: TCP}]
`);
    expectTable(engine, 80, 'TCP', ALL_ALLOWED);
    expectTable(engine, 81, 'TCP', ALL_ALLOWED);
    expectTable(engine, 80, 'UDP', XA_INGRESS_DENIED);
  });

  test('should enforce multiple ingress policies with ingress allow-all policy taking precedence', () => {
    const only80 = `${POLICY}
metadata: {name: allow-ingress-port-80, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: 80}]
`;
    expectTable(modelEngine(only80), 81, 'TCP', X_INGRESS_DENIED);
    const withAllowAll = `${only80}---
${POLICY}
metadata: {name: allow-ingress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - {}
`;
    expectTable(modelEngine(withAllowAll), 81, 'TCP', ALL_ALLOWED);
  });

  test('should enforce multiple egress policies with egress allow-all policy taking precedence', () => {
    const only80 = `${POLICY}
metadata: {name: allow-egress-port-80, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 80}]
`;
    expectTable(modelEngine(only80), 81, 'TCP', X_EGRESS_DENIED);
    expectTable(modelEngine(only80), 80, 'TCP', ALL_ALLOWED);
    const withAllowAll = `${only80}---
${POLICY}
metadata: {name: allow-egress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - {}
`;
    expectTable(modelEngine(withAllowAll), 81, 'TCP', ALL_ALLOWED);
  });

  test('should allow egress access to server in CIDR block (ipBlock matches pod IPs)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-client-a-via-cidr-egress-rule, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.2.2/32}}]
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   X   .   X   X   X   X
  x/b   .   .   .   .   .   .   .   .   .
  x/c   .   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   .   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`);
  });

  const exceptXb = `${POLICY}
metadata: {name: allow-cidr-except-xb, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.2/32]}}]
`;

  test('should enforce except clause while egress access to server in CIDR block', () => {
    expectTable(modelEngine(exceptXb), 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   .   .   .   .   .   .   .
  x/b   .   .   .   .   .   .   .   .   .
  x/c   .   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   .   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`);
  });

  test('should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed when another policy allows it', () => {
    const engine = modelEngine(`${exceptXb}---
${POLICY}
metadata: {name: allow-xb, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.1.2/32}}]
`);
    expectTable(engine, 80, 'TCP', ALL_ALLOWED);
  });

  test('should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector', () => {
    const allowEgress = `${POLICY}
metadata: {name: allow-egress-for-target, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{}]
`;
    expectTable(modelEngine(allowEgress), 80, 'TCP', ALL_ALLOWED);
    const engine = modelEngine(`${allowEgress}---
${POLICY}
metadata: {name: deny-ingress-via-label-selector, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
`);
    expectTable(engine, 80, 'TCP', XA_INGRESS_DENIED);
  });

  test("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP'", () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: deny-ingress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
${POLICY}
metadata: {name: allow-only-sctp-ingress-on-port-81, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: 81, protocol: SCTP}]
`);
    expectTable(engine, 81, 'TCP', X_INGRESS_DENIED);
    expectTable(engine, 81, 'SCTP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   X   X   .   .   .   .   .   .
  x/b   .   .   X   .   .   .   .   .   .
  x/c   .   X   .   .   .   .   .   .   .
  y/a   .   X   X   .   .   .   .   .   .
  y/b   .   X   X   .   .   .   .   .   .
  y/c   .   X   X   .   .   .   .   .   .
  z/a   .   X   X   .   .   .   .   .   .
  z/b   .   X   X   .   .   .   .   .   .
  z/c   .   X   X   .   .   .   .   .   .
`);
  });

  test('should not allow access by TCP when a policy specifies only UDP', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-only-udp-ingress-on-port-81, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: 81, protocol: UDP}]
`);
    expectTable(engine, 81, 'TCP', XA_INGRESS_DENIED);
    expectTable(engine, 81, 'UDP', ALL_ALLOWED);
  });

  test('should support an endPort range (ingress 81-85 from namespace y)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-range-from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
    ports: [{port: 81, endPort: 85, protocol: TCP}]
`);
    expectTable(engine, 80, 'TCP', XA_INGRESS_DENIED);
    expectTable(engine, 81, 'TCP', XA_FROM_Y_ONLY);
    expectTable(engine, 85, 'TCP', XA_FROM_Y_ONLY);
    expectTable(engine, 86, 'TCP', XA_INGRESS_DENIED);
    expectTable(engine, 81, 'UDP', XA_INGRESS_DENIED);
  });

  test('should support an egress endPort range that covers both served ports', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: allow-egress-range, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 79, endPort: 80}]
`);
    expectTable(engine, 80, 'TCP', ALL_ALLOWED);
    expectTable(engine, 81, 'TCP', X_EGRESS_DENIED);
  });

  test('should deny egress from all pods in a namespace, yet allow DNS to kube-system', () => {
    const engine = modelEngine(
      `${POLICY}
metadata: {name: default-deny-egress-allow-dns, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
`,
      {
        extra: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }],
        workloads: [{ namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] }],
      },
    );
    expectTable(engine, 80, 'TCP', X_EGRESS_DENIED);
    expect(engine.evaluate({ from: 'x/a', to: 'kube-system/coredns', port: 53, protocol: 'UDP' }).allowed).toBe(true);
    expect(engine.evaluate({ from: 'x/a', to: 'kube-system/coredns', port: 'dns-tcp' }).allowed).toBe(true);
    expect(engine.evaluate({ from: 'x/a', to: 'kube-system/coredns', port: 80 }).allowed).toBe(false);
    expect(engine.evaluate({ from: 'x/a', to: 'y/a', port: 53, protocol: 'UDP' }).allowed).toBe(false);
  });

  test('policyTypes omitted: `egress: []` isolates ingress only (Egress is defaulted in only for at least one egress rule)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: implicit-ingress-only, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  egress: []
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   X   .   .   .   .   .   .   .   .
  x/c   X   .   .   .   .   .   .   .   .
  y/a   X   .   .   .   .   .   .   .   .
  y/b   X   .   .   .   .   .   .   .   .
  y/c   X   .   .   .   .   .   .   .   .
  z/a   X   .   .   .   .   .   .   .   .
  z/b   X   .   .   .   .   .   .   .   .
  z/c   X   .   .   .   .   .   .   .   .
`);
  });

  test('policyTypes omitted without egress: only ingress is isolated', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: implicit-ingress, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]
`);
    expectTable(engine, 80, 'TCP', XA_FROM_XB_ONLY);
  });

  test('policyTypes [Egress] explicitly: ingress rules are ignored and ingress stays open', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: egress-only, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]
  egress: [{}]
`);
    expectTable(engine, 80, 'TCP', ALL_ALLOWED);
  });

  test('empty ports list means all ports and protocols, like a missing one', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: from-y-all-ports, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
    ports: []
`);
    expectTable(engine, 80, 'TCP', XA_FROM_Y_ONLY);
    expectTable(engine, 81, 'UDP', XA_FROM_Y_ONLY);
    expectTable(engine, 80, 'SCTP', XA_FROM_Y_ONLY);
  });

  test('should deny ingress from pods on other namespaces (podSelector {} peer = own namespace)', () => {
    const engine = modelEngine(`${POLICY}
metadata: {name: deny-empty-policy, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {}}]
`);
    expectTable(engine, 80, 'TCP', `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   .   .   .   .   .   .   .   .   .
  x/c   .   .   .   .   .   .   .   .   .
  y/a   X   X   X   .   .   .   .   .   .
  y/b   X   X   X   .   .   .   .   .   .
  y/c   X   X   X   .   .   .   .   .   .
  z/a   X   X   X   .   .   .   .   .   .
  z/b   X   X   X   .   .   .   .   .   .
  z/c   X   X   X   .   .   .   .   .   .
`);
  });

  test('should allow ingress access from updated namespace (namespace labels drive namespaceSelector)', () => {
    const policy = `${POLICY}
metadata: {name: allow-from-ns2-updated, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns2: updated}}}]
`;
    expectTable(modelEngine(policy), 80, 'TCP', XA_INGRESS_DENIED);
    expectTable(modelEngine(policy, { nsLabels: { y: { ns2: 'updated' } } }), 80, 'TCP', XA_FROM_Y_ONLY);
  });

  test('a policy whose podSelector matches no pod changes nothing', () => {
    const policy = `${POLICY}
metadata: {name: deny-ingress-via-label-selector, namespace: x}
spec:
  podSelector: {matchLabels: {target: isolated}}
  policyTypes: [Ingress]
`;
    expectTable(modelEngine(policy), 80, 'TCP', ALL_ALLOWED);
  });
});
