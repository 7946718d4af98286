/**
 * Reading a file someone named (a Dockerfile, a settings or scope file, a task.json): regular files
 * only, and only up to a size. A FIFO read blocks forever (a synchronous read blocks the event loop,
 * so not even SIGTERM is handled); a device never ends. The file is opened non-blocking and checked
 * through its own descriptor, so nothing can swap it between the check and the read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a named file was not read. */
export class FileReadError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'not-regular' | 'too-large' | 'unreadable',
    readonly size?: number,
    /** What the file is instead, for not-regular: "a FIFO (named pipe)", "a folder", … */
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

/** A Docker Hub full description is at most 25,000 bytes; a README past 1 MiB is a mistake. */
export const MAX_README_BYTES = 1024 * 1024;

/** The largest settings file read (module settings are a few keys). */
export const MAX_SETTINGS_FILE_BYTES = 16 * 1024 * 1024;

/** The largest task.json read: mercure writes a few KB. */
export const MAX_TASK_BYTES = 16 * 1024 * 1024;

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** "a FIFO (named pipe)", "a folder", … : what a non-regular file is, for messages. */
export function kindOfFile(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** A byte count for messages: 1 MiB, 8.0 MB. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${bytes} bytes`;
}

function check(info: Stats, file: string, maxBytes: number): void {
  if (!info.isFile()) {
    const kind = kindOfFile(info);
    throw new FileReadError(`${file} is ${kind}, not a regular file`, 'not-regular', undefined, kind);
  }
  if (info.size > maxBytes)
    throw new FileReadError(
      `${file} is ${sizeText(info.size)}, more than the ${sizeText(maxBytes)} it may have`,
      'too-large',
      info.size,
    );
}

function openFailure(error: unknown, file: string): FileReadError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileReadError(`${file} does not exist`, 'missing');
  if (code === 'EISDIR')
    return new FileReadError(`${file} is a folder, not a regular file`, 'not-regular', undefined, 'a folder');
  if (code === 'ENXIO')
    return new FileReadError(`${file} is a socket, not a regular file`, 'not-regular', undefined, 'a socket');
  return new FileReadError(`${file} cannot be read: ${(error as Error).message}`, 'unreadable');
}

/** The bytes of a regular file of at most maxBytes; FileReadError for anything else. */
export async function readRegularFile(file: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(file, FLAGS).catch((error: unknown) => {
    throw openFailure(error, file);
  });
  try {
    check(await handle.stat(), file, maxBytes);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** readRegularFile as text. */
export async function readRegularText(file: string, maxBytes: number): Promise<string> {
  return (await readRegularFile(file, maxBytes)).toString('utf8');
}

/** The synchronous form, for option parsers that cannot wait. */
export function readRegularTextSync(file: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(file, FLAGS);
  } catch (error) {
    throw openFailure(error, file);
  }
  try {
    const info = fstatSync(fd);
    check(info, file, maxBytes);
    const buffer = Buffer.alloc(info.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
