import { ModuleError } from '../errors.js';
import { CREDENTIAL_ENV, resolveCredentials } from '../pipeline/access/credentials.js';
import type { Credentials } from '../registry/auth.js';

/** Reads a password piped on stdin (`--password-stdin`), so that it never sits on a command line. */
async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The login from --username, --password-stdin and the environment. */
export async function cliCredentials(
  opts: { username?: string; passwordStdin?: boolean },
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Credentials | undefined> {
  let password: string | undefined;
  if (opts.passwordStdin) {
    password = await readStdin(stdin);
    if (!password) throw new ModuleError('credentials-incomplete', '--password-stdin was given but stdin was empty');
  }
  const login = resolveCredentials({ username: opts.username, password });
  if (!login) return undefined;
  return { ...login, origin: `from ${opts.username !== undefined ? '--username' : CREDENTIAL_ENV.username}` };
}
