import { finding, type Finding } from '../../finding.js';

/** A BuildKit-only feature of a Dockerfile, with its 1-based line. */
export interface BuildkitFeature {
  line: number;
  feature: string;
}

/**
 * The features of a Dockerfile that the Engine's legacy builder rejects (or, for `# syntax=`,
 * silently ignores): COPY/ADD --chmod and --link, RUN --mount/--network/--security, heredocs.
 * Read from the text, since the legacy builder judges the text.
 */
export function buildkitFeatures(text: string): BuildkitFeature[] {
  const lines = text.split(/\r?\n/);
  const found: BuildkitFeature[] = [];
  let directives = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // Parser directives are comments before anything else, e.g. `# syntax=docker/dockerfile:1`.
    if (directives) {
      const directive = /^#\s*syntax\s*=\s*(\S+)/i.exec(line);
      if (directive) found.push({ line: i + 1, feature: `# syntax=${directive[1] ?? ''}` });
      if (!/^#\s*\w+\s*=/.test(line)) directives = false;
    }
    const instruction = /^\s*(COPY|ADD|RUN)\s+(.*)$/i.exec(line);
    if (!instruction) continue;
    const keyword = (instruction[1] ?? '').toUpperCase();
    const rest = instruction[2] ?? '';
    // Flags stand before the command or the sources: `RUN chmod --mount x` has none.
    const flags = /^(?:--\S+\s+)*/.exec(rest)?.[0] ?? '';
    for (const flag of flags.matchAll(/(?:^|\s)--(chmod|link|mount|network|security)\b/g)) {
      const name = flag[1] ?? '';
      if ((keyword === 'RUN') === ['mount', 'network', 'security'].includes(name))
        found.push({ line: i + 1, feature: `${keyword} --${name}` });
    }
    const heredoc = /<<-?\s*["']?([A-Za-z_][\w]*)["']?/.exec(rest);
    // A heredoc only when its terminator stands alone on a later line (not a shell `<<` in one line).
    if (heredoc && lines.slice(i + 1).some((l) => l.trim() === heredoc[1]))
      found.push({ line: i + 1, feature: `${keyword} heredoc (<<${heredoc[1] ?? ''})` });
  }
  return found;
}

/** needs-buildkit findings, when the build will not have BuildKit. */
export function needsBuildkitFindings(text: string, file: string, buildkit: boolean): Finding[] {
  if (buildkit) return [];
  return buildkitFeatures(text).map(({ line, feature }) =>
    finding('needs-buildkit', `${feature} needs BuildKit, and docker buildx is not available here`, { file, line }),
  );
}
