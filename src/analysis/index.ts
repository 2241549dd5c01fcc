/**
 * Reachability engine: answers whether traffic between two endpoints is
 * allowed under a set of `networking.k8s.io/v1` NetworkPolicies, explains
 * why, describes policies in plain words, and computes all-pairs matrices.
 */
export { ManifestError } from '../k8s/errors';
export { PROTOCOLS, NAMESPACE_NAME_LABEL, loadCluster, clusterOfModel } from './model';
export type { Protocol, Labels, ContainerPort, Workload, ExternalEndpoint, ClusterNode, NamespaceInfo, ClusterInputs, Cluster } from './model';
export { compileSelector, describeSelector, MATCH_ALL } from '../k8s/selector';
export type { Selector, Requirement, SelectorOperator } from '../k8s/selector';
export { compilePorts, describePorts, describePortSpec } from './ports';
export type { PortSpec, PortMatcher } from './ports';
export { compilePeers, peerMatches, peerListMatches, describePeer, describePeers } from './peers';
export type { Peer, PeerList, PeerSubject } from './peers';
export { parseIp, parseCidr, cidrContains, ipBlockMatches } from '../k8s/ip';
export type { IpAddress, Cidr, IpBlock } from '../k8s/ip';
export { compilePolicy, tierPolicyOf } from './policy';
export type { CompiledPolicy, CompiledRule, Direction } from './policy';
export { describePolicy, describeManifests, describeTierPeer, tierRuleLine } from './describe';
export type { PolicyDescription, DirectionDescription, RuleDescription } from './describe';
export { Engine } from './engine';
export type { EndpointRef, EngineOptions, Query, Verdict, SideVerdict, RuleRef, RuleCheck, Exemption } from './engine';
export { explainVerdict } from './explain';
export type { Explanation, ExplainedRule } from './explain';
export { ConnSet } from './conns';
export { Connectivity } from './connectivity';
export type { PodClass, PodView, SideFunction, SideResult, Step, PeerRef, RuleTrace } from './connectivity';
export { IpPartition, rangesOf, formatRange, rangeCidrs } from './ipspace';
export type { IpRange, IpClass } from './ipspace';
export { buildUniverse } from './universe';
export type { StateSpec, Universe } from './universe';
export { TIER_ORDER } from './tiers';
export type { Tier, TierPolicy, TierRule, TierPeer, TierSubject, RuleAction, Entity } from './tiers';
