import { exampleClusters } from '../helpers';
import { parseDocuments } from '../../src/k8s/read';
import { describeSelector } from '../../src/k8s/selector';
import { compileGuardrails, GUARDRAIL_APIS, isGuardrailKind, parseCalicoSelector } from '../../src';
import { Tier, TierRule } from '../../src/analysis/tiers';
import { validRandomClusters } from './random';

/** A rule in short words: `index name action peers @ ports`. */
function rule(r: TierRule): string {
  const peers = r.peers.map((p) => {
    switch (p.kind) {
      case 'pods': return `pods(${'own' in p.namespaces ? `own ${p.namespaces.own}` : describeSelector(p.namespaces)} / ${describeSelector(p.pods)})`;
      case 'ips': return `ips(${p.blocks.map((b) => b.key).join(', ')})`;
      case 'nodes': return `nodes(${describeSelector(p.nodes)})`;
      case 'entity': return p.entity;
      case 'all': return 'everyone';
    }
  });
  const ports = r.ports === 'all' ? 'all' : r.ports.map((s) => (s.name ? `${s.protocol}/${s.name}` : s.port === undefined ? `${s.protocol}/*` : `${s.protocol}/${s.port}${s.endPort !== s.port ? `-${s.endPort}` : ''}`)).join(',');
  return `${r.index}${r.name ? ` ${r.name}` : ''} ${r.action} ${peers.join(' | ')} @ ${ports}`;
}

function summary(tiers: Tier[]): string[] {
  return tiers.flatMap((t) => [
    `tier ${t.name} order ${t.order} end ${t.endAction}`,
    ...t.policies.flatMap((p) => [
      `  ${p.id} priority ${p.priority} subject ${'namespace' in p.subject ? `namespace ${p.subject.namespace}` : describeSelector(p.subject.namespaces)} / ${describeSelector(p.subject.pods)} isolates ${p.isolates.ingress ? 'in' : ''}${p.isolates.egress ? 'out' : ''}`,
      ...(p.ingress ?? []).map((r) => `    ingress ${rule(r)}`),
      ...(p.egress ?? []).map((r) => `    egress ${rule(r)}`),
    ]),
  ]);
}

function compileYaml(text: string) {
  return compileGuardrails(parseDocuments(text, 'test.yaml').map((object, i) => ({ object, source: `test.yaml#${i}` })));
}

