import madge from 'madge';
import { describe, expect, test } from 'vitest';

// The import graph of src/ as madge reads it (type-only imports count: they tie files together
// for a reader just the same).
const graph = await madge('src', {
  fileExtensions: ['ts'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: false } },
});
const imports = graph.obj();

/** Every import from a file under one of `from` to a file under one of `to`, as "a -> b". */
function arrows(from: string[], to: string[]): string[] {
  const under = (file: string, folders: string[]) => folders.some((folder) => file.startsWith(`${folder}/`));
  return Object.entries(imports).flatMap(([file, deps]) =>
    under(file, from) ? deps.filter((dep) => under(dep, to)).map((dep) => `${file} -> ${dep}`) : [],
  );
}

describe('the import graph of src/', () => {
  test('has no cycles', () => {
    expect(graph.circular()).toEqual([]);
  });

  test('sees the whole tree (a resolver change would make the checks above vacuous)', () => {
    expect(Object.keys(imports).length).toBeGreaterThan(100);
    expect(imports['cli/main.ts']).toContain('cli/context.ts');
    expect(graph.warnings().skipped).toEqual([]);
  });

  test.each([
    [
      'ly01 the ground floor (mercure, release, retry, engine, registry, hub, contract) imports no verb',
      ['mercure', 'release', 'retry', 'engine', 'registry', 'hub', 'contract', 'scaffold', 'credentials'],
      ['pipeline', 'report', 'cli', 'action', 'front-door'],
    ],
    [
      'ly02 pipeline/ (the verbs) imports no presentation and no front door',
      ['pipeline'],
      ['report', 'cli', 'action', 'front-door'],
    ],
    ['ly03 report/ (presentation) imports no front door', ['report'], ['cli', 'action', 'front-door']],
    ['ly07 front-door/ (what both doors share) imports neither door', ['front-door'], ['cli', 'action']],
    ['ly04 the two front doors do not import each other', ['cli'], ['action']],
    ['ly05 the two front doors do not import each other (the other way)', ['action'], ['cli']],
    [
      'ly06 pure release/ and mercure/ reach neither the engine nor the network',
      ['release', 'mercure'],
      ['engine', 'registry', 'hub', 'retry'],
    ],
  ])('%s', (_name, from, to) => {
    expect(arrows(from, to)).toEqual([]);
  });
});
