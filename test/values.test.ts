import {
  derivedNameProblems, dns1035LabelProblems, dnsLabelProblems, IpBlock, isPortName, isStrictIp, labelProblems, mergePorts, Port, PROTOCOLS,
} from '../src';
import { show } from '../src/values/checks';
import { cidrListProblems } from '../src/values/ip-block';
import { portListProblems, suggestPortName } from '../src/values/port';
import { reservedNamespaceReason } from '../src/values/reserved';
import { PROTOCOLS as ENGINE_PROTOCOLS, compilePorts } from '../src/analysis';

describe('Port', () => {
  test.each([
    [Port.tcp(80), 'TCP 80'],
    [Port.udp(53), 'UDP 53'],
    [Port.sctp(9000), 'SCTP 9000'],
    [Port.tcpRange(8000, 8100), 'TCP 8000-8100'],
    [Port.tcpRange(80, 80), 'TCP 80'],
    [Port.tcp('http'), 'TCP port "http"'],
    [Port.allUdp(), 'all UDP ports'],
  ])('%s reads as %s', (port, text) => expect(String(port)).toBe(text));

  test('renders NetworkPolicy ports without port 0 or a bare endPort', () => {
    expect(Port.allTcp().toPolicyPort()).toEqual({ protocol: 'TCP', port: undefined, endPort: undefined });
    expect(Port.tcpRange(8000, 8100).toPolicyPort().endPort).toBe(8100);
    expect(Port.tcpRange(80, 80).toPolicyPort().endPort).toBeUndefined();
  });

  test.each([
    [Port.tcp(70000), 'port 70000 is outside 1-65535; use a whole number between 1 and 65535'],
    [Port.tcp(0), 'port 0 is not a port; use Port.allTcp() to allow every TCP port'],
    [Port.tcp(1.5), 'port 1.5 is outside 1-65535; use a whole number between 1 and 65535'],
    [Port.tcpRange(8000, 80), 'endPort 80 is below port 8000; did you mean TCP 80-8000?'],
    [Port.of({ protocol: 'ICMP' as never, port: 1 }), 'unknown protocol "ICMP"; use TCP, UDP or SCTP (NetworkPolicy cannot match other protocols)'],
    [Port.of({ port: 'http', endPort: 90 }), 'a port range cannot start at the named port "http"; use port numbers with endPort'],
    [Port.of({ endPort: 90 }), 'endPort 90 needs a first port; use Port.tcpRange(from, 90)'],
    [Port.tcp('Http'), 'named port "Http" is not a valid port name; use at most 15 lowercase letters, digits and single \'-\', with at least one letter'],
    [Port.tcp('a-very-long-port-name'), expect.stringContaining('is not a valid port name')],
  ])('%s is rejected with a fix', (port, message) => expect(port.problems).toEqual([message]));

  test('valid ports have no problems', () => {
    for (const p of [Port.tcp(1), Port.tcp(65535), Port.tcp('http-alt'), Port.sctpRange(1, 65535), Port.allSctp()]) expect(p.problems).toEqual([]);
  });

  test('mergePorts drops duplicates and ports a range already covers, keeping order', () => {
    const merged = mergePorts([Port.tcp(80), Port.udp(53), Port.tcp(80), Port.tcpRange(8000, 8100), Port.tcp(8080), Port.allUdp()]);
    expect(merged.map(String)).toEqual(['TCP 80', 'TCP 8000-8100', 'all UDP ports']);
  });
});

describe('port names', () => {
  test('one rule, Kubernetes IANA_SVC_NAME, for Port, the engine and workloads', () => {
    expect(['http', 'a-b', 'h2c', 'abcdefghijklmno', 'x1'].filter((n) => !isPortName(n))).toEqual([]);
    expect(['a--b', '-a', 'a-', '80', 'HTTP', 'abcdefghijklmnop', '', 'a_b'].filter((n) => isPortName(n))).toEqual([]);
    expect(Port.tcp('a--b').problems).toEqual([
      'named port "a--b" is not a valid port name; use at most 15 lowercase letters, digits and single \'-\', with at least one letter',
    ]);
    expect(() => compilePorts([{ port: 'a--b' }], { subject: 'NetworkPolicy x/y', field: 'spec.ingress[0].ports' }))
      .toThrow('"a--b" is neither a port number nor a valid port name');
    expect(PROTOCOLS).toBe(ENGINE_PROTOCOLS);
  });
});

