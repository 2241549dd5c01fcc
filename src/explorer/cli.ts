import * as fs from 'fs';
import * as path from 'path';
import { DiffReport } from '../diff/report';
import { DiffSide } from '../diff/sides';
import { Analysis } from '../report/analyze';
import { ExplainReport } from '../report/report';
import { renderHtml } from './html';
import { explainExplorerData } from './produce';
import { DiffSideFiles, diffExplorerData } from './produce-diff';

/** The placeholder of `--output` that stands for the cluster name. */
const CLUSTER = '{cluster}';

/**
 * What is wrong with `--format` / `--output` of a command that writes HTML, or undefined: HTML
 * goes to a file, `--output` is only for HTML, and several clusters need `{cluster}` in the name.
 */
export function htmlOutputProblem(format: string, output: string | undefined, clusters: number, example = `explorer-${CLUSTER}.html`): string | undefined {
  if (format !== 'html') return output === undefined ? undefined : `--output is for --format html; the ${format} format is written to standard output`;
  if (output === undefined) return `--format html writes a file: give --output FILE (e.g. --output ${example})`;
  if (clusters > 1 && !output.includes(CLUSTER)) return `${clusters} clusters are selected and each gets its own file: put ${CLUSTER} in --output (e.g. explorer-${CLUSTER}.html) or choose one with --cluster`;
  return undefined;
}

/** Writes one explorer file per analysis of `netiso explain --format html` (`reports[i]` is `analyses[i]`'s), and says where on stderr. */
export function writeExplorers(analyses: readonly Analysis[], reports: readonly ExplainReport[], output: string): void {
  analyses.forEach((analysis, i) => {
    const file = output.split(CLUSTER).join(fileSafe(analysis.name));
    write(file, renderHtml(explainExplorerData(analysis, reports[i])));
  });
}

/** A name as part of a file name: manifests are named after their paths. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Writes the explorer file of `netiso diff --format html`. */
export function writeDiffExplorer(report: DiffReport, base: DiffSide, head: DiffSide, dist: string, output: string): void {
  const side = (s: DiffSide): DiffSideFiles => ({ files: s.files, fileName: (rel) => fileName(s, dist, rel) });
  write(output, renderHtml(diffExplorerData(report, { base: side(base), head: side(head) }, `netiso diff: ${base.spec} → ${head.spec}`)));
}

/** How a diff side's file is cited: a path on disk, `rev:path` in git, or the synthesized path. */
function fileName(side: DiffSide, dist: string, rel: string): string {
  if (side.kind === 'revision') return `${side.spec}:${path.posix.join(dist, rel)}`;
  if (side.kind === 'synth') return `${path.posix.join(dist, rel)} (synthesized)`;
  return path.join(side.spec, rel);
}

function write(file: string, html: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, html);
  console.error(`wrote ${file} (${Math.round(html.length / 1024)} KiB)`);
}
