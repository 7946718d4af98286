import { finding, type Finding } from '../../finding.js';
import { imageCommand } from '../model/command.js';
import { finalChain, type DockerfileModel } from '../model/dockerfile-model.js';
import type { StaticInput } from '../options.js';

/** dockerfile-syntax: what `docker build` would reject before running a single step. */
export function syntaxFindings(model: DockerfileModel): Finding[] {
  return model.problems.map((p) =>
    finding('dockerfile-syntax', `${p.message} (line ${p.line})`, { file: model.file, line: p.line }),
  );
}

/**
 * no-command: the final stage chain sets no CMD or ENTRYPOINT. mercure passes no command, so the
 * base image's own default (python3, a shell, or nothing for scratch) would run instead of the module.
 */
export function commandFindings(input: StaticInput): Finding[] {
  const chain = finalChain(input.dockerfile);
  const last = chain.at(-1);
  if (last === undefined || imageCommand(chain) !== undefined) return [];
  const root = chain[0]!;
  const base = root.image === '' ? root.rawImage : root.image;
  const fallback =
    base === 'scratch'
      ? 'nothing at all'
      : `${base}'s own default command (a shell or an interpreter prompt), not your module`;
  return [
    finding(
      'no-command',
      `The final stage (FROM ${last.rawImage}) sets no CMD or ENTRYPOINT; mercure starts the image without a command, so it would run ${fallback}`,
      {
        file: input.dockerfile.file,
        line: last.line,
      },
    ),
  ];
}

/** user-root: the last USER of the final image is root (by name or uid 0), unless the module requires root. */
export function userFindings(input: StaticInput): Finding[] {
  if (input.options.requiresRoot) return [];
  const users = finalChain(input.dockerfile).flatMap((stage) => stage.steps.filter((s) => s.kind === 'user'));
  const last = users.at(-1);
  if (last === undefined || !/^(root|0)(:.*)?$/.test(last.user)) return [];
  return [
    finding(
      'user-root',
      `USER ${last.user} makes root the image's default user; mercure runs modules as its own non-root uid unless they are configured with requires_root`,
      {
        file: input.dockerfile.file,
        line: last.line,
      },
    ),
  ];
}
