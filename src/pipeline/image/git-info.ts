import { execa } from 'execa';

/** What git knows about a module folder; every field is undefined outside a git work tree. */
export interface GitInfo {
  revision?: string;
  remote?: string;
  /** True when tracked files have uncommitted changes (the revision label would then mislead). */
  dirty?: boolean;
}

async function git(dir: string, args: string[]): Promise<string | undefined> {
  const result = await execa('git', args, { cwd: dir, reject: false, stdin: 'ignore' });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Reads the commit, the origin remote and whether the tree is dirty, without failing outside git. */
export async function readGitInfo(dir: string): Promise<GitInfo> {
  const revision = await git(dir, ['rev-parse', 'HEAD']);
  if (!revision) return {};
  const info: GitInfo = { revision };
  const remote = await git(dir, ['remote', 'get-url', 'origin']);
  if (remote) info.remote = remote;
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no', '--', '.']);
  info.dirty = status !== undefined && status.length > 0;
  return info;
}
