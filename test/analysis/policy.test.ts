import { Engine, ManifestError, compilePolicy } from '../../src/analysis';

const np = (spec: unknown, name = 'p', namespace: string | null = 'demo') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec,
});

describe('policy compilation', () => {
  // Kubernetes SetDefaults_NetworkPolicy (pkg/apis/networking/v1/defaults.go): when policyTypes is
  // empty or absent it becomes [Ingress], plus Egress when len(spec.egress) != 0.
  describe('SetDefaults_NetworkPolicy', () => {
    test('policyTypes absent, no egress: Ingress only', () => {
      const p = compilePolicy(np({ podSelector: {} }));
      expect(p.ingress).toEqual([]);
      expect(p.egress).toBeUndefined();
    });

    test('policyTypes absent, `egress: []`: Ingress only (an empty egress list does not add Egress)', () => {
      const p = compilePolicy(np({ podSelector: {}, egress: [] }));
      expect(p.ingress).toEqual([]);
      expect(p.egress).toBeUndefined();
    });

    test('policyTypes absent, at least one egress rule: Ingress and Egress', () => {
      const p = compilePolicy(np({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }));
      expect(p.ingress).toEqual([]);
      expect(p.egress).toHaveLength(1);
    });

    test('`policyTypes: []` is defaulted like an absent list: it isolates ingress', () => {
      const p = compilePolicy(np({ podSelector: {}, policyTypes: [] }));
      expect(p.ingress).toEqual([]);
      expect(p.egress).toBeUndefined();
      const withEgress = compilePolicy(np({ podSelector: {}, policyTypes: [], egress: [{}] }));
      expect(withEgress.egress).toHaveLength(1);
    });

    test('`policyTypes: []` with ingress rules keeps them', () => {
      expect(compilePolicy(np({ podSelector: {}, policyTypes: [], ingress: [{}] })).ingress).toHaveLength(1);
    });

    test('a non-empty policyTypes is kept as written', () => {
      const p = compilePolicy(np({ podSelector: {}, policyTypes: ['Egress'], egress: [] }));
      expect(p.ingress).toBeUndefined();
      expect(p.egress).toEqual([]);
    });

    test('the verdicts follow: `egress: []` alone leaves egress open', () => {
      const e = Engine.fromManifests([np({ podSelector: {}, egress: [] })], { workloads: [{ namespace: 'demo', name: 'a', labels: {} }, { namespace: 'demo', name: 'b', labels: {} }] });
      expect(e.isolation('demo/a')).toEqual({ ingress: ['demo/p'], egress: [] });
    });
  });

  test('explicit policyTypes win, and ignored rules produce a warning', () => {
    const p = compilePolicy(np({ podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }));
    expect(p.ingress).toBeUndefined();
    expect(p.egress).toEqual([]);
    expect(p.warnings).toEqual(['spec.ingress is ignored because policyTypes does not list Ingress']);
  });

  test('`ingress: [{}]` is one rule allowing everyone on every port', () => {
    const [rule] = compilePolicy(np({ podSelector: {}, ingress: [{}] })).ingress!;
    expect(rule.peers.all).toBe(true);
    expect(rule.ports.all).toBe(true);
  });

  test('missing namespace means default; missing podSelector means all pods', () => {
    const p = compilePolicy(np({}, 'p', null));
    expect(p.id).toBe('default/p');
    expect(p.target.matchesAll).toBe(true);
  });

  test.each([
    [np({ podSelector: {}, policyTypes: ['ingress'] }), 'NetworkPolicy demo/p: spec.policyTypes[0]: must be Ingress or Egress, got "ingress"'],
    [np({ podSelector: {}, ingress: {} }), 'NetworkPolicy demo/p: spec.ingress: must be a list'],
    [np({ podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { a: 1 } } }] }] }), 'NetworkPolicy demo/p: spec.ingress[0].from[0].podSelector.matchLabels.a: must be a string'],
    [np({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: 'nope' } }] }] }), 'NetworkPolicy demo/p: spec.egress[0].to[0].ipBlock.cidr: "nope" is not a valid CIDR'],
    [np({ podSelector: {}, egress: [{ ports: [{ port: 80, endPort: 10 }] }] }), 'NetworkPolicy demo/p: spec.egress[0].ports[0].endPort: must not be below port (10 < 80)'],
    [np(undefined), 'NetworkPolicy demo/p: spec: is required'],
    [np({ podSelector: {}, policyTypes: 'Ingress' }), 'NetworkPolicy demo/p: spec.policyTypes: must be a list'],
    [np({ podSelector: {}, egress: {} }), 'NetworkPolicy demo/p: spec.egress: must be a list'],
    [{ ...np({}), apiVersion: 'extensions/v1beta1' }, 'NetworkPolicy demo/p: apiVersion: must be networking.k8s.io/v1, got "extensions/v1beta1"'],
    [{ kind: 'NetworkPolicy', metadata: { namespace: 'demo' }, spec: {} }, 'NetworkPolicy in namespace demo: metadata.name: is required'],
  ])('rejects malformed policy %#', (manifest, message) => {
    expect(() => compilePolicy(manifest)).toThrow(ManifestError);
    expect(() => compilePolicy(manifest)).toThrow(message);
  });

  test('a policy declared twice is an error', () => {
    expect(() => Engine.fromManifests([np({}), np({})])).toThrow('NetworkPolicy demo/p: metadata.name: is declared twice');
  });
});
