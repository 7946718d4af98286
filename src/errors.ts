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
 * Options and commands a library message may point the user at. Each front door spells them its
 * own way (`--force` on the command line, `force: true` in a workflow, `force: true` in code), and
 * some have none (the Action cannot skip validation), so library text names the key, not a flag.
 */
export type OptionKey =
  | 'force'
  | 'changeVisibility'
  | 'skipValidate'
  | 'visibility'
  | 'description'
  | 'readme'
  | 'pusher'
  | 'source'
  | 'platforms'
  | 'skipSmokePlatforms'
  | 'password'
  | 'username'
  | 'secret'
  | 'image'
  | 'command:validate'
  | 'command:release'
  | 'command:build';

/** Options that are switched on rather than given a value. */
const SWITCHES: readonly OptionKey[] = ['force', 'changeVisibility', 'skipValidate'];

/** How a front door names options: `option` spells one (set to `value`), `has` says whether it has it. */
export interface Spelling {
  option(key: OptionKey, value?: string): string;
  has(key: OptionKey): boolean;
}

/** Text that may name options: a string, or a function of the spelling of the door that shows it. */
export type Said = string | ((say: Spelling) => string);

/**
 * A Spelling from a door's table of names. `flag` spells `--force` / `--visibility private`,
 * `input` spells `force: true` / `visibility: private`; a `command:` entry is used as it stands.
 * A key the table lacks is spelled as the library spells it, and `has` is false.
 */
export function spellingFrom(names: Partial<Record<OptionKey, string>>, style: 'flag' | 'input'): Spelling {
  return {
    has: (key) => names[key] !== undefined,
    option(key, value) {
      const name = names[key];
      if (name === undefined) return librarySpelling.option(key, value);
      if (key.startsWith('command:')) return name;
      if (style === 'flag') return value === undefined ? name : `${name} ${value}`;
      if (value !== undefined) return `${name}: ${value}`;
      return SWITCHES.includes(key) ? `${name}: true` : name;
    },
  };
}

/** The library's own spelling: the option's property (`force: true`), the verb (`validate()`). */
export const librarySpelling: Spelling = {
  has: () => true,
  option(key, value) {
    if (key.startsWith('command:')) return `${key.slice('command:'.length)}()`;
    if (key === 'password') return 'credentials';
    if (value !== undefined) return `${key}: '${value}'`;
    return SWITCHES.includes(key) ? `${key}: true` : key;
  },
};

const say = (text: Said | undefined, spelling: Spelling): string | undefined =>
  typeof text === 'function' ? text(spelling) : text;

/**
 * The one error type for failures a user can act on. Its message says what is wrong, `hint` what to
 * do next; the CLI prints both on one or two lines and never a stack trace. Anything else is a bug.
 * `message` and `hint` are spelled for library callers; a front door shows `told(itsSpelling)`.
 */
export class ModuleError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly #said: { message: Said; hint: Said | undefined };

  constructor(code: string, message: Said, options: { kind?: ErrorKind; hint?: Said; cause?: unknown } = {}) {
    super(say(message, librarySpelling), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModuleError';
    this.code = code;
    this.kind = options.kind ?? 'usage';
    this.hint = say(options.hint, librarySpelling);
    this.#said = { message, hint: options.hint };
  }

  /** The message and hint as the front door with `spelling` names its options. */
  told(spelling: Spelling): { message: string; hint: string | undefined } {
    return { message: say(this.#said.message, spelling) ?? this.message, hint: say(this.#said.hint, spelling) };
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
