/** The HTML reachability explorer: its data contract, the producers from netiso's reports, the page. */
export * from './model';
export { renderHtml } from './html';
export { explainExplorerData, definitionSources } from './produce';
export { diffExplorerData } from './produce-diff';
export type { DiffSideFiles } from './produce-diff';
