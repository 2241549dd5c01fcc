import { ClusterBuilder, EXPLORER_SCHEMA, ExplorerData, FlowAnswer, decodeMatrix, decodeRow, encodeRow, explorerDataProblems, side } from '../../src/explorer/model';

const allowedFlow = (port: string): FlowAnswer => ({
  port, allowed: true, egress: side('open'), ingress: { verdict: 'allowed', rules: [{ policy: 'netiso-from-a', index: 0 }], isolatedBy: [] },
});
const deniedFlow = (port: string): FlowAnswer => ({
  port, allowed: false, egress: side('open'), ingress: { verdict: 'denied', rules: [], isolatedBy: ['netiso-isolation'] },
});

function twoProjects(): ClusterBuilder {
  return new ClusterBuilder('c')
    .group({ id: 'a', kind: 'project', namespace: 'a', members: [{ name: 'web', ports: ['TCP 80'] }, { name: 'db', ports: ['TCP 5432'] }], details: [] })
    .group({ id: 'b', kind: 'project', namespace: 'b', members: [{ name: 'web', ports: ['TCP 80'] }], details: [] })
    .group({ id: 'external x', kind: 'external', members: [{ name: 'x', ports: ['TCP 443'] }], details: [] })
    .policy({ id: 'b/netiso-from-a', target: 'any pod in namespace b', ingress: [{ text: 'rule 0: from a' }] })
    .policy({ id: 'b/netiso-isolation', target: 'any pod in namespace b', ingress: [] });
}

function data(builder: ClusterBuilder): ExplorerData {
  return { schema: EXPLORER_SCHEMA, kind: 'explain', title: 't', subtitle: '', clusters: [builder.build()], risks: [] };
}

describe('matrix rows', () => {
  test('run-length encoding round-trips', () => {
    const row = [-1, -1, 3, 3, 3, 0, -1];
    expect(encodeRow(row)).toEqual([-1, 2, 3, 3, 0, 1, -1, 1]);
    expect([...decodeRow(encodeRow(row), row.length)]).toEqual(row);
  });

  test('a row that does not cover the axis is an error', () => {
    expect(() => decodeRow([0, 2], 3)).toThrow('covers 2 groups, expected 3');
  });
});

describe('ClusterBuilder', () => {
  test('identical answers and blocks are stored once', () => {
    const b = twoProjects();
    b.flow({ group: 'a', member: 'web' }, { group: 'b', member: 'web' }, allowedFlow('TCP 80'));
    b.flow({ group: 'a', member: 'db' }, { group: 'b', member: 'web' }, allowedFlow('TCP 80'));
    b.flow({ group: 'external x', member: 'x' }, { group: 'b', member: 'web' }, deniedFlow('TCP 80'));
    const c = b.build();
    expect(c.answers).toHaveLength(2);
    expect(c.blocks.map((x) => x.pairs)).toEqual([[[0], [0]], [[1]]]);
    const m = decodeMatrix(c);
    expect([...m]).toEqual([-1, 0, -1, -1, -1, -1, -1, 1, -1]);
  });

  test('cells given as answer indices must match the members', () => {
    const b = twoProjects();
    const a = b.answer({ flows: [allowedFlow('TCP 80')] });
    expect(() => b.cell('a', 'b', [[a]])).toThrow('cell a -> b needs 2 x 1 answers');
    expect(() => b.cell('a', 'nope', [[a]])).toThrow('no group nope');
    expect(() => b.flow({ group: 'a', member: 'api' }, { group: 'b', member: 'web' }, allowedFlow('TCP 80'))).toThrow('group a has no member api');
  });

  test('duplicate groups and members are refused', () => {
    const b = twoProjects();
    expect(() => b.group({ id: 'a', kind: 'project', members: [], details: [] })).toThrow('group a is declared twice');
    expect(() => b.group({ id: 'z', kind: 'project', members: [{ name: 'w', ports: [] }, { name: 'w', ports: [] }], details: [] })).toThrow('member w twice');
  });
});

describe('explorerDataProblems', () => {
  test('sound data has none', () => {
    const b = twoProjects();
    b.flow({ group: 'a', member: 'web' }, { group: 'b', member: 'web' }, allowedFlow('TCP 80'));
    expect(explorerDataProblems(data(b))).toEqual([]);
  });

  test('a rule of a policy that is not listed is found', () => {
    const b = twoProjects();
    b.flow({ group: 'b', member: 'web' }, { group: 'a', member: 'web' }, allowedFlow('TCP 80'));
    expect(explorerDataProblems(data(b))).toEqual(['cluster c: cell b -> a: ingress names policy a/netiso-from-a, which is not among the policies']);
  });

  test('a policy named on the side of an address is found', () => {
    const b = twoProjects();
    b.flow({ group: 'a', member: 'web' }, { group: 'external x', member: 'x' }, deniedFlow('TCP 443'));
    expect(explorerDataProblems(data(b))).toEqual(['cluster c: cell a -> external x: ingress names policy netiso-isolation, but external x has no namespace']);
  });

  test('a verdict that contradicts its sides is found', () => {
    const b = twoProjects();
    b.flow({ group: 'a', member: 'web' }, { group: 'b', member: 'web' }, { ...deniedFlow('TCP 80'), allowed: true });
    expect(explorerDataProblems(data(b))).toEqual(['cluster c: answer 0 (TCP 80) is allowed with a denying side and gives no reason']);
  });

  test('a broken matrix is found', () => {
    const d = data(twoProjects());
    const broken: ExplorerData = { ...d, schema: 'x' as typeof EXPLORER_SCHEMA, clusters: [{ ...d.clusters[0], matrix: [[5, 1, -1, 2], [-1, 2], [-1, 3]] }] };
    expect(explorerDataProblems(broken)).toEqual([
      'schema is "x", expected netiso-explorer/1',
      'cluster c: cell a -> a: block 5 does not exist, or names an answer that does not',
      'cluster c: row b: matrix row covers 2 groups, expected 3',
    ]);
  });
});
