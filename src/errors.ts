/** Why a command failed, as a process exit code (documented in README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** The module broke the contract (error findings), or a publish was refused by our rules. */
  findings: 1,
  /** The user's input is wrong: a missing folder, a bad option value, bad JSON. */
  usage: 2,
  /** Something outside us is unreachable or refused: the engine, a registry, credentials. */
  environment: 3,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorKind = 'usage' | 'environment' | 'refused';

/**
 * The one error type for failures a user can act on. Its message says what is wrong, `hint` what to
 * do next; the CLI prints both on one or two lines and never a stack trace. Anything else is a bug.
 */
export class ModuleError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { kind?: ErrorKind; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModuleError';
    this.code = code;
    this.kind = options.kind ?? 'usage';
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    if (this.kind === 'environment') return ExitCode.environment;
    if (this.kind === 'refused') return ExitCode.findings;
    return ExitCode.usage;
  }
}

export function isModuleError(error: unknown): error is ModuleError {
  return error instanceof ModuleError;
}

/**
 * Text with its control characters (terminal escapes, NULs, newlines) written as \\uXXXX; with
 * `keepLineBreaks`, tabs and newlines stay as they are (multi-line error messages).
 */
export function escapeControl(value: string, options: { keepLineBreaks?: boolean } = {}): string {
  const pattern = options.keepLineBreaks
    ? /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
    : /[\u0000-\u001f\u007f-\u009f]/g;
  return value.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A piece of user input fit for a one-line message: control characters escaped, long input cut. */
export function inputForMessage(value: string, max = 120): string {
  const escaped = escapeControl(value);
  return escaped.length <= max ? escaped : `${escaped.slice(0, max)}… (${value.length} characters)`;
}