// The example manifests of research field-2026-12.md section 3.3, (a) to (e).
describe('the example manifests of the field notes', () => {
  test('(a) a ClusterNetworkPolicy per workspace: Pass what isolation admits, Deny the rest', () => {
    const { tiers, problems } = compileYaml(`
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: netiso-ws-shop}
spec:
  tier: Admin
  priority: 500
  subject:
    namespaces: {matchLabels: {kubesphere.io/workspace: shop}}
  ingress:
  - name: same-workspace
    action: Pass
    from: [{namespaces: {matchLabels: {kubesphere.io/workspace: shop}}}]
  - name: platform
    action: Pass
    from:
    - namespaces:
        matchExpressions:
        - {key: kubernetes.io/metadata.name, operator: In, values: [kube-system, kubesphere-monitoring-system]}
  - name: declared-partner-api
    action: Pass
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: partner-api}}}]
  - name: other-tenants
    action: Deny
    from: [{namespaces: {}}]
`);
    expect(problems).toEqual([]);
    expect(summary(tiers)).toEqual([
      'tier admin order 1000 end pass',
      '  ClusterNetworkPolicy netiso-ws-shop priority 500 subject kubesphere.io/workspace=shop / anything isolates ',
      '    ingress 0 same-workspace pass pods(kubesphere.io/workspace=shop / anything) @ all',
      '    ingress 1 platform pass pods(kubernetes.io/metadata.name in (kube-system, kubesphere-monitoring-system) / anything) @ all',
      '    ingress 2 declared-partner-api pass pods(kubernetes.io/metadata.name=partner-api / anything) @ all',
      '    ingress 3 other-tenants deny pods(anything / anything) @ all',
    ]);
  });

  test('(b) an overridable Baseline default deny, (c) system protection and an explicit deny', () => {
    const { tiers, problems } = compileYaml(`
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: netiso-baseline}
spec:
  tier: Baseline
  priority: 1000
  subject:
    namespaces: {matchLabels: {app.kubernetes.io/managed-by: netiso}}
  ingress:
  - {name: deny-other-namespaces, action: Deny, from: [{namespaces: {}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: netiso-protect-system}
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces:
      matchExpressions:
      - {key: kubernetes.io/metadata.name, operator: In, values: [kube-system, kubesphere-system]}
  ingress:
  - name: dns
    action: Accept
    from: [{namespaces: {}}]
    protocols: [{udp: {destinationPort: {number: 53}}}, {tcp: {destinationPort: {number: 53}}}]
  - name: tenants
    action: Deny
    from: [{namespaces: {matchLabels: {app.kubernetes.io/managed-by: netiso}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: netiso-deny-metadata}
spec:
  tier: Admin
  priority: 20
  subject:
    namespaces: {matchLabels: {app.kubernetes.io/managed-by: netiso}}
  egress:
  - {name: cloud-metadata, action: Deny, to: [{networks: ["169.254.169.254/32"]}]}
`);
    expect(problems).toEqual([]);
    expect(summary(tiers)).toEqual([
      'tier admin order 1000 end pass',
      '  ClusterNetworkPolicy netiso-protect-system priority 10 subject kubernetes.io/metadata.name in (kube-system, kubesphere-system) / anything isolates ',
      '    ingress 0 dns allow pods(anything / anything) @ UDP/53,TCP/53',
      '    ingress 1 tenants deny pods(app.kubernetes.io/managed-by=netiso / anything) @ all',
      '  ClusterNetworkPolicy netiso-deny-metadata priority 20 subject app.kubernetes.io/managed-by=netiso / anything isolates ',
      '    egress 0 cloud-metadata deny ips(169.254.169.254/32) @ all',
      'tier baseline order 2000000 end pass',
      '  ClusterNetworkPolicy netiso-baseline priority 1000 subject app.kubernetes.io/managed-by=netiso / anything isolates ',
      '    ingress 0 deny-other-namespaces deny pods(anything / anything) @ all',
    ]);
  });

  test('(c) for v1alpha1 targets: AdminNetworkPolicy with Allow and ports', () => {
    const { tiers, problems } = compileYaml(`
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: protect-system}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}
  ingress:
  - {name: dns, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {protocol: UDP, port: 53}}, {portRange: {protocol: TCP, start: 8000, end: 8080}}, {namedPort: metrics}]}
  - {name: tenants, action: Deny, from: [{pods: {namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app: a}}}}]}
`);
    expect(problems).toEqual([]);
    expect(summary(tiers).slice(2)).toEqual([
      '    ingress 0 dns allow pods(anything / anything) @ UDP/53,TCP/8000-8080,TCP/metrics,UDP/metrics,SCTP/metrics',
      '    ingress 1 tenants deny pods(team=x / app=a) @ all',
    ]);
  });

  test('(d) Calico: a tier with default action Pass and global policies ending in Pass', () => {
    const { tiers, problems } = compileYaml(`
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: netiso}
spec: {order: 100, defaultAction: Pass}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: netiso.ws-shop}
spec:
  tier: netiso
  order: 100
  namespaceSelector: kubesphere.io/workspace == 'shop'
  types: [Ingress]
  ingress:
  - {action: Pass, source: {namespaceSelector: "kubesphere.io/workspace == 'shop'"}}
  - {action: Pass, source: {namespaceSelector: "kubernetes.io/metadata.name in {'kube-system', 'kubesphere-monitoring-system', 'partner-api'}"}}
  - {action: Deny, source: {namespaceSelector: all()}}
  - {action: Pass}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: netiso.deny-metadata}
spec:
  tier: netiso
  order: 10
  namespaceSelector: has(kubesphere.io/workspace)
  types: [Egress]
  egress:
  - {action: Deny, destination: {nets: [169.254.169.254/32]}}
  - {action: Pass}
`);
    expect(problems).toEqual([]);
    expect(summary(tiers)).toEqual([
      'tier calico:netiso order 100 end pass',
      '  GlobalNetworkPolicy netiso.deny-metadata priority 10 subject label kubesphere.io/workspace set / anything isolates out',
      '    egress 0 deny ips(169.254.169.254/32) @ all',
      '    egress 1 pass everyone @ all',
      '  GlobalNetworkPolicy netiso.ws-shop priority 100 subject kubesphere.io/workspace=shop / anything isolates in',
      '    ingress 0 pass pods(kubesphere.io/workspace=shop / anything) @ all',
      '    ingress 1 pass pods(kubernetes.io/metadata.name in (kube-system, kubesphere-monitoring-system, partner-api) / anything) @ all',
      '    ingress 2 deny pods(anything / anything) @ all',
      '    ingress 3 pass everyone @ all',
    ]);
  });

  test('(e) Cilium: deny rules win over every allow; enableDefaultDeny false keeps the pods out of default deny', () => {
    const { tiers, problems } = compileYaml(`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: netiso-ws-shop}
spec:
  endpointSelector:
    matchLabels: {k8s:io.cilium.k8s.namespace.labels.kubesphere.io/workspace: shop}
  enableDefaultDeny: {ingress: false, egress: false}
  ingressDeny:
  - fromEndpoints:
    - matchExpressions:
      - {key: k8s:io.kubernetes.pod.namespace, operator: Exists}
      - {key: k8s:io.cilium.k8s.namespace.labels.kubesphere.io/workspace, operator: NotIn, values: [shop]}
      - {key: k8s:io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system, kubesphere-monitoring-system, partner-api]}
  egressDeny:
  - toCIDR: [169.254.169.254/32]
`);
    expect(problems).toEqual([]);
    expect(summary(tiers)).toEqual([
      'tier ciliumDeny order 2000 end pass',
      '  CiliumClusterwideNetworkPolicy netiso-ws-shop priority 0 subject kubesphere.io/workspace=shop / anything isolates ',
      '    ingress 0 deny pods(label kubernetes.io/metadata.name set and kubernetes.io/metadata.name not in (kube-system, kubesphere-monitoring-system, partner-api) and kubesphere.io/workspace!=shop / anything) @ all',
      '    egress 0 deny ips(169.254.169.254/32) @ all',
    ]);
  });
});