describe('IpBlock', () => {
  test.each([
    ['10.0.0.1', 'CIDR "10.0.0.1" is missing a prefix length; did you mean "10.0.0.1/32"?'],
    ['2001:db8::1', 'CIDR "2001:db8::1" is missing a prefix length; did you mean "2001:db8::1/128"?'],
    ['10.0.0.1/8', 'CIDR "10.0.0.1/8" has host bits set; did you mean "10.0.0.0/8"?'],
    ['10.0.0.0/33', 'CIDR "10.0.0.0/33" is not a valid CIDR; write an address and prefix length like "10.0.0.0/8" or "2001:db8::/32"'],
    ['example.com/24', expect.stringContaining('is not a valid CIDR')],
  ])('%s is rejected with a fix', (cidr, message) => expect(IpBlock.of(cidr).problems).toEqual([message]));

  test('IPv6 zone ids are not addresses, as the engine decides', () => {
    expect(isStrictIp('fe80::1%eth0')).toBe(false);
    expect(isStrictIp('fe80::1')).toBe(true);
    expect(isStrictIp('10.1')).toBe(false);
    expect(IpBlock.of('fe80::%eth0/64').problems).toEqual([
      'CIDR "fe80::%eth0/64" is not a valid CIDR; write an address and prefix length like "10.0.0.0/8" or "2001:db8::/32"',
    ]);
  });

  test('except blocks must lie strictly inside the CIDR', () => {
    expect(IpBlock.of('172.17.0.0/16', ['172.17.1.0/24']).problems).toEqual([]);
    expect(IpBlock.of('172.17.0.0/16', ['10.0.0.0/24', '172.17.0.0/16', '172.16.0.0/12']).problems).toEqual([
      'except entry "10.0.0.0/24" is not inside 172.17.0.0/16; list only blocks inside the CIDR',
      'except entry "172.17.0.0/16" removes all of 172.17.0.0/16; drop the entry instead',
      'except entry "172.16.0.0/12" is not inside 172.17.0.0/16; list only blocks inside the CIDR',
    ]);
    expect(IpBlock.of('2001:db8::/32', ['10.0.0.0/8']).problems).toEqual(['except entry "10.0.0.0/8" is not inside 2001:db8::/32; list only blocks inside the CIDR']);
  });

  test('family-specific factories reject the other family', () => {
    expect(IpBlock.ipv4('2001:db8::/32').problems).toEqual(['CIDR "2001:db8::/32" is IPv6; use IpBlock.of() or IpBlock.ipv6()']);
    expect(IpBlock.ipv6('::/0').problems).toEqual([]);
  });

  test('renders ipBlock and reads well', () => {
    const b = IpBlock.of('10.0.0.0/8', ['10.1.0.0/16', '10.1.0.0/16']);
    expect(b.toPolicyIpBlock()).toEqual({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] });
    expect(String(b)).toBe('10.0.0.0/8 except 10.1.0.0/16');
    expect(IpBlock.anyIpv4().isEverywhere).toBe(true);
  });
});

describe('names and labels', () => {
  test('DNS-1123 labels', () => {
    expect(dnsLabelProblems('project name', 'demo-project')).toEqual([]);
    expect(dnsLabelProblems('project name', 'Demo_Project')).toEqual([
      'project name "Demo_Project" is not a DNS-1123 label; did you mean "demo-project"? (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
    ]);
    expect(dnsLabelProblems('project name', 'a'.repeat(64))).toEqual([`project name "${'a'.repeat(64)}" is 64 characters long; use at most 63`]);
    expect(dnsLabelProblems('project name', '')).toEqual(['project name "" is empty; use a lowercase DNS label like "demo-project"']);
  });

  test('label keys and values', () => {
    expect(labelProblems('podSelector', { 'app.kubernetes.io/name': 'web', tier: '' })).toEqual([]);
    expect(labelProblems('podSelector', { 'bad key!': 'x', app: 'not valid!' })).toEqual([
      expect.stringContaining('podSelector has an invalid label key "bad key!"'),
      expect.stringContaining('podSelector has an invalid value "not valid!" for label "app"'),
    ]);
  });
});

test('legacy IPv4 forms that Kubernetes rejects are not CIDRs', () => {
  expect(IpBlock.of('10.1/16').problems).toEqual([expect.stringContaining('is not a valid CIDR')]);
  expect(IpBlock.of('10.0.0').problems).toEqual([expect.stringContaining('is not a valid CIDR')]);
});

