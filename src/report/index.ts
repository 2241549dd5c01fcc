/** From a netiso `Cluster` to the reachability engine: the explain report and lint. */
export { analyzeCluster } from './analyze';
export type { ClusterAnalysis, AnalysisExternal } from './analyze';
export { explainCluster, portText } from './report';
export type { ExplainReport, ExplainOptions, ProjectReport, WorkloadReport, WorkloadSide, Flow, FlowRule, MatrixReport, MatrixCell, ProbePort } from './report';
export { lintCluster, lintPolicies } from './lint';
export type { LintFinding, LintRule, DnsTarget } from './lint';
export { formatReports } from './format';
export type { ReportFormat } from './format';
