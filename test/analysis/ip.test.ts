import { addressOutside, formatIp, parseCidr } from '../../src/k8s/ip';

const cidr = (text: string) => parseCidr(text)!;

test('addressOutside picks the first host address that no exclusion covers', () => {
  expect(addressOutside(cidr('10.0.0.0/8'), [])).toBe('10.0.0.1');
  expect(addressOutside(cidr('192.168.1.1/32'), [])).toBe('192.168.1.1');
  expect(addressOutside(cidr('10.0.0.0/8'), [cidr('10.0.0.0/24'), cidr('10.0.1.0/24')])).toBe('10.0.2.0');
  expect(addressOutside(cidr('2001:db8::/32'), [cidr('2001:db8::/64')])).toBe('2001:db8:0:1::');
  expect(addressOutside(cidr('10.0.0.0/31'), [cidr('10.0.0.0/31')])).toBeUndefined();
  expect(addressOutside(cidr('10.0.0.0/8'), [cidr('2001:db8::/32')])).toBe('10.0.0.1');
});

test('formatIp renders both families', () => {
  expect(formatIp(0xc0a80101, 4)).toBe('192.168.1.1');
  expect(formatIp(1n, 6)).toBe('::1');
});
