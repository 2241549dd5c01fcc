/** Kubernetes label set (`matchLabels`, object labels). */
export type Labels = Readonly<Record<string, string>>;

/** The label the control plane puts on every namespace; policies rely on it to name a namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Longest DNS-1123 label, and so the longest name netiso derives from another (`netiso-<entry>`). */
export const MAX_LABEL_LENGTH = 63;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Problems with a DNS-1123 label (namespace, project, entry and Service names). */
export function dnsLabelProblems(what: string, value: unknown): string[] {
  if (typeof value !== 'string' || value.length === 0) return [`${what} ${JSON.stringify(value)} is empty; use a lowercase DNS label like "demo-project"`];
  if (value.length > MAX_LABEL_LENGTH) return [`${what} "${value}" is ${value.length} characters long; use at most 63`];
  if (!DNS_LABEL.test(value)) return [`${what} "${value}" is not a DNS-1123 label; did you mean "${suggestDnsLabel(value)}"? (lowercase letters, digits and '-', starting and ending with a letter or digit)`];
  return [];
}

/**
 * Problems with a DNS-1035 label: a DNS-1123 label that starts with a letter, which Kubernetes
 * requires of Service names.
 */
export function dns1035LabelProblems(what: string, value: unknown): string[] {
  const label = dnsLabelProblems(what, value);
  if (label.length || DNS_1035_LABEL.test(value as string)) return label;
  const suggestion = `svc-${value as string}`.slice(0, MAX_LABEL_LENGTH).replace(/-+$/, '');
  return [`${what} "${value as string}" is not a DNS-1035 label; start it with a letter, e.g. "${suggestion}" (Kubernetes requires Service names to start with a letter)`];
}

/**
 * Problems with a name that netiso also uses in a derived name `<prefix><value>`, e.g. an entry
 * name in its NetworkPolicy's name `netiso-<entry>`: the derived name is kept to 63 characters, a
 * DNS label, so that it is valid wherever Kubernetes takes a name or label value. Otherwise the
 * same problems as {@link dnsLabelProblems}.
 */
export function derivedNameProblems(what: string, value: unknown, prefix: string, derivedKind: string): string[] {
  const derived = `${prefix}${value as string}`;
  if (typeof value !== 'string' || !DNS_LABEL.test(value) || derived.length <= MAX_LABEL_LENGTH) return dnsLabelProblems(what, value);
  return [`${what} "${value}" is ${value.length} characters long, so its ${derivedKind} ${derived} would be ${derived.length}; use at most ${MAX_LABEL_LENGTH - prefix.length} characters`];
}

/** Problems with a label set; `what` names where the labels are used. */
export function labelProblems(what: string, labels: Labels | undefined): string[] {
  if (labels === undefined) return [];
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return [`${what} must be an object of label key/value pairs, got ${JSON.stringify(labels)}`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) {
      out.push(`${what} has an invalid label key ${JSON.stringify(key)}; use [prefix/]name with a DNS subdomain prefix and a name of at most 63 letters, digits, '-', '_' or '.'`);
    }
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      out.push(`${what} has an invalid value ${JSON.stringify(value)} for label "${key}"; use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
    }
  }
  return out;
}

/** Problems with a DNS-1123 subdomain (Ingress hosts, IngressClass names). */
export function dnsSubdomainProblems(what: string, value: unknown): string[] {
  if (typeof value !== 'string' || value.length === 0) return [`${what} ${JSON.stringify(value)} is empty; use a lowercase DNS name like "demo.example.com"`];
  if (value.length > 253) return [`${what} "${value}" is ${value.length} characters long; use at most 253`];
  if (!DNS_SUBDOMAIN.test(value)) return [`${what} "${value}" is not a DNS-1123 subdomain; use lowercase letters, digits, '-' and '.', like "demo.example.com"`];
  return [];
}

/** Problems with annotation keys (values are free text). */
export function annotationProblems(what: string, annotations: Readonly<Record<string, string>> | undefined): string[] {
  if (annotations === undefined) return [];
  if (typeof annotations !== 'object' || annotations === null) return [`${what} must be an object of annotation key/value pairs, got ${JSON.stringify(annotations)}`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!isQualifiedName(key)) out.push(`${what} has an invalid key ${JSON.stringify(key)}; use [prefix/]name with a DNS subdomain prefix and a name of at most 63 letters, digits, '-', '_' or '.'`);
    if (typeof value !== 'string') out.push(`${what} "${key}" has the value ${JSON.stringify(value)}; annotation values must be strings, e.g. ${JSON.stringify(String(value))}`);
  }
  return out;
}

/** A label or annotation key: `[prefix/]name`. */
function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) && name.length <= 63 && LABEL_NAME.test(name);
}

function suggestDnsLabel(value: string): string {
  const s = toDnsLabel(value).slice(0, MAX_LABEL_LENGTH).replace(/-+$/, '');
  return s || 'my-name';
}

/**
 * `value` in DNS-1123 label characters: lowercased, every run of other characters replaced by
 * '-', without leading or trailing '-'. Not truncated to 63 characters, and empty when nothing is left.
 */
export function toDnsLabel(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}
