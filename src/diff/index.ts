/**
 * Pull-request review: compares two synthesized trees by who can reach what, flags risky
 * changes, and renders the result as text, Markdown or JSON.
 */
export { diffDist, diffManifests, hasConnectivityChange } from './diff';
export type { DiffOptions, SideNames } from './diff';
export { DIFF_FORMATS, formatDiff } from './format';
export type { DiffFormat } from './format';
export { RISK_KINDS } from './report';
export type { DiffReport, ProjectDiff, FlowGroup, ObjectChanges, Risk, RiskKind } from './report';
export type { PairChange } from './compare';
export { DiffInputError, readDistRevision, readSide } from './sides';
export type { DistFiles } from './sides';
