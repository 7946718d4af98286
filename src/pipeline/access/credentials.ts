import { ModuleError } from '../../errors.js';
import type { Credentials } from '../../registry/auth.js';

/** Environment variables read for a registry login when none is passed explicitly. */
export const CREDENTIAL_ENV = { username: 'MERCURE_REGISTRY_USERNAME', password: 'MERCURE_REGISTRY_PASSWORD' } as const;

/** The source registry's login for promote (the target's comes from CREDENTIAL_ENV or stdin). */
export const SOURCE_CREDENTIAL_ENV = {
  username: 'MERCURE_SOURCE_REGISTRY_USERNAME',
  password: 'MERCURE_SOURCE_REGISTRY_PASSWORD',
} as const;

/**
 * The login to use: explicit values first, then the environment. Both parts or neither: half a
 * login is a mistake worth stopping for, not a reason to push anonymously.
 */
export function resolveCredentials(
  explicit: { username?: string | undefined; password?: string | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
  names: { username: string; password: string } = CREDENTIAL_ENV,
): Credentials | undefined {
  const username = explicit.username ?? env[names.username];
  const password = explicit.password ?? env[names.password];
  if (!username && !password) return undefined;
  if (!username)
    throw new ModuleError('credentials-incomplete', `a registry password was given but no username`, {
      hint: `Pass the username option or set ${names.username}.`,
    });
  if (!password) {
    throw new ModuleError('credentials-incomplete', `registry user ${username} was given without a password`, {
      hint: (say) => `Set ${names.password}, or give it with ${say.option('password')} (never on a command line).`,
    });
  }
  return { username, password };
}
