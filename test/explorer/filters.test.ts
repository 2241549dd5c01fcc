import { ClusterBuilder, FlowAnswer, connsOfText, side } from '../../src/explorer/model';
import { ClusterIndex } from '../../src/explorer/page/cluster-index';
import { NO_FILTERS, axisLines, flowPredicate, parsePortQuery, portMatches, visibleGroups } from '../../src/explorer/page/filters';
import { cellRgb, countsText, levelOf } from '../../src/explorer/page/words';

const flow = (port: string, allowed: boolean, change?: 'allowed' | 'denied'): FlowAnswer => ({
  port, allowed, egress: side('open'), ingress: allowed ? side('open') : { verdict: 'denied', rules: [], isolatedBy: [] }, ...(change ? { change } : {}),
});

/** web (workspace shop), db (shop), partner (other), an external address; web reaches db on 5432 and partner on 80 and 443 partly. */
function index(): ClusterIndex {
  const b = new ClusterBuilder('c');
  b.group({ id: 'web', kind: 'project', namespace: 'web', workspace: 'shop', members: [{ name: 'frontend', ports: [] }, { name: 'worker', ports: [] }], details: [] });
  b.group({ id: 'db', kind: 'project', namespace: 'db', workspace: 'shop', members: [{ name: 'redis', ports: ['TCP 6379'] }], details: [] });
  b.group({ id: 'partner', kind: 'project', namespace: 'partner', workspace: 'other', members: [{ name: 'api', ports: ['TCP 80', 'TCP 443'] }], details: [] });
  b.group({ id: 'external x', kind: 'external', members: [{ name: 'x', ports: ['TCP 443'] }], details: [] });
  b.finding({ rule: 'dns', subject: 'partner/api', message: 'no DNS', groups: ['partner'] });
  b.flow({ group: 'web', member: 'frontend' }, { group: 'db', member: 'redis' }, flow('TCP 6379', true, 'allowed'));
  b.flow({ group: 'web', member: 'worker' }, { group: 'db', member: 'redis' }, flow('TCP 6379', false));
  b.flow({ group: 'web', member: 'frontend' }, { group: 'partner', member: 'api' }, flow('TCP 80', true));
  b.flow({ group: 'web', member: 'frontend' }, { group: 'partner', member: 'api' }, flow('TCP 443', false, 'denied'));
  b.flow({ group: 'external x', member: 'x' }, { group: 'partner', member: 'api' }, flow('TCP 80', false));
  return new ClusterIndex(b.build());
}

const ids = (ix: ClusterIndex, groups: number[]) => groups.map((g) => ix.groups[g].id);

describe('port filter', () => {
  test.each([
    ['443', 'TCP 443', true], ['443', 'UDP 443', true], ['tcp 443', 'UDP 443', false], ['udp', 'UDP 53', true],
    ['8050', 'TCP 8000-8100', true], ['80', 'TCP 8000-8100', false], ['443', 'TCP 80,443,UDP 53', true], ['udp 443', 'TCP 80,443,UDP 53', false],
    ['53', 'TCP 80,443,UDP 53', true], ['80', 'All Connections', true], ['sctp', 'All Connections', true], ['80', 'No Connections', false],
    ['tcp/80', 'all but TCP 80', false], ['udp 80', 'all but TCP 80', true], ['tcp', 'all but TCP 80', true],
    ['tcp', 'all but TCP 1-65535', false], ['udp', 'all but TCP 1-65535', true], ['80', 'other TCP ports', false],
    ['443', 'TCP 80, 443', true], ['udp 53', 'any UDP port', true], ['80', 'all ports', true],
    ['tcp', 'TCP port "redis"', true], ['6379', 'TCP port "redis"', false], ['udp', 'TCP port "redis"', false],
  ])('%s against %s: %s', (query, text, expected) => {
    expect(portMatches(parsePortQuery(query)!, text)).toBe(expected);
  });

  test('port texts are read as connection sets', () => {
    expect(connsOfText('TCP 80,8000-8100,UDP 53')).toEqual({ negated: false, ranges: { TCP: [[80, 80], [8000, 8100]], UDP: [[53, 53]] } });
    expect(connsOfText('all but SCTP 1-65535')).toEqual({ negated: true, ranges: { SCTP: [[1, 65535]] } });
    expect(connsOfText('80')).toBeUndefined();
    expect(connsOfText('TCP port "redis"')).toBeUndefined();
  });

  test('an unreadable query matches nothing rather than everything', () => {
    expect(parsePortQuery('http')).toBeUndefined();
    expect(parsePortQuery('70000')).toBeUndefined();
    expect(flowPredicate({ ...NO_FILTERS, port: 'http' })).toBeUndefined();
  });

  test('counts follow the port filter', () => {
    const ix = index();
    const cell = () => ix.counts({ group: 0, member: -1 }, { group: 2, member: -1 });
    expect(cell()).toEqual({ allowed: 1, total: 2, plus: 0, minus: 1 });
    ix.count(flowPredicate({ ...NO_FILTERS, port: '443' })!);
    expect(cell()).toEqual({ allowed: 0, total: 1, plus: 0, minus: 1 });
  });
});

