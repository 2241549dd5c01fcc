/** From a netiso `Cluster` or a set of manifests to the reachability engine: the explain report and lint. */
export { analyzeCluster, analyzeManifests } from './analyze';
export type { Analysis, AnalysisProject, ClusterAnalysis, ManifestAnalysis, AnalyzeOptions, AnalysisExternal } from './analyze';
export { explain, explainCluster, explainManifests } from './report';
export type { ExplainReport, ExplainOptions, AnswerEntry, BlockEntry, Cite, IsolationEntry, PairEntry } from './report';
export { lintAnalysis, lintCluster, lintPolicies, lintOneSided, DEFAULT_DNS } from './lint';
export type { LintFinding, LintRule, DnsTarget, DnsPort } from './lint';
export { formatReports, REPORT_FORMATS } from './format';
export type { ReportFormat } from './format';
// What explainManifests reads, for callers without the CLI.
export { readManifestFiles } from '../k8s/manifests';
export type { ManifestModel, ManifestProblem, ReadOptions } from '../k8s/manifests';
