import { posix } from 'node:path';
import { escapeControl } from '../../../errors.js';
import { FINDING_CATALOGUE } from '../../codes.js';
import { finding, type Finding } from '../../finding.js';
import type { Entry } from '../model/entry.js';
import { applyChmod, chmodCalls, chmodTouches, formatMode } from '../model/file-mode.js';
import type { CopyHop } from '../model/image-paths.js';
import type { StaticInput } from '../options.js';

const SHELL = /^(sh|bash|dash|ash|zsh|ksh|mksh)$/;

/**
 * entry-missing, entry-not-executable, entry-crlf, entry-no-shebang, and dockerignore-excludes-copied
 * for an entry script that a folder COPY would bring in but .dockerignore keeps out.
 */
export async function entryFindings(input: StaticInput, entry: Entry | undefined): Promise<Finding[]> {
  const target = entry?.target;
  if (entry === undefined || target === undefined) return [];
  const dockerfile = input.dockerfile.file;
  const provenance = entry.provenance;
  if (provenance === undefined) {
    if (!entry.looksLikeModuleFile) return [];
    const where = entry.imagePath ?? `a folder of PATH (a name without '/' is looked up there, not in WORKDIR)`;
    return [
      finding(
        'entry-missing',
        `The image's command names ${target.written}, but no COPY or ADD puts a file at ${where}`,
        { file: dockerfile, line: entry.command.line },
      ),
    ];
  }
  // A COPY that names a missing file is reported as copy-source-missing; inline or remote files are not ours to read.
  if (provenance.kind !== 'context') return [];
  const file = provenance.contextPath;
  const excluded = input.ignore.excludedBy(file);
  if (excluded !== undefined) {
    // A COPY naming the file itself is reported by the context check; here a folder COPY would have brought it.
    if (provenance.literal) return [];
    return [
      finding(
        'dockerignore-excludes-copied',
        `\`${excluded.pattern}\` keeps the entry script ${file} out of the build context, so the image has no ${entry.imagePath ?? target.written}`,
        {
          file: input.ignore.file ?? '.dockerignore',
          line: excluded.line,
        },
      ),
    ];
  }
  // The build sends a symlink as a link and never what it points to: one that leaves the context
  // leaves the image without its entry (the build cannot copy it, or copies a dangling link).
  const outside = linkOutOfContext(input, file);
  if (outside !== undefined) {
    return [
      finding(
        'entry-missing',
        `The image's command runs ${file}, a symbolic link to ${outside}, outside the build context: the build cannot copy what it points to, so the image has no ${entry.imagePath ?? target.written}`,
        {
          file: dockerfile,
          line: entry.command.line,
          hint: `Replace the link ${file} with the file itself (or a link to a file inside the module folder).`,
        },
      ),
    ];
  }
  // A symlink inside the context or an oversized file: we cannot see what the image will run, so we do not guess.
  const text = await input.files.readText(file);
  if (text === undefined) return [];
  const binary = text.startsWith('\x7fELF');
  const findings: Finding[] = [];
  if (target.direct) {
    const mode = modeInImage(input, file, provenance.hops);
    // mercure runs modules as its own uid, so "others" must be able to execute (and, for a script, read) the file.
    const needed = input.options.requiresRoot ? 0o111 : binary ? 0o001 : 0o005;
    const ok = input.options.requiresRoot ? (mode.mode & needed) !== 0 : (mode.mode & needed) === needed;
    if (!ok) {
      findings.push(
        finding(
          'entry-not-executable',
          `The image's command (Dockerfile line ${entry.command.line}) runs ${file} directly, but the file has mode ${formatMode(mode.mode)} in the image (${mode.origin}); mercure's unprivileged uid cannot execute it`,
          { file, hint: hintFor('entry-not-executable', file) },
        ),
      );
    }
    if (!binary && !text.startsWith('#!')) {
      findings.push(
        finding(
          'entry-no-shebang',
          `${file} is exec'd directly by the image's command (Dockerfile line ${entry.command.line}) but does not start with #!, so the kernel cannot run it ("exec format error")`,
          { file, line: 1 },
        ),
      );
    }
  }
  if (!binary && (target.direct || SHELL.test(target.interpreter ?? ''))) {
    const cr = text.indexOf('\r\n');
    if (cr >= 0) {
      const line = text.slice(0, cr).split('\n').length;
      findings.push(
        finding(
          'entry-crlf',
          `${file} has Windows (CRLF) line endings from line ${line}; the shell reads the \\r as part of each command${line === 1 ? ' and the shebang interpreter name' : ''}`,
          { file, line, hint: hintFor('entry-crlf', file) },
        ),
      );
    }
  }
  return findings;
}

/** The file's mode in the final image: git's (or the disk's) mode, then COPY --chmod, then every later RUN chmod. */
export function modeInImage(
  input: StaticInput,
  contextPath: string,
  hops: readonly CopyHop[],
): { mode: number; origin: string } {
  const recorded = input.files.modeOf(contextPath);
  let mode = recorded?.mode ?? 0o644;
  let origin =
    recorded?.source === 'git'
      ? `git records ${mode === 0o755 ? '100755' : '100644'}${recorded.diskMode !== undefined ? `, though the file on disk is ${formatMode(recorded.diskMode)}: commit the mode` : ''}`
      : `mode on disk ${formatMode(mode)}`;
  for (const hop of hops) {
    if (hop.step.chmod !== undefined) {
      const changed = applyChmod(mode, hop.step.chmod);
      if (changed !== undefined) {
        mode = changed;
        origin = `COPY --chmod=${hop.step.chmod} on line ${hop.step.line}`;
      }
    }
    // RUN steps after this COPY in the same chain can change it (chmod +x, chmod -R 755 /app).
    let after = false;
    for (const stage of hop.chain) {
      for (const step of stage.steps) {
        if (step === hop.step) after = true;
        else if (after && step.kind === 'run') {
          for (const call of chmodCalls(step)) {
            if (!chmodTouches(call, hop.path)) continue;
            const changed = applyChmod(mode, call.mode);
            if (changed === undefined) continue;
            mode = changed;
            origin = `chmod ${call.mode} on line ${call.line}`;
          }
        }
      }
    }
  }
  return { mode, origin };
}

/** The catalogue's hint with the actual file named in place of FILE. */
function hintFor(code: 'entry-not-executable' | 'entry-crlf', file: string): string {
  return FINDING_CATALOGUE[code].hint.replaceAll('FILE', file);
}

/** Where a symlink in the context points when that is outside the context (absolute, or up past its root). */
function linkOutOfContext(input: StaticInput, file: string): string | undefined {
  const entry = input.files.entries.get(file);
  if (entry?.kind !== 'symlink' || entry.linkTarget === undefined) return undefined;
  const target = entry.linkTarget;
  if (posix.isAbsolute(target)) return escapeControl(target);
  const resolved = posix.normalize(posix.join(posix.dirname(file), target));
  return resolved === '..' || resolved.startsWith('../') ? escapeControl(target) : undefined;
}
