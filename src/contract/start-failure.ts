/**
 * Every way a container can fail to start, as a finding: the runtime's reason put into words and
 * what to do. mercure sees each as a docker.errors.APIError ("API error while trying to run
 * Docker container") or, with runc 1.1 and later, as exit code 1 with one `exec ...` log line.
 */
import type { ImageFileHead } from '../engine/image-file.js';
import type { FindingCode } from './codes.js';
import { finding, type Finding } from './finding.js';

/** The run-time "exec" failure runc >= 1.1 reports from inside the started container (exit 1). */
const EXEC_LOG = /^exec (\S.*): (no such file or directory|exec format error|permission denied)$/;

/** Which start-failure case a message is, and the path it names. */
export type StartCase =
  | { kind: 'not-executable'; path: string }
  | { kind: 'missing'; path: string }
  | { kind: 'no-interpreter'; path: string }
  | { kind: 'exec-format'; path: string }
  | { kind: 'user'; user: string }
  | { kind: 'workdir'; path: string; why: string }
  | { kind: 'other' };

/** Classifies the Engine's reason for a failed create/start. */
export function classifyStart(message: string): StartCase {
  let m: RegExpExecArray | null;
  if ((m = /exec: "([^"]*)": permission denied/.exec(message))) return { kind: 'not-executable', path: m[1] ?? '' };
  if (
    (m = /exec: "([^"]*)": (?:stat [^:]*: no such file or directory|executable file not found in \$PATH)/.exec(message))
  )
    return { kind: 'missing', path: m[1] ?? '' };
  if ((m = /exec: "([^"]*)": no such file or directory/.exec(message)))
    return { kind: 'no-interpreter', path: m[1] ?? '' };
  if ((m = /(?:exec: "([^"]*)": |exec ([^:]*): )?exec format error/.exec(message)))
    return { kind: 'exec-format', path: m[1] ?? m[2] ?? '' };
  if ((m = /unable to find (?:user|group) ([^:]+): no matching entries/.exec(message)))
    return { kind: 'user', user: m[1] ?? '' };
  if ((m = /Cannot mkdir: (.*) is not a directory/.exec(message)))
    return { kind: 'workdir', path: m[1] ?? '', why: 'it is a file, not a folder' };
  if ((m = /chdir to cwd \("([^"]*)"\) set in config\.json failed: ([^:]+)/.exec(message)))
    return { kind: 'workdir', path: m[1] ?? '', why: m[2] ?? '' };
  return { kind: 'other' };
}

/** The one `exec PATH: reason` line of a container that runc could not exec into, if that is all it logged. */
export function execFailureInLog(log: readonly string[]): StartCase | undefined {
  const lines = log.map((l) => l.replace(/^\S+Z /, '').trim()).filter((l) => l.length > 0);
  if (lines.length !== 1) return undefined;
  const m = EXEC_LOG.exec(lines[0] ?? '');
  if (!m) return undefined;
  const path = m[1] ?? '';
  if (m[2] === 'exec format error') return { kind: 'exec-format', path };
  if (m[2] === 'permission denied') return { kind: 'not-executable', path };
  return { kind: 'no-interpreter', path };
}

const ELF_MACHINES: Record<number, string> = {
  3: '386',
  8: 'mips',
  20: 'ppc',
  21: 'ppc64le',
  22: 's390x',
  40: 'arm',
  62: 'amd64',
  183: 'arm64',
  243: 'riscv64',
};
const NODE_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The CPU an ELF file was built for (docker platform spelling), or undefined when not ELF. */
export function elfArchitecture(head: Buffer): string | undefined {
  if (head.length < 20 || head.toString('latin1', 0, 4) !== '\x7fELF') return undefined;
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  return ELF_MACHINES[machine] ?? `ELF machine ${machine}`;
}

/** The `#!` line of a script head, with a CR kept so that CRLF can be named. */
function shebang(head: Buffer): string | undefined {
  const text = head.toString('latin1');
  if (!text.startsWith('#!')) return undefined;
  return text.slice(2).split('\n')[0];
}

/**
 * The finding for a start failure. `head` is the start of the file the runtime tried to exec,
 * read from the image, so that a missing interpreter, CRLF line endings and a foreign CPU can
 * be told apart; `probe` says it was mercure's startup probe that could not start.
 */
export function startFailureFinding(
  reason: string,
  start: StartCase,
  where: { image: string; probe: boolean; head?: ImageFileHead | undefined; hostArch?: string },
): Finding {
  const prefix = where.probe
    ? "mercure's startup probe (`cat /etc/monai/app.json`) could not start"
    : 'the container could not start';
  const make = (code: FindingCode, words: string, hint?: string) =>
    finding(code, `${prefix}: ${words} (the runtime said: ${reason.trim()})`, {
      file: where.image,
      ...(hint ? { hint } : {}),
    });
  const head = where.head?.kind === 'file' ? where.head.head : undefined;
  switch (start.kind) {
    case 'not-executable':
      return make('start-not-executable', `${start.path} is not executable`);
    case 'missing':
      if (where.probe && start.path === 'cat')
        return finding(
          'probe-no-cat',
          `${prefix}: the image has no \`cat\` on its PATH (the runtime said: ${reason.trim()})`,
          {
            file: where.image,
          },
        );
      return make('start-entry-missing', `${start.path} does not exist in the image`);
    case 'no-interpreter': {
      const line = head ? shebang(head) : undefined;
      if (line?.endsWith('\r'))
        return make(
          'start-entry-crlf',
          `${start.path} starts with "#!${line.slice(0, -1)}\\r": CRLF line endings make the interpreter "${line.slice(0, -1)}\\r", which does not exist`,
        );
      if (line !== undefined) {
        const interpreter = line.trim().split(/\s+/)[0] ?? line;
        return make(
          'start-interpreter-missing',
          `${start.path} asks for the interpreter ${interpreter}, which the image does not have`,
        );
      }
      if (head && elfArchitecture(head))
        return make(
          'start-interpreter-missing',
          `${start.path} is a dynamically linked program whose loader (e.g. /lib/ld-linux*.so or /lib/ld-musl*.so) is missing in the image`,
          'Build the program against the C library of the final image (musl vs glibc), link it statically, or copy its libraries into the image.',
        );
      return make(
        'start-interpreter-missing',
        `${start.path} (or the interpreter it names) does not exist in the image`,
      );
    }
    case 'exec-format': {
      const arch = head ? elfArchitecture(head) : undefined;
      if (head && arch === undefined)
        return make(
          'start-exec-format',
          `${start.path} is neither a program nor a script with a #! line`,
          'Start the script with `#!/bin/sh` (or the interpreter it needs), or run it through an interpreter in CMD.',
        );
      return make(
        'start-exec-format',
        `${start.path} is built for ${arch ?? 'another CPU'}, and this engine runs ${where.hostArch ?? 'another'} (exec format error)`,
      );
    }
    case 'user':
      return make(
        'start-user-unknown',
        `the image's USER ${start.user} is not defined in its /etc/passwd (or /etc/group)`,
      );
    case 'workdir':
      return make('start-workdir', `the working directory ${start.path} cannot be entered: ${start.why}`);
    case 'other':
      return make('start-failed', 'the Docker Engine refused to start it');
  }
}

/** The engine's CPU in docker's platform spelling, from Node's name for this machine's. */
export function hostArchitecture(nodeArch: string = process.arch): string {
  return NODE_ARCH[nodeArch] ?? nodeArch;
}
