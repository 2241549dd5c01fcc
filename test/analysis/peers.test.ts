import { cidrContains, compilePeers, describePeers, parseCidr, parseIp, peerListMatches, PeerSubject } from '../../src/analysis';

const ctx = { subject: 'NetworkPolicy demo/p', field: 'spec.ingress[0].from' };
const peers = (raw: unknown) => compilePeers(raw, 'demo', ctx);
const pod = (namespace: string, labels: Record<string, string>, ip?: string): PeerSubject => ({
  kind: 'pod',
  namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace, team: namespace === 'demo' ? 'a' : 'b' },
  labels,
  ...(ip ? { ip: parseIp(ip) } : {}),
});
const ip = (text: string): PeerSubject => ({ kind: 'ip', ip: parseIp(text)! });

describe('IP and CIDR maths', () => {
  test('IPv4 containment, /0 and /32', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseIp('10.255.1.1')!)).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseIp('11.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('203.0.113.9')!)).toBe(true);
    expect(cidrContains(parseCidr('192.168.1.1/32')!, parseIp('192.168.1.1')!)).toBe(true);
    expect(cidrContains(parseCidr('192.168.1.1/32')!, parseIp('192.168.1.2')!)).toBe(false);
    expect(cidrContains(parseCidr('10.1.2.3/8')!, parseIp('10.9.9.9')!)).toBe(true);
  });

  test('IPv6 containment, and families never mix', () => {
    expect(cidrContains(parseCidr('2001:db8::/32')!, parseIp('2001:db8:1::5')!)).toBe(true);
    expect(cidrContains(parseCidr('2001:db8::/32')!, parseIp('2001:db9::5')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, parseIp('10.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('::1')!)).toBe(false);
  });

  test('rejects sloppy addresses', () => {
    expect(parseIp('10.1')).toBeUndefined();
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
  });
});

describe('peers', () => {
  test('missing or empty from/to selects everyone, pods and IPs', () => {
    for (const raw of [undefined, []]) {
      const list = peers(raw);
      expect(peerListMatches(list, pod('other', {}))).toBe(true);
      expect(peerListMatches(list, ip('8.8.8.8'))).toBe(true);
      expect(describePeers(list)).toEqual(['everyone']);
    }
  });

  test('podSelector alone selects pods of the policy namespace only', () => {
    const list = peers([{ podSelector: { matchLabels: { app: 'web' } } }]);
    expect(peerListMatches(list, pod('demo', { app: 'web' }))).toBe(true);
    expect(peerListMatches(list, pod('other', { app: 'web' }))).toBe(false);
    expect(peerListMatches(list, ip('10.0.0.1'))).toBe(false);
    expect(describePeers(list)).toEqual(['pods with app=web in namespace demo']);
    expect(describePeers(peers([{ podSelector: {} }]))).toEqual(['any pod in namespace demo']);
  });

  test('namespaceSelector alone selects every pod of matching namespaces', () => {
    const list = peers([{ namespaceSelector: { matchLabels: { team: 'b' } } }]);
    expect(peerListMatches(list, pod('other', { anything: 'x' }))).toBe(true);
    expect(peerListMatches(list, pod('demo', {}))).toBe(false);
    expect(describePeers(list)).toEqual(['any pod in namespaces with team=b']);
    expect(describePeers(peers([{ namespaceSelector: {} }]))).toEqual(['any pod in any namespace']);
  });

  test('both selectors in one peer are ANDed; separate peers are ORed', () => {
    const and = peers([{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: { matchLabels: { app: 'web' } } }]);
    expect(peerListMatches(and, pod('other', { app: 'web' }))).toBe(true);
    expect(peerListMatches(and, pod('other', { app: 'db' }))).toBe(false);
    expect(peerListMatches(and, pod('demo', { app: 'web' }))).toBe(false);
    const or = peers([{ namespaceSelector: { matchLabels: { team: 'b' } } }, { podSelector: { matchLabels: { app: 'web' } } }]);
    expect(peerListMatches(or, pod('other', { app: 'db' }))).toBe(true);
    expect(peerListMatches(or, pod('demo', { app: 'web' }))).toBe(true);
    expect(peerListMatches(or, pod('demo', { app: 'db' }))).toBe(false);
    expect(describePeers(and)).toEqual(['pods with app=web in namespaces with team=b']);
  });

  test('ipBlock with except matches pods by IP and bare IPs; a pod without an IP never matches', () => {
    const list = peers([{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }]);
    expect(peerListMatches(list, ip('172.17.0.9'))).toBe(true);
    expect(peerListMatches(list, ip('172.17.1.9'))).toBe(false);
    expect(peerListMatches(list, pod('demo', {}, '172.17.2.2'))).toBe(true);
    expect(peerListMatches(list, pod('demo', {}))).toBe(false);
    expect(describePeers(list)).toEqual(['CIDR 172.17.0.0/16 except 172.17.1.0/24']);
  });

  test('IPv6 ipBlock', () => {
    const list = peers([{ ipBlock: { cidr: 'fd00::/64', except: ['fd00::/120'] } }]);
    expect(peerListMatches(list, ip('fd00::1:0'))).toBe(true);
    expect(peerListMatches(list, ip('fd00::ff'))).toBe(false);
  });

  test.each([
    [[{}], '[0]: must set podSelector, namespaceSelector or ipBlock'],
    [[{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }], '[0]: ipBlock may not be combined with podSelector or namespaceSelector'],
    [[{ ipBlock: { cidr: '10.0.0/8' } }], '[0].ipBlock.cidr: "10.0.0/8" is not a valid CIDR'],
    [[{ ipBlock: {} }], '[0].ipBlock.cidr: is required'],
    [[{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }], '[0].ipBlock.except[0]: 11.0.0.0/16 must be a strict subset of 10.0.0.0/8'],
    [[{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }], '[0].ipBlock.except[0]: 10.0.0.0/8 must be a strict subset of 10.0.0.0/8'],
    [[{ ipBlock: { cidr: '10.0.0.0/8', except: ['fd00::/64'] } }], '[0].ipBlock.except[0]: fd00::/64 must be a strict subset of 10.0.0.0/8'],
  ])('rejects %j', (raw, message) => {
    expect(() => peers(raw)).toThrow(`NetworkPolicy demo/p: spec.ingress[0].from${message}`);
  });
});
