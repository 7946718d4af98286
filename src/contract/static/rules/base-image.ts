import { finding, type Finding } from '../../finding.js';
import { finalChain } from '../model/dockerfile-model.js';
import { canonicalRepository, parseImageRef } from '../model/image-ref.js';
import type { StaticInput } from '../options.js';
import { invocationOf } from '../model/shell-commands.js';
import { parseShell } from '../model/shell-syntax.js';
import type { Stage } from '../model/steps.js';

/** True for bases that ship no `cat`: scratch, distroless (except :debug, which has busybox), chainguard/static. */
export function baseLacksCat(image: string): boolean {
  if (image.toLowerCase() === 'scratch') return true;
  const ref = parseImageRef(image);
  const repository = canonicalRepository(image);
  if (repository.startsWith('gcr.io/distroless/')) return !(ref.tag ?? '').includes('debug');
  return repository === 'cgr.dev/chainguard/static';
}

/** base-no-cat: the final image's chain of stages starts from a base without `cat`, or a RUN deletes it (mercure's probe needs it). */
export function baseNoCatFindings(input: StaticInput): Finding[] {
  const chain = finalChain(input.dockerfile);
  const root = chain[0];
  const removal = catRemoval(chain);
  if (removal !== undefined) {
    return [
      finding(
        'base-no-cat',
        `\`${removal.text}\` deletes cat from the image: mercure's startup probe \`cat /etc/monai/app.json\` fails and the module never runs`,
        { file: input.dockerfile.file, line: removal.line },
      ),
    ];
  }
  if (root === undefined || root.image === '' || !baseLacksCat(root.image)) return [];
  const via = chain.length > 1 ? ` (the final stage builds on it through ${describeChain(chain)})` : '';
  return [
    finding(
      'base-no-cat',
      `The final image is based on ${shown(root)}${via}, which has no \`cat\`: mercure's startup probe \`cat /etc/monai/app.json\` fails and the module never runs`,
      {
        file: input.dockerfile.file,
        line: root.line,
      },
    ),
  ];
}

/** base-unpinned: a stage builds FROM an image with no tag or `:latest` (a digest counts as pinned). */
export function baseUnpinnedFindings(input: StaticInput): Finding[] {
  const findings: Finding[] = [];
  for (const stage of input.dockerfile.stages) {
    // Stage references and scratch are not images one could pin.
    if (stage.parent !== undefined || stage.image === '' || stage.image.toLowerCase() === 'scratch') continue;
    const ref = parseImageRef(stage.image);
    if (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest')) continue;
    const what = ref.tag === undefined ? 'has no tag (so it means :latest)' : 'uses :latest';
    findings.push(
      finding('base-unpinned', `FROM ${shown(stage)} ${what}: a rebuild may silently pick up a different base`, {
        file: input.dockerfile.file,
        line: stage.line,
      }),
    );
  }
  return findings;
}

/** A RUN of the final chain that deletes /bin/cat or /usr/bin/cat. */
function catRemoval(chain: readonly Stage[]): { line: number; text: string } | undefined {
  for (const stage of chain) {
    for (const step of stage.steps) {
      if (step.kind !== 'run') continue;
      const commands =
        step.script !== undefined
          ? parseShell(step.script, step.line)
          : [{ words: step.argv ?? [], redirects: [], line: step.line }];
      for (const command of commands) {
        const { program, args } = invocationOf(command);
        if (program === 'rm' && args.some((a) => /^\/(usr\/)?bin\/cat$/.test(a)))
          return { line: step.line, text: command.words.join(' ') };
      }
    }
  }
  return undefined;
}

function shown(stage: Stage): string {
  return stage.rawImage === stage.image ? stage.image : `${stage.rawImage} (= ${stage.image})`;
}

function describeChain(chain: readonly Stage[]): string {
  return chain
    .slice(0, -1)
    .map((s) => s.name ?? `stage ${s.index}`)
    .join(' -> ');
}
