import { finding, type Finding } from '../../finding.js';
import { canonicalRepository } from '../model/image-ref.js';
import type { ModuleFiles } from '../model/module-files.js';
import { invocationOf } from '../model/shell-commands.js';
import { parseShell } from '../model/shell-syntax.js';

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];
const ASSIGNMENT = /^\s*(?:override\s+|export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(\?=|::=|:=|\+=|!=|=)\s*(.*)$/;

/** A `docker build -t` tag found in a Makefile, variables expanded. */
export interface MakefileTag {
  tag: string;
  line: number;
}

/**
 * makefile-image-mismatch: the Makefile builds an image whose repository differs from the one mercure
 * is configured with (options.image), so `make` produces an image nobody runs. Only with options.image.
 */
export async function makefileFindings(files: ModuleFiles, image: string | undefined): Promise<Finding[]> {
  if (image === undefined) return [];
  const file = MAKEFILES.find((name) => files.entries.get(name)?.kind === 'file');
  const text = file === undefined ? undefined : await files.readText(file);
  if (file === undefined || text === undefined) return [];
  const wanted = canonicalRepository(image);
  return makefileTags(text)
    .filter((t) => canonicalRepository(t.tag) !== wanted)
    .map((t) =>
      finding(
        'makefile-image-mismatch',
        `${file} builds ${t.tag}, but the module is configured as ${image}: the repositories differ`,
        { file, line: t.line },
      ),
    );
}

/** Every tag a Makefile passes to `docker build` (`-t`, `--tag`), with `$(VAR)` / `${VAR}` expanded; unresolvable tags are left out. */
export function makefileTags(text: string): MakefileTag[] {
  const vars = new Map<string, string | undefined>();
  const tags: MakefileTag[] = [];
  for (const { text: line, number } of logicalLines(text)) {
    const assignment = line.startsWith('\t') ? null : ASSIGNMENT.exec(stripComment(line));
    if (assignment !== null) {
      const [, name = '', op, value = ''] = assignment;
      // `?=` only sets what is unset; `!=` runs a shell command we cannot know the output of.
      if (op === '?=' && vars.has(name)) continue;
      if (op === '!=') vars.set(name, undefined);
      else if (op === '+=') vars.set(name, vars.has(name) ? `${vars.get(name) ?? ''} ${value.trim()}` : value.trim());
      else vars.set(name, value.trim());
      continue;
    }
    if (!/\bdocker\b/.test(line)) continue;
    const expanded = expand(line.replace(/^[^\t]*?:[^=]*?;/, ''), vars, 0);
    if (expanded === undefined) continue;
    for (const command of parseShell(expanded.replace(/^\t+/, ''))) {
      const { program, args } = invocationOf(command);
      if (program !== 'docker' || !args.includes('build')) continue;
      for (const tag of tagsOf(args)) if (!tag.includes('$')) tags.push({ tag, line: number });
    }
  }
  return tags;
}

function tagsOf(args: readonly string[]): string[] {
  const tags: string[] = [];
  args.forEach((arg, i) => {
    if ((arg === '-t' || arg === '--tag') && args[i + 1] !== undefined) tags.push(args[i + 1]!);
    else if (arg.startsWith('--tag=')) tags.push(arg.slice('--tag='.length));
    else if (/^-t[^-]/.test(arg)) tags.push(arg.slice(2));
  });
  return tags;
}

/** Expands make variables; undefined when one has no known value (or calls a make function). */
function expand(text: string, vars: ReadonlyMap<string, string | undefined>, depth: number): string | undefined {
  if (depth > 10) return undefined;
  let unknown = false;
  const out = text.replace(/\$\$|\$\(([^()]*)\)|\$\{([^{}]*)\}/g, (whole, paren?: string, brace?: string) => {
    if (whole === '$$') return '$$';
    const name = (paren ?? brace ?? '').trim();
    const value = vars.get(name);
    if (value === undefined) {
      unknown = true;
      return '';
    }
    const inner = expand(value, vars, depth + 1);
    if (inner === undefined) unknown = true;
    return inner ?? '';
  });
  // `$$` is make's escape for a shell `$`.
  return unknown ? undefined : out.replace(/\$\$/g, '$');
}

function stripComment(line: string): string {
  const hash = line.search(/(^|[^\\])#/);
  return hash < 0 ? line : line.slice(0, hash + (line[hash] === '#' ? 0 : 1));
}

/** Lines with backslash continuations joined, each with its 1-based starting line number. */
function logicalLines(text: string): { text: string; number: number }[] {
  const lines: { text: string; number: number }[] = [];
  let current: { text: string; number: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const continued = raw.endsWith('\\');
    const part = continued ? raw.slice(0, -1) : raw;
    if (current === undefined) current = { text: part, number: index + 1 };
    else current.text += ` ${part.trimStart()}`;
    if (!continued) {
      lines.push(current);
      current = undefined;
    }
  });
  if (current !== undefined) lines.push(current);
  return lines;
}
