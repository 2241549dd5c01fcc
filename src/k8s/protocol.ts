/** Layer-4 protocols a NetworkPolicy can match. ICMP and others are undefined by the API. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/**
 * Kubernetes IANA_SVC_NAME, the only form Kubernetes accepts for a named port: at most 15
 * lower-case letters, digits and '-', with at least one letter, no leading or trailing '-' and
 * no '--'.
 */
export function isPortName(value: unknown): value is string {
  return typeof value === 'string' && PORT_NAME.test(value);
}

const PORT_NAME = /^(?=.*[a-z])(?!-)(?!.*--)[a-z0-9-]{1,15}(?<!-)$/;
