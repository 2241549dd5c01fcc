import { Command } from 'commander';
import { renderGitOps } from '../gitops';
import { distClusters, writeGitOps } from '../gitops/write';

interface GitOpsCliOptions {
  repoUrl: string;
  revision: string;
  dist: string;
  outdir: string;
  argoNamespace: string;
  argoProject: string;
  fluxNamespace: string;
  quiet?: boolean;
}

/**
 * `netiso gitops`: writes Argo CD ApplicationSets and Flux Kustomizations for the clusters of a
 * dist tree. A command of its own rather than a `synth` flag: the wiring changes only when a
 * cluster is added or removed, and it needs repository settings `synth` has no use for.
 */
export function gitopsCommand(): Command {
  return new Command('gitops')
    .description('write Argo CD ApplicationSets and Flux Kustomizations for every cluster of dist/')
    .requiredOption('--repo-url <url>', 'git URL the GitOps controllers clone')
    .option('--revision <rev>', 'branch, tag or commit to follow', 'main')
    .option('--dist <dir>', 'synthesized tree; also its path inside the repository', 'dist')
    .option('-o, --outdir <dir>', 'where to write the wiring (never inside dist)', 'gitops')
    .option('--argo-namespace <ns>', 'namespace Argo CD runs in', 'argocd')
    .option('--argo-project <name>', 'Argo CD AppProject of the Applications', 'default')
    .option('--flux-namespace <ns>', 'namespace Flux runs in', 'flux-system')
    .option('-q, --quiet', 'print nothing but errors')
    .action((opts: GitOpsCliOptions) => {
      try {
        const files = renderGitOps(distClusters(opts.dist), {
          repoUrl: opts.repoUrl,
          revision: opts.revision,
          distPath: opts.dist,
          argoNamespace: opts.argoNamespace,
          argoProject: opts.argoProject,
          fluxNamespace: opts.fluxNamespace,
        });
        const { written, removed } = writeGitOps(opts.outdir, opts.dist, files);
        if (!opts.quiet) console.log(`wrote ${written.length} file(s) to ${opts.outdir}${removed.length ? `, removed ${removed.join(', ')}` : ''}`);
      } catch (e) {
        console.error(`netiso gitops: ${(e as Error).message}`);
        process.exitCode = 1;
      }
    });
}
