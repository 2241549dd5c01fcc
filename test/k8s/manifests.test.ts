import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ManifestReadError, fieldLine, formatProblem, readManifestFiles, readManifestObjects, readManifestTexts } from '../../src/k8s/manifests';

const texts = (files: Record<string, string>, options = {}) => readManifestTexts(new Map(Object.entries(files)), options);
const problems = (m: { problems: readonly { file: string; line?: number; message: string }[] }) => m.problems.map((p) => formatProblem({ ...p, affectsPolicies: false }));

const NP = (name: string, ns?: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
  podSelector: {}
`;

describe('namespaces of namespaced objects', () => {
  test('metadata.namespace, else the nearest kustomization that sets one, else defaultNamespace; never the folder name', () => {
    const m = texts(
      {
        'apps/kustomization.yaml': 'namespace: apps\nresources: [web]\n',
        'apps/web/np.yaml': NP('web'),
        'apps/web/explicit.yaml': NP('explicit', 'other'),
        'apps/db/kustomization.yml': 'resources: [np.yaml]\n',
        'apps/db/np.yaml': NP('db'),
        'apps/cache/Kustomization': 'namespace: cache\n',
        'apps/cache/deep/np.yaml': NP('cache'),
        'team-a/np.yaml': NP('loose'),
      },
      { defaultNamespace: 'fallback' },
    );
    expect(m.networkPolicies.map((p) => `${p.namespace}/${p.name}`)).toEqual(['apps/db', 'apps/web', 'cache/cache', 'fallback/loose', 'other/explicit']);
    expect(m.networkPolicies.find((p) => p.name === 'web')!.object.metadata).toEqual({ name: 'web', namespace: 'apps' });
    expect(m.problems).toEqual([]);
  });

  test('the default namespace is "default"; Namespaces and cluster-scoped guardrails have none', () => {
    const m = texts({
      'a.yaml': `${NP('p')}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: guard}\nspec: {}\n`,
    });
    expect(m.networkPolicies.map((p) => p.namespace)).toEqual(['default']);
    expect(m.namespaces.map((n) => n.name)).toEqual(['shop']);
    expect(m.guardrails[0]).toEqual(expect.not.objectContaining({ namespace: expect.anything() }));
  });

  test('a kustomization that cannot be read is a problem that affects policies', () => {
    const m = texts({ 'k/kustomization.yaml': 'namespace: [x\n', 'k/np.yaml': NP('p') });
    expect(m.networkPolicies.map((p) => p.namespace)).toEqual(['default']);
    expect(m.problems).toEqual([expect.objectContaining({ file: 'k/kustomization.yaml', line: 1, affectsPolicies: true })]);
    expect(m.policiesIncomplete).toBe(true);
  });
});

describe('lists', () => {
  test('every *List is flattened; items without kind and apiVersion take them from the list', () => {
    const m = texts({
      'lists.yaml': `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: a}}
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicyList
  items:
  - {metadata: {name: nested, namespace: a}, spec: {podSelector: {}}}
---
apiVersion: v1
kind: NamespaceList
items:
- metadata: {name: b, labels: {team: blue}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicyList
items:
- metadata: {name: p, namespace: b}
  spec: {podSelector: {}}
---
apiVersion: v1
kind: PodList
items:
- metadata: {name: pod, namespace: b}
  spec: {containers: [{name: c}]}
---
apiVersion: apps/v1
kind: DeploymentList
items:
- metadata: {name: web, namespace: b}
  spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}}
`,
    });
    expect(m.problems).toEqual([]);
    expect(m.namespaces).toEqual([
      { name: 'a', labels: {}, source: { file: 'lists.yaml', line: 4 } },
      { name: 'b', labels: { team: 'blue' }, source: { file: 'lists.yaml', line: 13 } },
    ]);
    expect(m.networkPolicies.map((p) => [`${p.namespace}/${p.name}`, p.object.kind, p.object.apiVersion, p.source.line])).toEqual([
      ['a/nested', 'NetworkPolicy', 'networking.k8s.io/v1', 8],
      ['b/p', 'NetworkPolicy', 'networking.k8s.io/v1', 18],
    ]);
    expect(m.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`)).toEqual(['Pod b/pod', 'Deployment b/web']);
  });

  test('a List item without kind is a problem: it could be a policy', () => {
    const m = texts({ 'l.yaml': 'apiVersion: v1\nkind: List\nitems:\n- metadata: {name: x}\n' });
    expect(problems(m)).toEqual(['l.yaml:4: object without kind: kind: must be a string such as "Deployment", got nothing']);
    expect(m.policiesIncomplete).toBe(true);
  });
});