describe('Kubernetes name rules beyond DNS-1123 labels', () => {
  test('Service names are DNS-1035 labels: they start with a letter', () => {
    expect(dns1035LabelProblems('Service name', 'web-9')).toEqual([]);
    expect(dns1035LabelProblems('Service name', '9lives')).toEqual([
      'Service name "9lives" is not a DNS-1035 label; start it with a letter, e.g. "svc-9lives" (Kubernetes requires Service names to start with a letter)',
    ]);
    expect(dns1035LabelProblems('Service name', 'Web')).toEqual([expect.stringContaining('is not a DNS-1123 label; did you mean "web"?')]);
  });

  test('a name netiso derives another from keeps the derived name to 63 characters', () => {
    expect(derivedNameProblems('entry name', 'x'.repeat(56), 'netiso-', 'NetworkPolicy')).toEqual([]);
    expect(derivedNameProblems('entry name', 'x'.repeat(57), 'netiso-', 'NetworkPolicy')).toEqual([
      `entry name "${'x'.repeat(57)}" is 57 characters long, so its NetworkPolicy netiso-${'x'.repeat(57)} would be 64; use at most 56 characters`,
    ]);
    // A name that is no label at all gets the label's own message.
    expect(derivedNameProblems('entry name', 'A_b', 'netiso-', 'NetworkPolicy')).toEqual([expect.stringContaining('is not a DNS-1123 label')]);
  });

  test('port name suggestions are valid port names, or none', () => {
    expect(['HTTP', 'metrics_port', 'Very Long Port Name', '8080', '--'].map(suggestPortName)).toEqual(['http', 'metrics-port', 'very-long-port', undefined, undefined]);
  });
});

describe('reserved namespaces', () => {
  const cluster = { dnsNamespace: 'kube-system', allowedIngressNamespaces: ['kubesphere-system'], ingressControllerNamespace: 'ingress' };
  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'kube-anything', 'kubesphere-system', 'ingress'])('%s is reserved', (name) => {
    expect(reservedNamespaceReason(name, cluster)).toEqual(expect.any(String));
  });
  test.each(['default', 'kubesphere-monitoring-system', 'kube', 'team-kube-system'])('%s is not', (name) => {
    expect(reservedNamespaceReason(name, cluster)).toBeUndefined();
  });
});

describe('IPv4-mapped IPv6', () => {
  test.each([
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:192.168.1.1/128', '192.168.1.1/32'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
  ])('%s is refused with the IPv4 CIDR it stands for', (cidr, ipv4) => {
    expect(IpBlock.of(cidr).problems).toEqual([`CIDR "${cidr}" is an IPv4-mapped IPv6 block, which matches no IPv4 traffic; write the IPv4 CIDR "${ipv4}"`]);
  });

  test('blocks that only contain mapped addresses are ordinary IPv6', () => {
    expect(IpBlock.of('::/0').problems).toEqual([]);
    expect(IpBlock.of('::/80').problems).toEqual([]);
  });
});

describe('runtime types of list props', () => {
  test('show() prints data as JSON and value objects as they read', () => {
    expect([show('a'), show(80), show(undefined), show([1, 'x']), show({ cidr: 'c' }), show(Port.tcp(80)), show(IpBlock.of('10.0.0.0/8')), show(() => 1)])
      .toEqual(['"a"', '80', 'undefined', '[1,"x"]', '{"cidr":"c"}', 'TCP 80', '10.0.0.0/8', 'a function']);
  });

  test('ports and CIDRs of the wrong type are problems, never exceptions', () => {
    expect(portListProblems('ports', [Port.tcp(80), 443, '8080', 'http', { port: 1 }])).toEqual([
      'ports[1] is 443, not a Port; write Port.tcp(443)',
      'ports[2] is "8080", not a Port; write Port.tcp(8080)',
      'ports[3] is "http", not a Port; write Port.tcp("http")',
      'ports[4] is {"port":1}, not a Port; write Port.tcp(80), Port.udp(53) or Port.of({ protocol, port, endPort })',
    ]);
    expect(portListProblems('ports', undefined)).toEqual([]);
    expect(cidrListProblems('cidrs', ['10.0.0.0/8', 7, IpBlock.of('10.0.0.1/8')])).toEqual([
      'cidrs[1] is 7, not a CIDR; write a string like "10.0.0.0/8" or IpBlock.of(cidr, except)',
      'CIDR "10.0.0.1/8" has host bits set; did you mean "10.0.0.0/8"?',
    ]);
    expect(IpBlock.of('10.0.0.0/8', '10.1.0.0/16' as never).problems).toEqual(['except must be a list, e.g. ["10.1.0.0/16"]; got "10.1.0.0/16"']);
  });
});
