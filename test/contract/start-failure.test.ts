import { describe, expect, it } from 'vitest';
import { classifyStart, elfArchitecture, execFailureInLog } from '../../src/contract/start-failure.js';

/** The Engine's and runc's words for each way a start fails (Docker 20.10 / runc 1.0 and 1.1). */
const REASONS: [name: string, message: string, kind: string][] = [
  [
    'not executable',
    'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/e.sh": permission denied: unknown',
    'not-executable',
  ],
  [
    'missing',
    'OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "/app/e.sh": stat /app/e.sh: no such file or directory: unknown',
    'missing',
  ],
  ['not on PATH', 'exec: "cat": executable file not found in $PATH: unknown', 'missing'],
  [
    'runc 1.0 interpreter',
    'starting container process caused: exec: "/app/e.sh": no such file or directory: unknown',
    'no-interpreter',
  ],
  ['runc 1.0 format', 'starting container process caused: exec format error: unknown', 'exec-format'],
  ['user', 'unable to find user mercure: no matching entries in passwd file', 'user'],
  ['group', 'unable to find group staff: no matching entries in group file', 'user'],
  ['workdir file', 'Cannot mkdir: /app is not a directory', 'workdir'],
  ['workdir chdir', 'chdir to cwd ("/data") set in config.json failed: not a directory: unknown', 'workdir'],
  ['other', 'Unknown runtime specified nvidia', 'other'],
];

describe('classifyStart', () => {
  it.each(REASONS)('%s', (_name, message, kind) => {
    expect(classifyStart(message).kind).toBe(kind);
  });
});

describe('execFailureInLog', () => {
  it('reads runc 1.1 exec failures when they are all the container logged', () => {
    expect(execFailureInLog(['2026-12-01T20:00:00.1Z exec /app/e.sh: no such file or directory'])).toEqual({
      kind: 'no-interpreter',
      path: '/app/e.sh',
    });
    expect(execFailureInLog(['exec /app/m: exec format error'])?.kind).toBe('exec-format');
  });

  it('leaves a module that printed such a line among others alone', () => {
    expect(execFailureInLog(['starting', 'exec /app/m: exec format error'])).toBeUndefined();
    expect(execFailureInLog(['sh: exec: line 1: foo: not found'])).toBeUndefined();
  });
});

describe('elfArchitecture', () => {
  const elf = (machine: number) => {
    const head = Buffer.alloc(64);
    head.write('\x7fELF', 0, 'latin1');
    head[4] = 2;
    head[5] = 1;
    head.writeUInt16LE(machine, 18);
    return head;
  };
  it('names the CPU of an ELF header, and nothing for a script', () => {
    expect(elfArchitecture(elf(183))).toBe('arm64');
    expect(elfArchitecture(elf(62))).toBe('amd64');
    expect(elfArchitecture(Buffer.from('#!/bin/sh\n'))).toBeUndefined();
  });
});
