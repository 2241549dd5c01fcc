import { Cni } from '../cni/cni';

/** The Cilium version `cilium` alone stands for: one that enforces port ranges (1.16 or later). */
const CILIUM_DEFAULT_VERSION = '1.18';

/**
 * The names `--cni` accepts, with what each means; the grammar is `<cni>[-<setting>]…`.
 * Each row is a pattern and the {@link Cni} it builds.
 */
export const CNI_PROFILES: readonly { readonly name: string; readonly means: string }[] = [
  { name: 'generic', means: 'the NetworkPolicy specification (what a conforming CNI enforces)' },
  { name: 'calico[-iptables|-nftables|-ebpf]', means: 'Calico on that dataplane (default iptables); ipBlocks also match pods' },
  { name: `cilium[-<major.minor>][-nodes][-snat|-dsr][-sctp]`, means: `Cilium of that version (default ${CILIUM_DEFAULT_VERSION}); -nodes: policy-cidr-match-mode nodes; -snat / -dsr: kube-proxy replacement mode; -sctp: enable-sctp` },
  { name: 'flannel', means: 'flannel without a policy engine: nothing is enforced' },
  { name: 'terway[-no-policy]', means: 'Terway with its NetworkPolicy support (or without: nothing is enforced)' },
];

const CILIUM = /^cilium(?:-(\d+\.\d+))?((?:-(?:nodes|snat|dsr|sctp))*)$/;

/**
 * The CNI a `--cni` name stands for (see {@link CNI_PROFILES}), e.g. `calico-ebpf`,
 * `cilium-1.15`, `cilium-nodes-dsr`.
 * @throws Error naming the accepted names, for a name that is none of them.
 */
export function cniProfile(name: string): Cni {
  const n = name.trim().toLowerCase();
  if (n === 'generic') return Cni.generic();
  if (n === 'flannel') return Cni.flannel();
  if (n === 'terway') return Cni.terway({ networkPolicy: true });
  if (n === 'terway-no-policy') return Cni.terway({ networkPolicy: false });
  const calico = /^calico(?:-(iptables|nftables|ebpf))?$/.exec(n);
  if (calico) return Cni.calico({ dataplane: (calico[1] ?? 'iptables') as 'iptables' | 'nftables' | 'ebpf' });
  const cilium = CILIUM.exec(n);
  if (cilium) {
    const settings = cilium[2].split('-').filter(Boolean);
    const services = settings.filter((s) => s === 'snat' || s === 'dsr');
    if (services.length > 1 || new Set(settings).size !== settings.length) throw new Error(`--cni ${name}: give each Cilium setting once, and -snat or -dsr, not both`);
    const cni = Cni.cilium({
      version: cilium[1] ?? CILIUM_DEFAULT_VERSION,
      ...(settings.includes('nodes') ? { policyCidrMatchMode: 'nodes' as const } : {}),
      ...(services.length ? { kubeProxyReplacement: services[0] as 'snat' | 'dsr' } : {}),
      ...(settings.includes('sctp') ? { sctp: true } : {}),
    });
    if (cni.problems.length) throw new Error(`--cni ${name}: ${cni.problems.join('; ')}`);
    return cni;
  }
  throw new Error(`--cni ${JSON.stringify(name)} is not a CNI profile; use one of:\n${CNI_PROFILES.map((p) => `  ${p.name}: ${p.means}`).join('\n')}`);
}
