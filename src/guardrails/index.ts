/**
 * Guardrails tenants cannot undo: cluster-scoped policies rendered from a cluster's projects
 * (ClusterNetworkPolicy, AdminNetworkPolicy, Calico, Cilium), and compilers that read such
 * policies back into the engine's tiers.
 */
export type { GuardrailProps } from './options';
export type { GuardrailApi, GuardrailPlan, GuardObject, GuardRule, GuardPeer, GuardSubject, GuardRole, NamespaceSet } from './model';
export { GUARDRAIL_APIS } from './model';
export { GUARDRAIL_KINDS, GUARDRAIL_PROFILES, isGuardrailObject } from './apis';
export type { GuardrailProfile } from './apis';
export { GUARDRAIL_NAME_PREFIX } from './render-common';
export { planGuardrails } from './plan';
export type { PlanResult } from './plan';
export type { GuardrailInput, GuardrailOptions, ProjectGuardInput, DenyListInput, EntryInput, DenyScope } from './input';
export { compileGuardrails, isGuardrailKind } from './compile';
export type { CompiledGuardrails, GuardrailSource } from './compile';
export { parseCalicoSelector } from './calico-selector';