describe('Cilium allow rules, entities, ports', () => {
  test('allows join the NetworkPolicy tier; a namespaced policy\'s selectors default to its namespace', () => {
    const { tiers, problems } = compileYaml(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {role: lb}}, {matchLabels: {k8s:io.kubernetes.pod.namespace: edge}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}, {port: http}], rules: {http: [{method: GET}]}}]
  - fromEntities: [world, world-ipv4]
  - fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]
  - {}
`);
    expect(problems).toEqual([]);
    expect(summary(tiers)).toEqual([
      'tier networkPolicy order 1000000 end deny',
      '  CiliumNetworkPolicy shop/web priority 0 subject namespace shop / app=web isolates in',
      '    ingress 0 allow pods(own shop / role=lb) | pods(kubernetes.io/metadata.name=edge / anything) @ TCP/8080,TCP/http,UDP/http,SCTP/http',
      '    ingress 1 allow world | world @ all',
      '    ingress 2 allow ips(10.0.0.0/8 except 10.1.0.0/16) @ all',
      '    ingress 3 allow  @ all',
    ]);
  });
});

describe('Calico selectors', () => {
  const dnf = (text: string) => parseCalicoSelector(text, { subject: 'test', field: 'selector' })
    .map((term) => term.map((r) => `${r.key} ${r.operator}${r.values.length ? ` ${r.values.join('|')}` : ''}`).join(' & '));

  test.each([
    ['', ['']],
    ['all()', ['']],
    ["app == 'a'", ['app In a']],
    ["app != 'a'", ['app NotIn a']],
    ["app in {'a', \"b\"} && has(tier)", ['app In a|b & tier Exists']],
    ["app not in {'a'} || !has(tier)", ['app NotIn a', 'tier DoesNotExist']],
    ["!(app == 'a' && tier == 'x')", ['app NotIn a', 'tier NotIn x']],
    ["a == '1' && (b == '2' || c == '3')", ['a In 1 & b In 2', 'a In 1 & c In 3']],
    ["app in {}", []],
    ["!all()", []],
    ["kubernetes.io/metadata.name == 'x'", ['kubernetes.io/metadata.name In x']],
  ])('%s', (text, expected) => {
    expect(dnf(text)).toEqual(expected);
  });

  test.each([
    ["app starts with 'a'", /uses an operator netiso cannot analyse/],
    ['global()', /global\(\) selects network sets/],
    ["(app == 'a'", /expected "\)", got "the end"/],
    ['app == a', /expected a quoted value, got "a"/],
    ["app == 'a' ?", /cannot read "\?"/],
  ])('%s is reported', (text, message) => {
    expect(() => dnf(text)).toThrow(message);
  });
});

describe('problems', () => {
  test('every object that cannot be compiled is reported with object, field, value and fix; the others compile', () => {
    const { tiers, problems } = compileYaml(`
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: bad-priority}
spec: {tier: Admin, priority: 5000, subject: {namespaces: {}}}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: domains}
spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, egress: [{action: Accept, to: [{domainNames: [example.com]}]}]}
---
apiVersion: policy.networking.k8s.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: future}
spec: {}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: partners}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: antrea}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: orphan}
spec: {tier: missing, selector: all()}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: or-subject}
spec: {selector: "a == 'x' || b == 'y'"}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: fqdn}
spec: {endpointSelector: {}, egress: [{toFQDNs: [{matchName: example.com}]}]}
---
kind: List
items:
- apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata: {name: fine}
  spec: {priority: 3, subject: {namespaces: {}}, ingress: [{action: Pass, from: [{namespaces: {}}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: left-to-the-engine}
`);
    expect(problems).toEqual([
      'test.yaml#0: ClusterNetworkPolicy bad-priority: spec.priority: 5000 is not a priority; use a whole number from 0 to 1000',
      "test.yaml#1: ClusterNetworkPolicy domains: spec.egress[0].to[0].domainNames: is not supported by netiso's analysis of an egress peer (it understands namespaces, pods, networks, nodes); the policy cannot be analysed exactly, so it is reported instead of ignored",
      'test.yaml#2: policy.networking.k8s.io/v1beta1 ClusterNetworkPolicy future: this version or kind of the network-policy-api is not supported; netiso reads ClusterNetworkPolicy v1alpha2 and AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1; the analysis would not be exact, so it is reported instead of ignored',
      'test.yaml#3: projectcalico.org/v3 GlobalNetworkSet partners: selectors of Calico policies can match it, which netiso does not model; the analysis would not be exact, so it is reported instead of ignored',
      'test.yaml#4: crd.antrea.io/v1beta1 ClusterNetworkPolicy antrea: Antrea-native policies are not analysed by netiso; the analysis would not be exact, so it is reported instead of ignored',
      "test.yaml#6: GlobalNetworkPolicy or-subject: spec.selector: uses || (or a negated &&), which a policy subject cannot be analysed with; split the policy",
      "test.yaml#7: CiliumClusterwideNetworkPolicy fqdn: spec.egress[0].toFQDNs: is not supported by netiso's analysis of a Cilium egress rule (it understands toEndpoints, toCIDR, toCIDRSet, toEntities, toNodes, toPorts, icmps, authentication); the policy cannot be analysed exactly, so it is reported instead of ignored",
      'GlobalNetworkPolicy orphan: spec.tier: tier "missing" has no Tier object in the input; include the Tier (its order and default action decide the verdicts)',
    ]);
    expect(summary(tiers)).toEqual([
      'tier admin order 1000 end pass',
      '  AdminNetworkPolicy fine priority 3 subject anything / anything isolates ',
      '    ingress 0 pass pods(anything / anything) @ all',
    ]);
    expect(isGuardrailKind({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' })).toBe(false);
    expect(isGuardrailKind({ apiVersion: 'cilium.io/v2', kind: 'CiliumNode' })).toBe(false);
  });
});

describe('round trip: what netiso emits compiles, with its rule names', () => {
  const examples = exampleClusters().clusters.filter((c) => c.clusterProps.guardrails);
  test.each([...examples, ...GUARDRAIL_APIS.flatMap((api) => validRandomClusters([1, 4], api))].map((c) => [c.name, c] as const))('%s', (_name, cluster) => {
    const { tiers, problems } = compileGuardrails(cluster.clusterManifests().map((object) => ({ object })));
    expect(problems).toEqual([]);
    expect(tiers.flatMap((t) => t.policies).length).toBeGreaterThan(0);
    if (cluster.clusterProps.guardrails!.api !== 'cilium') {
      const names = tiers.flatMap((t) => t.policies.flatMap((p) => [...(p.ingress ?? []), ...(p.egress ?? [])].map((r) => r.name)));
      expect(names).toContain('other-namespaces');
      expect(names.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
    }
  });
});
