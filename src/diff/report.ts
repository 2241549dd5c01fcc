import type { Direction, RuleRef } from '../analysis';
import type { PairChange } from './compare';

/** Kinds of change a reviewer must look at before anything else, in display order. */
export const RISK_KINDS = ['internet-ingress', 'guardrail-removed', 'external-ingress', 'isolation-removed', 'project-removed', 'egress-lockdown-lifted', 'cross-workspace'] as const;

/**
 * - `internet-ingress`: pods newly accept traffic from `0.0.0.0/0`, `::/0` or everyone; names the CIDR.
 * - `guardrail-removed`: a cluster-scoped guardrail object (ClusterNetworkPolicy, Calico or Cilium
 *   cluster policy) is removed, so tenants' NetworkPolicies decide alone again.
 * - `external-ingress`: pods newly accept traffic from an ipBlock CIDR.
 * - `isolation-removed`: a project that stays lost its isolation policy or ingress isolation.
 * - `project-removed`: the project directory is gone; pruning deletes its default-deny, so its
 *   namespace fails open if it outlives the policies.
 * - `egress-lockdown-lifted`: the project's pods were egress-isolated and no longer are.
 * - `cross-workspace`: a new flow between namespaces of different `kubesphere.io/workspace`.
 */
export type RiskKind = (typeof RISK_KINDS)[number];

export interface Risk {
  readonly kind: RiskKind;
  readonly cluster: string;
  readonly project: string;
  /** One sentence, e.g. `demo/web: ingress from the internet (IPv4) to all pods on TCP 80 is now allowed`. */
  readonly message: string;
}

/** Flows of one project that changed the same way for the same reason, in words. */
export interface FlowGroup {
  /** Ingress to the project's pods, or egress from them. */
  readonly direction: Direction;
  readonly change: 'allowed' | 'denied';
  /** The project's pods concerned, e.g. `all pods`, `pods with role=db`. */
  readonly pods: string;
  /** The other end, e.g. `all pods in namespace shop-web`, `CIDR 10.0.0.0/8`, `the internet (IPv4)`. */
  readonly peer: string;
  /** The connections in words, e.g. `TCP 80`, `TCP port "redis"`, `any UDP port`, `all ports`. */
  readonly ports: string;
  /** The same connections as np-guard prints them, e.g. `TCP 80,443,UDP 53`, `All Connections`. */
  readonly conns: string;
  /** Why, e.g. `allowed by netiso-from-web rule 0`, `no policy isolates it any more`. */
  readonly reason: string;
  /** The rules that allow the flow now (`allowed`) or allowed it before (`denied`). */
  readonly rules: readonly RuleRef[];
  /** True when the peer includes addresses outside the pod network. */
  readonly external: boolean;
  /** Namespaces of the pod peers, sorted (stand-ins for unknown namespaces left out). */
  readonly peerNamespaces: readonly string[];
  /** Address peers as CIDRs, in address order. */
  readonly peerCidrs: readonly string[];
  /** The project's workloads concerned, `namespace/name` (stand-ins in a `dist/` diff, e.g. `web/role=db`, `web/*`). */
  readonly localWorkloads: readonly string[];
  /** The pod peers, `namespace/name`, likewise. */
  readonly peerWorkloads: readonly string[];
  /** For ingress newly open to `0.0.0.0/0`, `::/0` or everyone: those CIDRs. */
  readonly internet?: readonly string[];
  /** The whole change as one line. */
  readonly text: string;
}

/** Objects by `Kind/name`, sorted. */
export interface ObjectChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export interface ProjectDiff {
  readonly cluster: string;
  readonly project: string;
  /** Whether the project directory is new, gone, or present on both sides. */
  readonly status: 'added' | 'removed' | 'changed';
  readonly objects: ObjectChanges;
  /** Newly allowed flows first, then newly denied ones. */
  readonly flows: readonly FlowGroup[];
}

/** Everything `netiso diff` found, deterministic for the same inputs. */
export interface DiffReport {
  /** Sorted by kind (see {@link RISK_KINDS}), cluster, project. */
  readonly risks: readonly Risk[];
  /** Projects with any object or connectivity change, sorted by cluster and project. */
  readonly projects: readonly ProjectDiff[];
  readonly summary: {
    readonly projectsChanged: number;
    readonly flowsAllowed: number;
    readonly flowsDenied: number;
    readonly objectsAdded: number;
    readonly objectsRemoved: number;
    readonly objectsChanged: number;
  };
  /** Every changed pair, when asked for (`--pairs`). */
  readonly pairs?: readonly PairChange[];
  /** Objects a side's manifests held that could not be read: the report is incomplete. */
  readonly problems?: readonly string[];
}
