import { Command, Option } from 'commander';
import { SynthesisError } from '../errors';
import { formatReports, ReportFormat } from '../report/format';
import { explainCluster } from '../report/report';
import { loadDefinitions } from '../synth/load';
import { requireDefinitions } from '../synth/synthesize';

interface ExplainOptions {
  projects: string;
  cluster?: string;
  project?: string;
  format: ReportFormat;
  strict?: boolean;
}

/**
 * `netiso explain`: who may reach each project's pods, where they may connect, a reachability
 * matrix, lint findings and synthesis warnings. Writes nothing.
 */
export function explainCommand(): Command {
  return new Command('explain')
    .description('explain what is reachable after isolation: per project ingress and egress, a matrix, lint')
    .option('-p, --projects <dir>', 'directory of project definitions', 'projects')
    .option('-c, --cluster <name>', 'only this cluster')
    .option('--project <name>', 'only this project (needs --cluster when several clusters define it)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'md', 'json']).default('text'))
    .option('--strict', 'exit 1 when lint finds anything')
    .action((opts: ExplainOptions) => {
      requireDefinitions(opts.projects);
      const { clusters, problems } = loadDefinitions(opts.projects);
      if (problems.length) throw new SynthesisError(problems);
      let selected = clusters.clusters.filter((c) => opts.cluster === undefined || c.name === opts.cluster);
      if (opts.cluster !== undefined && selected.length === 0) {
        console.error(`no cluster ${opts.cluster} in ${opts.projects}; clusters: ${clusters.clusters.map((c) => c.name).join(', ')}`);
        process.exitCode = 1;
        return;
      }
      if (opts.project !== undefined) selected = selected.filter((c) => c.findProject(opts.project as string));
      if (opts.project !== undefined && selected.length === 0) {
        console.error(`no project ${opts.project} in ${opts.cluster ? `cluster ${opts.cluster}` : opts.projects}`);
        process.exitCode = 1;
        return;
      }
      const reports = selected.map((c) => explainCluster(c, { project: opts.project }));
      process.stdout.write(formatReports(reports, opts.format));
      const findings = reports.reduce((n, r) => n + r.lint.length, 0);
      if (opts.strict && findings > 0) {
        console.error(`netiso explain --strict: ${findings} lint finding${findings === 1 ? '' : 's'}`);
        process.exitCode = 1;
      }
    });
}
