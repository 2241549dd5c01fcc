import { Cidr, cidrStrictlyWithin, parseCidr } from '../k8s/ip';
import { Port } from '../values/port';
import { DenyFinding, DenyListInput, denySubject, EntryInput, GuardrailInput } from './input';

/**
 * Allow-list entries that a deny list makes useless (an error naming both: the entry would open
 * something that can never be allowed) or partly useless (a warning), egress entries into
 * namespaces the Baseline default deny closes, and deny lists that would cut off the cluster DNS.
 */
export function checkDenials(input: GuardrailInput): { problems: DenyFinding[]; warnings: DenyFinding[] } {
  const problems: DenyFinding[] = [];
  const warnings: DenyFinding[] = [];
  const workspaceOf = new Map(input.projects.map((p) => [p.name, p.workspace]));
  const subjects = input.denyLists.map((d) => ({ d, subject: new Set(denySubject(d, input.projects)) }));
  const targets = (d: DenyListInput, namespace: string): boolean => {
    const ws = workspaceOf.get(namespace);
    return d.namespaces.includes(namespace) || (ws !== undefined && d.workspaces.includes(ws));
  };

  for (const e of input.entries) {
    for (const peer of e.peers) {
      for (const { d, subject } of subjects) {
        if (peer.kind === 'namespace') {
          // A deny list denies both ways at its subject, so either end may carry it.
          const denied = (subject.has(e.project) && targets(d, peer.namespace)) || (subject.has(peer.namespace) && targets(d, e.project));
          if (!denied) continue;
          report(e, `${peer.label}`, d, portsCovered(e.ports, d.ports));
        } else if (e.direction === 'egress' && subject.has(e.project)) {
          const entryCidr = parseCidr(peer.block.cidr);
          for (const text of d.cidrs) {
            const deny = parseCidr(text);
            if (!entryCidr || !deny) continue;
            if (within(entryCidr, deny)) report(e, `CIDR ${peer.block}`, d, portsCovered(e.ports, d.ports));
            else if (within(deny, entryCidr) && !peer.block.except.some((x) => { const c = parseCidr(x); return c !== undefined && within(deny, c); })) {
              if (portsOverlap(e.ports, d.ports)) warnings.push({ path: e.path, message: `${text} of CIDR ${peer.block} is denied by DenyList ${d.path}; the entry opens the rest of the block only (add it to except to say so)` });
            }
          }
        }
      }
    }
  }

  const { options } = input;
  if (options.defaultDenyUnmanaged) {
    const managed = new Set([...input.projects.map((p) => p.name), ...options.protectedNamespaces]);
    for (const e of input.entries.filter((x) => x.direction === 'egress')) {
      for (const peer of e.peers) {
        if (peer.kind === 'namespace' && !managed.has(peer.namespace)) {
          problems.push({ path: e.path, message: `the allow-list entry ${e.path} opens ${peer.label}, but guardrails.defaultDenyUnmanaged denies the pods of namespace ${peer.namespace} (not a netiso project) whatever the entry says; add ${peer.namespace} to guardrails.protectedNamespaces, where declared access is passed, or turn defaultDenyUnmanaged off` });
        }
      }
    }
  }

  const dns = input.settings.dns;
  for (const { d, subject } of subjects) {
    if (subject.size && d.namespaces.includes(dns.namespace) && dns.ports.some((p) => portsCovered([p], d.ports) !== 'none')) {
      problems.push({ path: d.path, message: `DenyList ${d.path} denies namespace ${dns.namespace}, where the cluster DNS answers on ${dns.ports.join(', ')}; pods of ${[...subject].join(', ')} could not resolve names. Deny only other ports (ports: [...]) or leave ${dns.namespace} to the protected system namespaces (guardrails.protectedNamespaces)` });
    }
  }
  return { problems, warnings };

  function report(e: EntryInput, what: string, d: DenyListInput, coverage: Coverage): void {
    if (coverage === 'all') {
      problems.push({ path: e.path, message: `the allow-list entry ${e.path} opens ${what}, which DenyList ${d.path} denies${d.ports.length ? ` on ${d.ports.join(', ')}` : ''}: the entry can never allow anything for it. Remove it from the entry, or narrow the deny list` });
    } else if (coverage === 'some') {
      warnings.push({ path: e.path, message: `DenyList ${d.path} denies ${d.ports.join(', ')} of what the entry opens for ${what}; only the other ports are allowed` });
    }
  }
}

type Coverage = 'all' | 'some' | 'none';

/** How much of `entry` (empty: every port) the deny ports (empty: every port) cover. */
function portsCovered(entry: readonly Port[], deny: readonly Port[]): Coverage {
  if (deny.length === 0) return 'all';
  if (entry.length === 0) return 'some';
  if (entry.every((p) => deny.some((d) => p.isCoveredBy(d)))) return 'all';
  return portsOverlap(entry, deny) ? 'some' : 'none';
}

function portsOverlap(entry: readonly Port[], deny: readonly Port[]): boolean {
  if (entry.length === 0 || deny.length === 0) return true;
  return entry.some((p) => deny.some((d) => p.isCoveredBy(d) || d.isCoveredBy(p) || rangesOverlap(p, d)));
}

function rangesOverlap(a: Port, b: Port): boolean {
  if (a.protocol !== b.protocol || typeof a.port !== 'number' || typeof b.port !== 'number') return false;
  return a.port <= (b.endPort ?? b.port) && b.port <= (a.endPort ?? a.port);
}

function within(inner: Cidr, outer: Cidr): boolean {
  return (inner.family === outer.family && inner.bits === outer.bits && inner.prefix === outer.prefix) || cidrStrictlyWithin(inner, outer);
}
