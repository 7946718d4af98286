import { finding, type Finding } from '../../finding.js';
import { filesBelow, isRemoteSource, matchSource } from '../model/copy-sources.js';
import { findStage, finalChain, stageChain, type DockerfileModel } from '../model/dockerfile-model.js';
import type { ModuleFiles } from '../model/module-files.js';
import type { StaticInput } from '../options.js';
import type { DockerIgnore } from '../model/dockerignore.js';
import type { Stage } from '../model/steps.js';

/**
 * copy-source-missing and dockerignore-excludes-copied for every COPY/ADD of the stages the final
 * image needs (BuildKit skips the others): a source must match something, and not only ignored things.
 */
export function copySourceFindings(input: StaticInput): Finding[] {
  const findings: Finding[] = [];
  // One finding per .dockerignore line, listing what it keeps out.
  const excluded = new Map<number, { pattern: string; items: string[] }>();
  for (const stage of neededStages(input.dockerfile)) {
    for (const step of stage.steps) {
      if (step.kind !== 'copy' || step.from !== undefined || step.heredoc || step.unresolved) continue;
      for (const source of step.sources) {
        if (isRemoteSource(source)) continue;
        const match = matchSource(source, input.files.entries);
        if (match.matched.length === 0) {
          findings.push(
            finding(
              'copy-source-missing',
              `${step.keyword} ${source} (line ${step.line}): ${match.glob ? 'the pattern matches nothing' : 'no such file or folder'} in the build context`,
              {
                file: input.dockerfile.file,
                line: step.line,
              },
            ),
          );
          continue;
        }
        const reason = exclusion(
          match.matched.map((e) => e.path),
          filesBelow(match, input.files.entries).map((e) => e.path),
          input.ignore,
        );
        if (reason === undefined) continue;
        const group = excluded.get(reason.line) ?? { pattern: reason.pattern, items: [] };
        group.items.push(`${step.keyword} ${source} (line ${step.line})`);
        excluded.set(reason.line, group);
      }
    }
  }
  for (const [line, group] of excluded) {
    findings.push(
      finding(
        'dockerignore-excludes-copied',
        `\`${group.pattern}\` excludes from the build context what the Dockerfile copies: ${group.items.join(', ')}; the build fails there`,
        {
          file: input.ignore.file ?? '.dockerignore',
          line,
        },
      ),
    );
  }
  return findings;
}

/** The pattern that makes a source copy nothing: every matched path (and every file below them) is ignored. */
function exclusion(
  matched: string[],
  files: string[],
  ignore: DockerIgnore,
): { line: number; pattern: string } | undefined {
  if (ignore.file === undefined) return undefined;
  // A folder with some files still sent is fine (that is what .dockerignore is for); an entirely ignored one is not.
  const paths = files.length > 0 ? files : matched;
  let reason: { line: number; pattern: string } | undefined;
  for (const path of paths) {
    const by = ignore.excludedBy(path);
    if (by === undefined) return undefined;
    reason ??= by;
  }
  return reason;
}

/** context-large-no-dockerignore: no .dockerignore and a context above options.largeContextBytes. */
export function contextSizeFindings(files: ModuleFiles, ignore: DockerIgnore, limit: number): Finding[] {
  if (ignore.file !== undefined || files.totalBytes <= limit) return [];
  return [
    finding(
      'context-large-no-dockerignore',
      `The build context is ${mebibytes(files.totalBytes)} (over ${mebibytes(limit)}) and there is no .dockerignore, so every build sends all of it to the engine`,
    ),
  ];
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The final stage chain plus every stage it copies from, transitively. */
export function neededStages(model: DockerfileModel): Stage[] {
  const needed = new Set<Stage>();
  const visit = (chain: Stage[]) => {
    for (const stage of chain) {
      if (needed.has(stage)) continue;
      needed.add(stage);
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || step.from === undefined) continue;
        const from = findStage(model, step.from, stage.index);
        if (from !== undefined) visit(stageChain(from));
      }
    }
  };
  visit(finalChain(model));
  return model.stages.filter((s) => needed.has(s));
}
