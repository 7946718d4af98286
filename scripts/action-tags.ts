// The kit's own floating git tags: a pushed v1.2.3 moves v1.2 and v1 to it, forward only, by the
// same rules as a module's image tags (planTags with the variant prefix "v" and no latest): an
// older patch never drags v1 back behind a newer minor, and a prerelease moves nothing.
//   npx tsx scripts/action-tags.ts v1.2.3      prints the tags to move, one a line (reasons on stderr)
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { planTags } from '../src/release/index.js';

/** Which floating tags a release tag moves, and which it leaves, with the reasons. */
export interface ActionTagPlan {
  /** The release tag itself, normalised (v1.2.3). */
  release: string;
  move: { tag: string; reason: string }[];
  keep: { tag: string; reason: string }[];
}

/** The floating tags (v1.2, v1) that `release` moves, given every tag the repository has. */
export function planActionTags(release: string, existing: readonly string[]): ActionTagPlan {
  if (!/^v\d/.test(release)) throw new Error(`${release} is not a release tag: expected v1.2.3`);
  const plan = planTags(release.slice(1), existing, { prefix: 'v', latest: false });
  const [own, ...floating] = plan.tags;
  return {
    release: own?.tag ?? release,
    move: floating.filter((t) => t.kind === 'minor' || t.kind === 'major').map(({ tag, reason }) => ({ tag, reason })),
    // `latest` is not a git tag of ours: it is withheld by the options, not kept back.
    keep: plan.skipped.filter((t) => t.tag !== 'vlatest').map(({ tag, reason }) => ({ tag, reason })),
  };
}

function main(argv: string[]): void {
  const release = argv[0];
  if (!release) throw new Error('usage: action-tags.ts vMAJOR.MINOR.PATCH');
  const existing = execFileSync('git', ['tag', '--list', 'v*'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (!existing.includes(release)) throw new Error(`${release} is not a tag of this repository`);
  const plan = planActionTags(release, existing);
  for (const { reason } of [...plan.move, ...plan.keep]) process.stderr.write(`${reason}\n`);
  for (const { tag } of plan.move) process.stdout.write(`${tag}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`action-tags: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
