import { execa } from 'execa';
import { inputForMessage, ModuleError } from '../errors.js';

/** How long a credential helper may take to answer; a keychain waiting for an unlock prompt must not hang a release. */
export const HELPER_TIMEOUT_MS = 20_000;

/** What `docker-credential-NAME get` answered: a login, or that it holds none for that server. */
export type HelperAnswer = { username: string; secret: string } | undefined;

/** A credential helper's answer is a few hundred bytes; more is not an answer. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** The Username a helper answers with when the secret is an identity token (docker-credential-helpers). */
export const IDENTITY_TOKEN_USER = '<token>';

/**
 * Asks credential helper `name` for the login of `server` through the documented protocol:
 * `docker-credential-NAME get`, the server URL on stdin, `{"Username","Secret"}` on stdout;
 * "credentials not found" means none. A helper that is missing, fails, hangs or answers
 * something else is a ModuleError naming the helper; its output never enters the message when
 * it exited 0, since that output may be the secret itself.
 */
export async function helperGet(
  name: string,
  server: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<HelperAnswer> {
  const program = `docker-credential-${name}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw helperError(name, `is not a credential helper name`, 'Name a helper as `docker login` does, e.g. "pass".');
  }
  const timeoutMs = options.timeoutMs ?? HELPER_TIMEOUT_MS;
  const result = await execa(program, ['get'], {
    input: server,
    env: options.env ?? process.env,
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
    forceKillAfterDelay: 1_000,
    maxBuffer: MAX_ANSWER_BYTES,
    stripFinalNewline: true,
    stderr: 'pipe',
  });
  if (result.timedOut) {
    throw helperError(
      name,
      `did not answer within ${timeoutMs / 1000} s`,
      'Unlock the keychain it reads, or fix the helper.',
    );
  }
  if (result.exitCode === undefined) {
    const missing = /ENOENT/.test(String(result.code ?? '')) || /ENOENT/.test(result.message ?? '');
    throw helperError(
      name,
      missing ? `is not installed (${program} is not on PATH)` : 'could not be started',
      `Install ${program}, or remove it from the Docker config, or give the login as an option.`,
    );
  }
  const stdout = typeof result.stdout === 'string' ? result.stdout.trim() : '';
  if (result.exitCode !== 0) {
    // The protocol's own answer for "nothing stored for that server".
    if (/credentials not found/i.test(stdout)) return undefined;
    const stderr = typeof result.stderr === 'string' ? result.stderr.trim() : '';
    const said = (stdout || stderr).split('\n')[0] ?? '';
    throw helperError(
      name,
      `failed (exit code ${result.exitCode})${said ? `: ${inputForMessage(said, 200)}` : ''}`,
      'Fix the helper (try `echo SERVER | ' + program + ' get`), or give the login as an option.',
    );
  }
  if (result.isMaxBuffer) throw helperError(name, 'answered with more than 64 KiB', 'Fix the helper.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    parsed = undefined;
  }
  const answer = parsed as { Username?: unknown; Secret?: unknown } | undefined;
  if (typeof answer !== 'object' || answer === null || typeof answer.Secret !== 'string' || !answer.Secret) {
    throw helperError(
      name,
      'answered with something that is not a login ({"Username": …, "Secret": …})',
      `Check that ${program} speaks the Docker credential helper protocol.`,
    );
  }
  return { username: typeof answer.Username === 'string' ? answer.Username : '', secret: answer.Secret };
}

function helperError(name: string, what: string, hint: string): ModuleError {
  return new ModuleError('credential-helper', `credential helper ${inputForMessage(name, 60)} ${what}`, {
    kind: 'environment',
    hint,
  });
}
