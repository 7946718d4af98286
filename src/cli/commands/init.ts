import { Option, type Command } from 'commander';
import { initModule, LANGUAGES, nextSteps } from '../../scaffold/index.js';
import { styleFor } from '../../report/style.js';
import type { CliContext } from '../context.js';

interface InitFlags {
  name?: string;
  namespace?: string;
  language: string;
  force?: boolean;
  json?: boolean;
}

/** `mercure-module init DIR`: a new module repository that passes validate straight away. */
export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description(
      'Create a module repository: Dockerfile, entry script, a Python module, Makefile, CI workflow and README.',
    )
    .argument('<dir>', 'folder to create the module in (new or empty)')
    .option('--name <name>', 'module name, the last part of the image name (default: the folder name)')
    .option(
      '--namespace <namespace>',
      'Docker Hub user or organisation, or registry/path such as ghcr.io/acme (default: a placeholder)',
    )
    .addOption(new Option('--language <language>', 'language of the module code').choices(LANGUAGES).default('python'))
    .option('--force', 'write into a non-empty folder, replacing files of the same names')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ mercure-module init blur --namespace acme
  $ mercure-module init lung-seg --namespace ghcr.io/acme --json
  $ mercure-module init . --name blur --namespace acme --force
  $ cd blur && make validate`,
    )
    .action(async (dir: string, opts: InitFlags) => {
      const report = await initModule({
        dir,
        language: opts.language,
        force: opts.force === true,
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
      });
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify({ ok: true, ...report, next: nextSteps(report) }, null, 2)}\n`);
        return;
      }
      const style = styleFor(ctx.stdout);
      const lines = [style.bold(`Created the mercure module ${report.image} in ${report.dir} (${report.language})`)];
      for (const file of report.files)
        lines.push(
          `  ${style.green(file.action === 'created' ? '+' : '~')} ${file.path}${file.action === 'replaced' ? style.dim(' (replaced)') : ''}`,
        );
      lines.push('', 'Next:');
      for (const step of nextSteps(report)) lines.push(step.startsWith('#') ? style.yellow(`  ${step}`) : `  ${step}`);
      ctx.stdout.write(`${lines.join('\n')}\n`);
    });
}
