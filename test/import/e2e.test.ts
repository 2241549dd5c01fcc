import { diffDist } from '../../src';
import type { FlowGroup } from '../../src';
import { cidrRange, parseCidr } from '../../src/k8s/ip';
import { ExpectedProject, FIXTURES } from './expected';
import { synth } from './synth';

/**
 * End to end, as a migration goes: import a fixture, synthesize it, and review it with
 * `netiso diff` against an empty base (the first pull request of a migration). Every imported
 * project is new, so everything it allows must show as newly allowed, and per project and
 * direction the diff must name exactly the peers of the fixture's expected table
 * (`expected.ts`): its namespaces (with their pod selectors) and CIDRs, or everyone where the
 * direction is not isolated. The diff names an address by the smallest declared CIDR it falls in
 * (or as the internet), so a CIDR it names must lie in one of the expected CIDRs, and each
 * expected CIDR must show. Ports are left to `flows.test.ts`, which asks the engine about
 * concrete connections; the diff words them as port classes of its own.
 */
describe.each(FIXTURES)('import → synth → diff from nothing: $file', (fixture) => {
  test('the diff shows the peers of the expected table as newly allowed, and nothing else', async () => {
    const { tree } = await synth(fixture.file);
    const report = diffDist(new Map(), tree.files);
    const expected = expectedPeers(fixture.projects);
    const shown: Record<string, { ingress: string[]; egress: string[] }> = {};
    for (const project of report.projects.filter((p) => p.cluster === 'kubesphere')) {
      const peers = (direction: 'ingress' | 'egress') => matchCidrs(
        peerAtoms(project.flows.filter((f) => f.change === 'allowed' && f.direction === direction)),
        expected[project.project]?.[direction] ?? [],
      );
      shown[project.project] = { ingress: peers('ingress'), egress: peers('egress') };
    }
    expect(report.projects.filter((p) => p.flows.some((f) => f.change === 'denied'))).toEqual([]);
    expect(shown).toEqual(expected);
  });
});

/** Everyone: what a direction that no policy isolates allows. */
const EVERYONE = 'everyone';

/** The expected table's peers per project and direction, as the diff can name them. */
function expectedPeers(projects: Readonly<Record<string, ExpectedProject>>): Record<string, { ingress: string[]; egress: string[] }> {
  // A workspace peer selects the namespaces labelled with the workspace: the imported projects of it.
  const workspaceOf = (ws: string) => Object.keys(projects).filter((p) => projects[p] !== undefined && workspaceMembers[ws]?.includes(p));
  const peers = (atoms: readonly string[] | undefined) => (atoms === undefined ? [EVERYONE] : [...new Set(atoms.flatMap((atom) => {
    const peer = atom.split(' @ ')[0];
    if (peer.startsWith('ws:')) return workspaceOf(peer.slice(3)).map((ns) => `ns:${ns}`);
    // The diff probes a CIDR with an address outside its except blocks, and names it by its CIDR.
    return [peer.replace(/ except:.*$/, '')];
  }))].sort());
  return Object.fromEntries(Object.entries(projects).map(([name, p]) => [name, { ingress: peers(p.ingress), egress: peers(p.egress) }]));
}

/** Workspaces of the fixtures that workspace-isolated projects name. */
const workspaceMembers: Record<string, readonly string[]> = {
  'team-a': ['team-a-web', 'team-a-api', 'team-a-billing'],
  'iso': ['in-iso'],
};

/**
 * The peers named by the diff's flow groups, as atoms of the expected table (without ports). A
 * namespace's pods the diff tells apart by labels no selector names ("other pods") are the
 * namespace; a direction open to every namespace and every address is {@link EVERYONE}.
 */
function peerAtoms(groups: readonly FlowGroup[]): string[] {
  const out = new Set<string>();
  for (const group of groups) {
    for (const part of group.peer.split('; ')) {
      let m: RegExpExecArray | null;
      if (part === 'all pods in every namespace' || part === 'all pods in any other namespace') out.add('ns:*');
      else if ((m = /^all pods in namespaces? (.+)$/.exec(part))) for (const ns of m[1].split(', ')) out.add(`ns:${ns}`);
      else if ((m = /^pods with (\S+) in namespace (\S+)$/.exec(part))) out.add(`ns:${m[2]} pods:${m[1]}`);
      else if ((m = /^(?:other pods|any pod) in namespace (\S+)$/.exec(part))) out.add(`ns:${m[1]}`);
      else if ((m = /^CIDR (\S+)$/.exec(part))) out.add(`cidr:${m[1]}`);
      else if (part === 'any IPv4 address' || part === 'the internet (IPv4)') out.add('cidr:0.0.0.0/0');
      else if (part === 'any IPv6 address' || part === 'the internet (IPv6)') out.add('cidr:::/0');
      else out.add(`unexpected: ${part}`);
    }
  }
  if (out.has('ns:*') && out.has('cidr:0.0.0.0/0') && out.has('cidr:::/0')) return [EVERYONE];
  return [...out].sort();
}

/**
 * The diff's peers with each CIDR replaced by the expected CIDR it lies in (the smallest, when
 * several do), so that an address the diff names by a smaller declared block counts for the
 * entry that admits it; a CIDR in none of them stays, and fails the comparison.
 */
function matchCidrs(shown: readonly string[], expected: readonly string[]): string[] {
  const blocks = expected.filter((p) => p.startsWith('cidr:')).map((p) => ({ atom: p, cidr: parseCidr(p.slice(5))! }));
  const out = shown.map((peer) => {
    const cidr = peer.startsWith('cidr:') ? parseCidr(peer.slice(5)) : undefined;
    if (!cidr) return peer;
    const [lo, hi] = cidrRange(cidr);
    const within = blocks.filter((b) => {
      const [blo, bhi] = cidrRange(b.cidr);
      return b.cidr.family === cidr.family && blo <= lo && hi <= bhi;
    }).sort((a, b) => b.cidr.bits - a.cidr.bits);
    return within[0]?.atom ?? peer;
  });
  return [...new Set(out)].sort();
}
