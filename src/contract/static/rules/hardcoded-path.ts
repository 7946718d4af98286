import { finding, type Finding } from '../../finding.js';
import { filesBelow, isRemoteSource, matchSource } from '../model/copy-sources.js';
import { finalChain } from '../model/dockerfile-model.js';
import type { Entry } from '../model/entry.js';
import type { StaticInput } from '../options.js';

// Source files worth reading, and how each marks a whole-line comment.
const HASH_COMMENT = /\.(py|sh|bash|r|rb|pl|jl)$/i;
const SLASH_COMMENT = /\.(js|mjs|cjs|ts|java|go|c|cc|cpp|h|hpp|cs|rs|kt|scala|m)$/i;
// Other people's code copied along (a checked-in virtualenv or node_modules) is not the module's to fix.
const VENDORED = /(^|\/)(node_modules|site-packages|\.git|\.venv|venv)\//;
// The mount points themselves, not e.g. /tmp/database or /tmp/output_old.
const MOUNT_PATH = /\/tmp\/(data|output)(?![\w.-])/g;

/**
 * hardcoded-path: `/tmp/data` or `/tmp/output` written into the entry script or a source file the
 * image copies in. mercure mounts there today, but other runtimes do not: read $MERCURE_IN_DIR / $MERCURE_OUT_DIR.
 */
export async function hardcodedPathFindings(input: StaticInput, entry: Entry | undefined): Promise<Finding[]> {
  const files = new Set<string>();
  if (entry?.provenance?.kind === 'context') files.add(entry.provenance.contextPath);
  for (const stage of finalChain(input.dockerfile)) {
    for (const step of stage.steps) {
      if (step.kind !== 'copy' || step.from !== undefined || step.heredoc) continue;
      for (const source of step.sources) {
        if (isRemoteSource(source)) continue;
        for (const file of filesBelow(matchSource(source, input.files.entries), input.files.entries)) {
          if ((HASH_COMMENT.test(file.path) || SLASH_COMMENT.test(file.path)) && !VENDORED.test(file.path))
            files.add(file.path);
        }
      }
    }
  }
  const findings: Finding[] = [];
  for (const file of [...files].sort()) {
    if (input.ignore.excludedBy(file) !== undefined) continue;
    const text = await input.files.readText(file);
    if (text === undefined || text.startsWith('\x7fELF')) continue;
    const comment = SLASH_COMMENT.test(file) ? '//' : '#';
    text.split('\n').forEach((line, index) => {
      const trimmed = line.trimStart();
      // A shebang is not a comment, but it names no data folder either.
      if (trimmed.startsWith(comment)) return;
      const paths = [...new Set([...line.matchAll(MOUNT_PATH)].map((m) => m[0]))];
      if (paths.length === 0) return;
      const variables = paths.map((p) => (p.endsWith('data') ? '$MERCURE_IN_DIR' : '$MERCURE_OUT_DIR'));
      findings.push(
        finding(
          'hardcoded-path',
          `${file} hard-codes ${paths.join(' and ')}; read ${variables.join(' and ')} instead`,
          { file, line: index + 1 },
        ),
      );
    });
  }
  return findings;
}