describe('visible groups', () => {
  test('search matches group, workspace and member names, on the chosen axes', () => {
    const ix = index();
    expect(ids(ix, visibleGroups(ix, { ...NO_FILTERS, search: 'REDIS' }).rows)).toEqual(['db']);
    expect(ids(ix, visibleGroups(ix, { ...NO_FILTERS, search: 'shop' }).cols)).toEqual(['web', 'db']);
    const onlyRows = visibleGroups(ix, { ...NO_FILTERS, search: 'web', matchIn: 'rows' });
    expect([ids(ix, onlyRows.rows), onlyRows.cols.length]).toEqual([['web'], 4]);
  });

  test('cell filters keep only groups with a passing cell', () => {
    const ix = index();
    const cross = visibleGroups(ix, { ...NO_FILTERS, crossWorkspace: true });
    expect([ids(ix, cross.rows), ids(ix, cross.cols)]).toEqual([['web'], ['partner']]);
    const external = visibleGroups(ix, { ...NO_FILTERS, external: true });
    expect([ids(ix, external.rows), ids(ix, external.cols)]).toEqual([['external x'], ['partner']]);
    expect(ids(ix, visibleGroups(ix, { ...NO_FILTERS, changed: true }).cols)).toEqual(['db', 'partner']);
    expect(ids(ix, visibleGroups(ix, { ...NO_FILTERS, lint: true }).rows)).toEqual(['partner']);
    expect(ids(ix, visibleGroups(ix, { ...NO_FILTERS, workspace: 'other' }).rows)).toEqual(['partner']);
  });

  test('an expanded group is followed by its members', () => {
    const ix = index();
    expect(axisLines([0, 1], new Set([0]), ix)).toEqual([{ group: 0, member: -1 }, { group: 0, member: 0 }, { group: 0, member: 1 }, { group: 1, member: -1 }]);
    expect(ix.counts({ group: 0, member: 1 }, { group: 1, member: -1 })).toEqual({ allowed: 0, total: 1, plus: 0, minus: 0 });
    expect(ix.counts({ group: 0, member: -1 }, { group: 1, member: 0 })).toEqual({ allowed: 1, total: 2, plus: 1, minus: 0 });
  });
});

describe('cell words and colours', () => {
  test('symbols say what colours say', () => {
    expect(countsText({ allowed: 1, total: 2, plus: 1, minus: 0 })).toBe('◣ 1 of 2 flows allowed; + 1 newly allowed');
    expect(countsText({ allowed: 3, total: 3, plus: 0, minus: 0 })).toBe('■ 3 of 3 flows allowed');
    expect(countsText({ allowed: 0, total: 1, plus: 0, minus: 1 })).toBe('□ 0 of 1 flow allowed; − 1 newly denied');
    expect(levelOf({ allowed: 0, total: 0, plus: 0, minus: 0 })).toBe('empty');
  });

  test('more allowed is darker; a diff colours changes', () => {
    const light = cellRgb({ allowed: 1, total: 4, plus: 0, minus: 0 }, false);
    const dark = cellRgb({ allowed: 4, total: 4, plus: 0, minus: 0 }, false);
    expect(light.reduce((a, b) => a + b)).toBeGreaterThan(dark.reduce((a, b) => a + b));
    expect(cellRgb({ allowed: 1, total: 1, plus: 1, minus: 0 }, true)).not.toEqual(cellRgb({ allowed: 0, total: 1, plus: 0, minus: 1 }, true));
  });
});
