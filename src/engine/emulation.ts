// Whether this engine can run an image of a given platform: natively (the engine's own CPU), under
// user-mode emulation (a QEMU handler registered in the kernel's binfmt_misc, as qemu-user-static
// or docker/setup-qemu-action register them), or not at all. We only read binfmt_misc: registering
// a handler changes the whole machine, so that stays the machine owner's decision.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { formatPlatform, platformOf, type Platform } from '../registry/platform.js';

/** How an image of some platform runs on this engine. */
export type PlatformRun =
  | { how: 'native' }
  | { how: 'emulated'; handler: string; interpreter: string }
  /** No handler for that CPU: its programs fail with "exec format error". */
  | { how: 'none'; reason: string }
  /** binfmt_misc cannot be read here (not mounted, or a remote engine): only a run can tell. */
  | { how: 'unknown' };

/** Where the kernel lists its binfmt_misc handlers. */
export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/**
 * The ELF header fields of each CPU in Docker's spelling (e_machine, 32/64-bit, big-endian): a
 * handler is found by the magic it matches, not by its name.
 */
const ELF_CPU: Record<string, { machine: number; bits: 32 | 64; bigEndian?: true }> = {
  '386': { machine: 3, bits: 32 },
  amd64: { machine: 62, bits: 64 },
  arm: { machine: 40, bits: 32 },
  arm64: { machine: 183, bits: 64 },
  mips64le: { machine: 8, bits: 64 },
  ppc64le: { machine: 21, bits: 64 },
  riscv64: { machine: 243, bits: 64 },
  s390x: { machine: 22, bits: 64, bigEndian: true },
};

/** The engine's own platform (`docker info`: OSType and Architecture). */
export async function enginePlatform(docker: Docker): Promise<Platform> {
  const info = (await docker.info()) as { OSType?: string; Architecture?: string };
  return platformOf({ os: info.OSType ?? 'linux', architecture: info.Architecture ?? 'amd64' });
}

/**
 * How `platform` runs on the engine whose platform is `engine`. `binfmtDir` is read only when the
 * engine is on this machine (`local`); otherwise, and where it is not mounted, the answer is 'unknown'.
 */
export async function platformRun(
  platform: Platform,
  engine: Platform,
  options: { local: boolean; binfmtDir?: string },
): Promise<PlatformRun> {
  // The engine's own CPU runs its own programs; arm/v7 on arm64 and 386 on amd64 are left to a run.
  if (platform.os === engine.os && platform.architecture === engine.architecture) return { how: 'native' };
  if (!options.local) return { how: 'unknown' };
  const dir = options.binfmtDir ?? BINFMT_DIR;
  const names = await readdir(dir).catch(() => undefined);
  if (!names?.includes('status')) return { how: 'unknown' };
  const cpu = formatPlatform(platform);
  const enabled = (await readFile(path.join(dir, 'status'), 'utf8').catch(() => '')).trim() === 'enabled';
  if (!enabled) return { how: 'none', reason: `binfmt_misc is disabled on this machine, so no emulator runs ${cpu}` };
  const elf = ELF_CPU[platform.architecture];
  for (const name of names.filter((n) => n !== 'status' && n !== 'register').sort()) {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
    const handler = parseHandler(text);
    if (handler?.enabled && elf && matchesElf(handler, elf)) {
      return { how: 'emulated', handler: name, interpreter: handler.interpreter };
    }
  }
  return {
    how: 'none',
    reason: `no binfmt_misc handler on this machine runs ${platform.architecture} programs (no QEMU user emulation registered)`,
  };
}

/** One handler file of binfmt_misc. */
interface Handler {
  enabled: boolean;
  interpreter: string;
  offset: number;
  magic: Buffer;
  mask: Buffer | undefined;
}

/** A handler file as the kernel prints it: `enabled`, `interpreter P`, `flags: F`, `offset N`, `magic HEX`, `mask HEX`. */
export function parseHandler(text: string): Handler | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const field = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);
  const magic = field('magic');
  if (!magic) return undefined; // an extension handler (`extension .exe`) matches no ELF file
  const mask = field('mask');
  return {
    enabled: lines[0] === 'enabled',
    interpreter: field('interpreter') ?? '',
    offset: Number(field('offset') ?? 0),
    magic: Buffer.from(magic, 'hex'),
    mask: mask ? Buffer.from(mask, 'hex') : undefined,
  };
}

/** Whether a handler's magic (under its mask) matches the header of an ELF executable of that CPU. */
function matchesElf(handler: Handler, cpu: { machine: number; bits: 32 | 64; bigEndian?: true }): boolean {
  const header = Buffer.alloc(20);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, cpu.bits === 64 ? 2 : 1, cpu.bigEndian ? 2 : 1, 1]).copy(header, 0);
  if (cpu.bigEndian) {
    header.writeUInt16BE(2, 16); // ET_EXEC
    header.writeUInt16BE(cpu.machine, 18);
  } else {
    header.writeUInt16LE(2, 16);
    header.writeUInt16LE(cpu.machine, 18);
  }
  if (handler.offset !== 0 || handler.magic.length > header.length) return false;
  for (let i = 0; i < handler.magic.length; i++) {
    const mask = handler.mask?.[i] ?? 0xff;
    if (((header[i] ?? 0) & mask) !== ((handler.magic[i] ?? 0) & mask)) return false;
  }
  return true;
}
