import { diffDist } from '../../src';
import type { FlowGroup } from '../../src';
import { cidrRange, parseCidr } from '../../src/k8s/ip';
import { ExpectedProject, FIXTURES } from './expected';
import { synth } from './synth';

/**
 * End to end, as a migration goes: import a fixture (with the Namespaces, so that the projects
 * are new to the cluster), synthesize it, and review it with `netiso diff` against an empty base
 * (the first pull request of a migration). Every imported project is new, so everything it allows
 * must show as newly allowed, and per project and
 * direction the diff must name exactly the peers of the fixture's expected table
 * (`expected.ts`): its namespaces (with their pod selectors) and CIDRs, or everyone where the
 * direction is not isolated. The diff names an address by the smallest declared CIDR it falls in
 * (or as the internet), so a CIDR it names must lie in one of the expected CIDRs, and each
 * expected CIDR must show. Ports are left to `flows.test.ts`, which asks the engine about
 * concrete connections; the diff words them as port classes of its own.
 */
describe.each(FIXTURES)('import → synth → diff from nothing: $file', (fixture) => {
  test('the diff shows the peers of the expected table as newly allowed, and nothing else', async () => {
    const { tree } = await synth(fixture.file, { manageNamespaces: true });
    const report = diffDist(new Map(), tree.files);
    const expected = expectedPeers(fixture.projects);
    const shown: Record<string, { ingress: string[]; egress: string[] }> = {};
    for (const project of report.projects.filter((p) => p.cluster === 'kubesphere')) {
      const peers = (direction: 'ingress' | 'egress') => matchCidrs(
        peerAtoms(project.flows.filter((f) => f.change === 'allowed' && f.direction === direction), new Set(Object.keys(fixture.projects))),
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
  const sides = Object.fromEntries(Object.entries(projects).map(([name, p]) => [name, { ingress: peers(p.ingress), egress: peers(p.egress) }]));
  // The table lists what each side admits; a connection needs the other side too, and the diff
  // shows connections. A namespace outside the table (unmanaged) admits everything.
  const admits = (ns: string, direction: 'ingress' | 'egress', peer: string) => {
    const other = sides[ns]?.[direction];
    return !other || other.includes(EVERYONE) || other.includes(`ns:${peer}`) || other.some((a) => a.startsWith(`ns:${peer} pods:`));
  };
  for (const [name, side] of Object.entries(sides)) {
    const keep = (direction: 'ingress' | 'egress') => (atom: string) => {
      if (!atom.startsWith('ns:')) return true;
      const ns = atom.slice(3).split(' ')[0];
      return admits(ns, direction === 'ingress' ? 'egress' : 'ingress', name);
    };
    side.ingress = side.ingress.filter(keep('ingress'));
    side.egress = side.egress.filter(keep('egress'));
  }
  return sides;
}

/** Workspaces of the fixtures that workspace-isolated projects name. */
const workspaceMembers: Record<string, readonly string[]> = {
  'team-a': ['team-a-web', 'team-a-api', 'team-a-billing'],
  'iso': ['in-iso'],
};

/**
 * The peers of the diff's flow groups (their data, not their words), as atoms of the expected
 * table (without ports). The diff stands in for pods by the labels selectors name: the stand-in
 * without labels (`ns/*`) is the namespace; `ns/k=v` is `ns:ns pods:k=v`. Namespaces no object
 * names are stood in for as `(other…)`: every namespace. A direction open to every namespace and
 * every address is {@link EVERYONE}.
 */
function peerAtoms(groups: readonly FlowGroup[], projects: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const group of groups) {
    const mine = new Set<string>();
    for (const ref of group.peerWorkloads) {
      // Stand-ins for unknown namespaces are named `(other: labels)`, which may hold a slash.
      const slash = ref.startsWith('(') ? ref.indexOf(')/') + 1 : ref.indexOf('/');
      const [ns, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
      // An unknown namespace carrying KubeSphere's namespace label stands for that namespace; one
      // carrying a workspace label is a member of the workspace the table names by its projects.
      const labels = /^\(other: (.*)\)$/.exec(ns)?.[1].split(',') ?? [];
      const named = labels.find((l) => l.startsWith('kubesphere.io/namespace='))?.split('=')[1];
      if (labels.some((l) => l.startsWith('kubesphere.io/workspace='))) continue;
      // The label of an imported project on another namespace is a spoof the table does not cover.
      if (named !== undefined && projects.has(named)) continue;
      const where = named ?? (ns.startsWith('(') ? '*' : ns);
      mine.add(name === '*' ? `ns:${where}` : `ns:${where} pods:${name}`);
    }
    // Pods of a namespace told apart by labels read as the namespace when all of them are there.
    for (const a of mine) if (!/ pods:/.test(a) || !mine.has(a.split(' ')[0])) out.add(a);
    for (const cidr of group.peerCidrs) out.add(`cidr:${cidr}`);
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
