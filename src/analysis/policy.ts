import { FieldContext, ManifestError, child, fail, isRecord } from '../k8s/errors';
import { PeerList, compilePeers } from './peers';
import { PortMatcher, compilePorts } from './ports';
import { MATCH_ALL, Selector, compileSelector } from '../k8s/selector';
import { TierPeer, TierPolicy, TierRule } from './tiers';

export type Direction = 'ingress' | 'egress';

/** One ingress or egress rule: traffic is allowed when a peer AND a port match. */
export interface CompiledRule {
  readonly direction: Direction;
  readonly index: number;
  /** `from` for ingress, `to` for egress. */
  readonly peers: PeerList;
  readonly ports: PortMatcher;
}

/**
 * A NetworkPolicy compiled once for repeated evaluation. `ingress`/`egress`
 * is `undefined` when the policy does not govern that direction (per
 * `policyTypes`), and `[]` when it isolates that direction with no rules.
 */
export interface CompiledPolicy {
  /** `namespace/name`. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** Selects pods of {@link namespace} only. */
  readonly target: Selector;
  readonly ingress?: readonly CompiledRule[];
  readonly egress?: readonly CompiledRule[];
  /** Valid but probably unintended constructs, in plain words. */
  readonly warnings: readonly string[];
}

const POLICY_TYPES = ['Ingress', 'Egress'];

/**
 * Validates and compiles a `networking.k8s.io/v1` NetworkPolicy object.
 *
 * - `policyTypes` empty or omitted: Ingress always, Egress only when `spec.egress`
 *   has at least one rule, as the API server defaults it (see {@link policyTypes}).
 * - Rules for a direction not listed in `policyTypes` are ignored (with a warning).
 * - A missing `spec.podSelector` is treated as `{}`, as the Go API does.
 * - A missing `metadata.namespace` means `default`.
 *
 * @throws ManifestError naming the policy and field for malformed input.
 */
export function compilePolicy(manifest: unknown): CompiledPolicy {
  if (!isRecord(manifest)) throw new ManifestError('NetworkPolicy', '(root)', 'must be an object');
  const metadata = isRecord(manifest.metadata) ? manifest.metadata : {};
  const name = metadata.name;
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  if (typeof name !== 'string' || name === '') throw new ManifestError(`NetworkPolicy in namespace ${namespace}`, 'metadata.name', 'is required');
  const id = `${namespace}/${name}`;
  const root: FieldContext = { subject: `NetworkPolicy ${id}`, field: 'spec' };
  if (manifest.apiVersion !== undefined && manifest.apiVersion !== 'networking.k8s.io/v1') {
    fail({ subject: root.subject, field: 'apiVersion' }, `must be networking.k8s.io/v1, got ${JSON.stringify(manifest.apiVersion)}`);
  }
  const spec = manifest.spec;
  if (!isRecord(spec)) fail(root, 'is required');

  const target = spec.podSelector === undefined || spec.podSelector === null ? MATCH_ALL : compileSelector(spec.podSelector, child(root, 'podSelector'));

  const types = policyTypes(spec, root);

  const warnings: string[] = [];
  const rules = (direction: Direction): CompiledRule[] | undefined => {
    const field = direction;
    const rCtx = child(root, field);
    const raw = spec[field];
    if (!types.includes(direction === 'ingress' ? 'Ingress' : 'Egress')) {
      if (Array.isArray(raw) && raw.length > 0) warnings.push(`spec.${field} is ignored because policyTypes does not list ${direction === 'ingress' ? 'Ingress' : 'Egress'}`);
      return undefined;
    }
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) fail(rCtx, 'must be a list');
    return raw.map((r, index) => {
      const ruleCtx = child(rCtx, `[${index}]`);
      if (!isRecord(r)) fail(ruleCtx, 'must be an object');
      const peerField = direction === 'ingress' ? 'from' : 'to';
      return {
        direction,
        index,
        peers: compilePeers(r[peerField], namespace, child(ruleCtx, peerField)),
        ports: compilePorts(r.ports, child(ruleCtx, 'ports')),
      };
    });
  };
  const ingress = rules('ingress');
  const egress = rules('egress');
  return { id, namespace, name, target, ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}), warnings };
}

/**
 * The policy types the API server stores for `spec`, per Kubernetes `SetDefaults_NetworkPolicy`
 * (`pkg/apis/networking/v1/defaults.go`): `policyTypes` is kept when it has at least one entry;
 * when it is empty or absent it becomes `[Ingress]`, plus `Egress` when `spec.egress` has at least
 * one rule. So `egress: []` alone never isolates egress, and `policyTypes: []` isolates ingress.
 */
function policyTypes(spec: Record<string, unknown>, root: FieldContext): string[] {
  const raw = spec.policyTypes;
  const tCtx = child(root, 'policyTypes');
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) fail(tCtx, 'must be a list');
  if (Array.isArray(raw) && raw.length > 0) {
    raw.forEach((t, i) => {
      if (!POLICY_TYPES.includes(t as string)) fail(child(tCtx, `[${i}]`), `must be Ingress or Egress, got ${JSON.stringify(t)}`);
    });
    return raw as string[];
  }
  const egress = spec.egress;
  if (egress !== undefined && egress !== null && !Array.isArray(egress)) fail(child(root, 'egress'), 'must be a list');
  return Array.isArray(egress) && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The NetworkPolicy in the engine's tier model: allow rules of the NetworkPolicy tier. */
export function tierPolicyOf(policy: CompiledPolicy): TierPolicy {
  const rules = (list: readonly CompiledRule[] | undefined): TierRule[] | undefined => list?.map((rule) => ({
    index: rule.index,
    action: 'allow',
    peers: rule.peers.all ? [ALL_PEERS] : rule.peers.peers.map((peer): TierPeer => (peer.kind === 'ipBlock'
      ? { kind: 'ips', blocks: [peer.block], key: peer.key }
      : { kind: 'pods', namespaces: 'own' in peer.namespace ? { own: peer.namespace.own } : peer.namespace.selector, pods: peer.pods, key: peer.key })),
    ports: rule.ports.all ? 'all' : rule.ports.specs,
  }));
  const ingress = rules(policy.ingress);
  const egress = rules(policy.egress);
  return {
    id: policy.id,
    priority: 0,
    subject: { namespace: policy.namespace, pods: policy.target },
    ...(ingress ? { ingress } : {}),
    ...(egress ? { egress } : {}),
    isolates: { ingress: !!ingress, egress: !!egress },
  };
}

const ALL_PEERS: TierPeer = { kind: 'all', key: 'all' };
