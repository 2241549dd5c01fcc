import { ContainerPort, compilePorts, describePorts } from '../../src/analysis';

const ctx = { subject: 'NetworkPolicy x/p', field: 'spec.ingress[0].ports' };
const ports = (raw: unknown) => compilePorts(raw, ctx);
const dest: ContainerPort[] = [
  { name: 'http', containerPort: 8080 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
];

describe('rule ports', () => {
  test('missing and empty lists allow every port and protocol', () => {
    for (const raw of [undefined, null, []]) {
      const m = ports(raw);
      expect(m.all).toBe(true);
      expect(m.matches(1, 'SCTP', undefined)).toBe(true);
    }
  });

  test('a number defaults to TCP and matches only that port', () => {
    const m = ports([{ port: 80 }]);
    expect(m.matches(80, 'TCP', undefined)).toBe(true);
    expect(m.matches(81, 'TCP', undefined)).toBe(false);
    expect(m.matches(80, 'UDP', undefined)).toBe(false);
  });

  test('protocol without port allows every port of that protocol', () => {
    const m = ports([{ protocol: 'UDP' }]);
    expect(m.matches(1, 'UDP', undefined)).toBe(true);
    expect(m.matches(65535, 'UDP', undefined)).toBe(true);
    expect(m.matches(53, 'TCP', undefined)).toBe(false);
    expect(ports([{}]).matches(9, 'TCP', undefined)).toBe(true);
  });

  test('endPort makes an inclusive range', () => {
    const m = ports([{ port: 32000, endPort: 32768, protocol: 'TCP' }]);
    expect([31999, 32000, 32500, 32768, 32769].map((p) => m.matches(p, 'TCP', undefined))).toEqual([false, true, true, true, false]);
  });

  test('named ports resolve on the destination with number and protocol', () => {
    const http = ports([{ port: 'http' }]);
    expect(http.hasNamed).toBe(true);
    expect(http.matches(8080, 'TCP', dest)).toBe(true);
    expect(http.matches(80, 'TCP', dest)).toBe(false);
    expect(http.matches(8080, 'TCP', undefined)).toBe(false);
    const dns = ports([{ port: 'dns', protocol: 'UDP' }]);
    expect(dns.matches(53, 'UDP', dest)).toBe(true);
    // The rule defaults to TCP, but the container port named dns is UDP.
    expect(ports([{ port: 'dns' }]).matches(53, 'TCP', dest)).toBe(false);
    expect(ports([{ port: 'dns' }]).matches(53, 'UDP', dest)).toBe(false);
  });

  test('entries are ORed', () => {
    const m = ports([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    expect(m.matches(53, 'UDP', undefined) && m.matches(53, 'TCP', undefined)).toBe(true);
    expect(m.matches(53, 'SCTP', undefined)).toBe(false);
  });

  test('describes ports', () => {
    expect(describePorts(ports(undefined))).toBe('all ports');
    expect(describePorts(ports([{ port: 80 }, { port: 8000, endPort: 8080 }, { port: 'dns', protocol: 'UDP' }, { protocol: 'SCTP' }]))).toBe(
      'TCP/80, TCP/8000-8080, UDP port named dns, any SCTP port',
    );
  });

  test.each([
    [[{ port: 0 }], '[0].port: must be an integer between 1 and 65535, got 0'],
    [[{ port: 70000 }], '[0].port: must be an integer between 1 and 65535, got 70000'],
    [[{ port: '80' }], '[0].port: "80" is neither a port number nor a valid port name'],
    [[{ port: 'Web_Port' }], '[0].port: "Web_Port" is neither a port number nor a valid port name'],
    [[{ port: 'http', endPort: 90 }], '[0].endPort: may not be combined with a named port'],
    [[{ endPort: 90 }], '[0].endPort: requires a numeric port'],
    [[{ port: 90, endPort: 80 }], '[0].endPort: must not be below port (80 < 90)'],
    [[{ port: 80, protocol: 'ICMP' }], '[0].protocol: must be one of TCP, UDP, SCTP, got "ICMP"'],
    [{ port: 80 }, 'must be a list'],
  ])('rejects %j', (raw, message) => {
    expect(() => ports(raw)).toThrow(`NetworkPolicy x/p: spec.ingress[0].ports${message.startsWith('[') ? '' : ': '}${message}`);
  });
});
