import { ManifestError, compileSelector, describeSelector } from '../../src/analysis';

const ctx = { subject: 'NetworkPolicy x/p', field: 'spec.podSelector' };
const sel = (raw: unknown) => compileSelector(raw, ctx);

describe('label selectors', () => {
  test('{} matches everything, including no labels', () => {
    expect(sel({}).matchesAll).toBe(true);
    expect(sel({}).matches({})).toBe(true);
    expect(sel({ matchLabels: {} }).matches({ a: '1' })).toBe(true);
  });

  test('matchLabels requires every pair', () => {
    const s = sel({ matchLabels: { app: 'web', tier: 'fe' } });
    expect(s.matches({ app: 'web', tier: 'fe', extra: 'x' })).toBe(true);
    expect(s.matches({ app: 'web' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'be' })).toBe(false);
  });

  test('In needs the key with one of the values', () => {
    const s = sel({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }] });
    expect(s.matches({ env: 'prod' })).toBe(true);
    expect(s.matches({ env: 'dev' })).toBe(false);
    expect(s.matches({})).toBe(false);
  });

  test('NotIn is satisfied by a missing key', () => {
    const s = sel({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
    expect(s.matches({})).toBe(true);
    expect(s.matches({ env: 'dev' })).toBe(true);
    expect(s.matches({ env: 'prod' })).toBe(false);
  });

  test('Exists and DoesNotExist look at the key only', () => {
    const exists = sel({ matchExpressions: [{ key: 'env', operator: 'Exists' }] });
    const absent = sel({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] });
    expect(exists.matches({ env: '' })).toBe(true);
    expect(exists.matches({})).toBe(false);
    expect(absent.matches({})).toBe(true);
    expect(absent.matches({ env: 'x' })).toBe(false);
  });

  test('labels and expressions are ANDed', () => {
    const s = sel({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
    expect(s.matches({ app: 'web', env: 'dev' })).toBe(true);
    expect(s.matches({ app: 'web', env: 'prod' })).toBe(false);
    expect(s.matches({ app: 'db' })).toBe(false);
  });

  test('inherited object properties are not labels', () => {
    expect(sel({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }).matches({})).toBe(false);
  });

  test('equivalent selectors share a key regardless of order', () => {
    const a = sel({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['y', 'x'] }] });
    const b = sel({ matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }], matchLabels: { a: '1', b: '2' } });
    expect(a.key).toBe(b.key);
  });

  test('describes terms in plain words', () => {
    expect(describeSelector(sel({ matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }, { key: 'x', operator: 'DoesNotExist' }] }))).toBe(
      'app=nginx and tier in (api, web) and label x unset',
    );
    expect(describeSelector(sel({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'y', operator: 'Exists' }] }))).toBe('env!=prod and label y set');
  });

  test.each([
    [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['1'] }] }, 'spec.podSelector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist, got "Equals"'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, 'spec.podSelector.matchExpressions[0].values: must be non-empty for operator In'],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['1'] }] }, 'spec.podSelector.matchExpressions[0].values: must be empty for operator Exists'],
    [{ matchLabels: { a: 1 } }, 'spec.podSelector.matchLabels.a: must be a string'],
    ['app=web', 'spec.podSelector: must be a label selector object'],
  ])('rejects %j', (raw, message) => {
    expect(() => sel(raw)).toThrow(ManifestError);
    expect(() => sel(raw)).toThrow(`NetworkPolicy x/p: ${message}`);
  });
});