describe('kinds', () => {
  test('guardrail kinds are kept raw with apiVersion, namespace (when namespaced) and source; a Calico NetworkPolicy is not a Kubernetes one', () => {
    const m = texts({
      'g.yaml': [
        'apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: cnp}\n',
        'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: anp}\n',
        'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\n',
        'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: gnp}\n',
        'apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\nmetadata: {name: cnp, namespace: shop}\n',
        'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\n',
        'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: cil}\n',
        'apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: ccnp}\n',
      ].join('---\n'),
    });
    expect(m.problems).toEqual([]);
    expect(m.networkPolicies).toEqual([]);
    expect(m.guardrails.map((g) => [g.kind, g.apiVersion, g.namespace, g.name, g.source.line])).toEqual([
      ['AdminNetworkPolicy', 'policy.networking.k8s.io/v1alpha1', undefined, 'anp', 5],
      ['BaselineAdminNetworkPolicy', 'policy.networking.k8s.io/v1alpha1', undefined, 'default', 9],
      ['CiliumClusterwideNetworkPolicy', 'cilium.io/v2', undefined, 'ccnp', 29],
      ['CiliumNetworkPolicy', 'cilium.io/v2', 'default', 'cil', 25],
      ['ClusterNetworkPolicy', 'policy.networking.k8s.io/v1alpha2', undefined, 'cnp', 1],
      ['GlobalNetworkPolicy', 'projectcalico.org/v3', undefined, 'gnp', 13],
      ['NetworkPolicy', 'crd.projectcalico.org/v1', 'shop', 'cnp', 17],
      ['Tier', 'projectcalico.org/v3', undefined, 'security', 21],
    ]);
    expect((m.guardrails.find((g) => g.kind === 'CiliumNetworkPolicy')!.object.metadata as { namespace: string }).namespace).toBe('default');
  });

  test('a policy kind of an API netiso does not evaluate is a problem, not an ignored kind: its rules would be missing', () => {
    const m = texts({ 'a.yaml': 'apiVersion: crd.antrea.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: deny}\n---\napiVersion: crd.antrea.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: np}\n' });
    expect(problems(m)).toEqual([
      'a.yaml:1: ClusterNetworkPolicy deny: apiVersion: netiso does not evaluate "crd.antrea.io/v1beta1" policies, so what this one allows or denies is missing from any analysis; express it as a networking.k8s.io/v1 NetworkPolicy or a guardrail API netiso reads',
      'a.yaml:5: NetworkPolicy np: apiVersion: netiso does not evaluate "crd.antrea.io/v1beta1" policies, so what this one allows or denies is missing from any analysis; express it as a networking.k8s.io/v1 NetworkPolicy or a guardrail API netiso reads',
    ]);
    expect(m.policiesIncomplete).toBe(true);
    expect(m.ignored.size).toBe(0);
  });

  test('a List with `items: null` is empty, as kubectl decodes it', () => {
    expect(texts({ 'l.yaml': 'apiVersion: v1\nkind: List\nitems: null\n' }).problems).toEqual([]);
  });

  test('other kinds, and known kinds of other API groups, are counted, not listed', () => {
    const m = texts({
      'o.yaml': [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
        'apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {name: r}\n',
        'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n',
      ].join('---\n'),
    });
    expect([...m.ignored]).toEqual([
      ['ConfigMap', 2],
      ['Ingress (extensions/v1beta1)', 1],
      ['Route (serving.knative.dev/v1)', 1],
    ]);
    expect(m.problems).toEqual([]);
  });

  test('Services, Ingresses and Routes as typed records', () => {
    const m = texts({
      's.yaml': `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {port: 443}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: web, port: {number: 80}}}
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: /s, pathType: Prefix, backend: {resource: {apiGroup: x, kind: Bucket, name: b}}}
---
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: web, namespace: shop}
spec:
  to: {kind: Service, name: web}
  alternateBackends: [{kind: Service, name: web-canary}, {kind: Other, name: x}]
  port: {targetPort: http}
`,
    });
    expect(m.problems).toEqual([]);
    expect(m.services).toEqual([
      {
        namespace: 'shop',
        name: 'web',
        type: 'ClusterIP',
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
          { port: 443, targetPort: 443, protocol: 'TCP' },
        ],
        source: { file: 's.yaml', line: 1 },
      },
    ]);
    expect(m.ingresses).toEqual([
      {
        namespace: 'shop',
        name: 'web',
        className: 'nginx',
        backends: [
          { service: 'web', port: 80 },
          { service: 'web', port: 'http' },
        ],
        resourceBackends: 1,
        source: { file: 's.yaml', line: 10 },
      },
    ]);
    expect(m.routes).toEqual([
      {
        namespace: 'shop',
        name: 'web',
        backends: [
          { service: 'web', port: 'http' },
          { service: 'web-canary', port: 'http' },
        ],
        otherTargets: 1,
        source: { file: 's.yaml', line: 22 },
      },
    ]);
  });
});

describe('problems', () => {
  test('each problem names file, line, object, field, bad value and fix; the rest is read', () => {
    const m = texts({
      'bad.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    enabled: yes
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports:
  - {port: 0}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: shop}
spec: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ok, namespace: shop}
spec: {podSelector: {}}
`,
      'broken.yaml': 'kind: NetworkPolicy\nmetadata: {name: [x\n',
    });
    expect(problems(m)).toEqual([
      'bad.yaml:6: Namespace shop: metadata.labels.enabled: must be a string, got true; quote it, e.g. "true"',
      'bad.yaml:13: Service shop/web: spec.ports[0].port: must be a port number between 1 and 65535, got 0',
      'bad.yaml:17: NetworkPolicy shop/(without metadata.name): metadata.name: is required, got nothing',
      expect.stringMatching(/^broken\.yaml:2: cannot read this document, so it is skipped: /),
    ]);
    expect(m.problems.map((p) => p.affectsPolicies)).toEqual([true, false, true, true]);
    expect(m.policiesIncomplete).toBe(true);
    expect(m.networkPolicies.map((p) => p.name)).toEqual(['ok']);
    expect(m.namespaces).toEqual([]);
  });

  test('a problem of a workload or Service alone leaves the policies complete', () => {
    const m = texts({ 'w.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n' });
    expect(problems(m)).toEqual(["w.yaml:4: Deployment default/d: spec.template: is required: the pod template gives the workload's labels and ports"]);
    expect(m.policiesIncomplete).toBe(false);
  });

  test('strict mode throws every problem at once', () => {
    const files = { 'a.yaml': 'kind: Namespace\nmetadata: {}\n', 'b.yaml': 'a:\tb\n' };
    expect(() => texts(files, { strict: true })).toThrow(ManifestReadError);
    expect(() => texts(files, { strict: true })).toThrow(/^a\.yaml:2: Namespace \(without metadata\.name\): metadata\.name: is required, got nothing\nb\.yaml:1: cannot read this document/);
  });

  test('an object declared twice: the later one is used and the earlier one named', () => {
    const m = texts({ 'a.yaml': NP('p', 'x'), 'b.yaml': NP('p', 'x').replace('{}', '{matchLabels: {app: b}}') });
    expect(problems(m)).toEqual(['b.yaml:1: NetworkPolicy x/p: metadata.name: is declared twice (also at a.yaml:1); this later one is used, remove or rename the other']);
    expect(m.networkPolicies.map((p) => p.source.file)).toEqual(['b.yaml']);
  });

  test('fieldLine finds a field of a policy the reader gave its namespace', () => {
    const m = texts({ 'np.yaml': `${NP('p')}  ingress:\n  - ports:\n    - port: 0\n` });
    expect(fieldLine(m.networkPolicies[0].object, 'spec.ingress[0].ports[0].port')).toBe(9);
    expect(fieldLine(m.networkPolicies[0].object, 'metadata.name')).toBe(4);
  });
});

describe('inputs', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-reader-'));
    fs.mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a/kustomization.yaml'), 'namespace: team\n');
    fs.writeFileSync(path.join(dir, 'a/b/np.yml'), NP('p'));
    fs.writeFileSync(path.join(dir, 'a/ns.json'), '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}');
    fs.writeFileSync(path.join(dir, 'a/notes.txt'), 'kind: NetworkPolicy\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('directories are read recursively (.yaml, .yml, .json), kustomizations give namespaces and are not objects', () => {
    const m = readManifestFiles([dir]);
    expect(m.problems).toEqual([]);
    expect(m.networkPolicies.map((p) => [`${p.namespace}/${p.name}`, path.relative(dir, p.source.file), p.source.line])).toEqual([['team/p', 'a/b/np.yml', 1]]);
    expect(m.namespaces.map((n) => n.name)).toEqual(['team']);
    expect(m.ignored.size).toBe(0);
  });

  test('a file given directly is read whatever its name; a missing path is an error', () => {
    expect(readManifestFiles([path.join(dir, 'a/b/np.yml')]).networkPolicies.map((p) => p.namespace)).toEqual(['default']);
    expect(() => readManifestFiles([path.join(dir, 'nope')])).toThrow(/nope does not exist/);
  });

  test('already parsed objects: sources are manifests[<index>], list items manifests[<index>].items[<i>]', () => {
    const m = readManifestObjects([
      null,
      { kind: 'List', items: [{ kind: 'Namespace', metadata: { name: 'a', labels: { x: 1 } } }] },
    ]);
    expect(problems(m)).toEqual(['manifests[1].items[0]: Namespace a: metadata.labels.x: must be a string, got 1; quote it, e.g. "1"']);
  });

  test('the model does not depend on the order of its inputs', () => {
    const files = { 'a.yaml': NP('a', 'y'), 'b.yaml': NP('b', 'x'), 'c.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: z}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' };
    const forward = texts(files);
    const backward = readManifestTexts(new Map(Object.entries(files).reverse()));
    expect(backward).toEqual(forward);
    expect(forward.namespaces.map((n) => n.name)).toEqual(['a', 'z']);
  });
});
