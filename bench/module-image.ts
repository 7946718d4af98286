// The big module image the push benches publish: the local Python base (~230 MB), two layers of
// library-like files (Python sources and shared-object-like binaries that gzip to about a third,
// as site-packages do) and a layer of model weights (float32 values that gzip hardly shrinks), then
// a small layer of module code, the one a re-release changes. Generated from a seed, so every run
// and both sides push the same bytes; built with the engine's own builder into local tags.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { execa } from 'execa';

export const PYTHON_BASE = 'mmk-base/python-pydicom:bookworm';
const MiB = 1024 * 1024;

/** xorshift32 from a seed: fast, and the same bytes on every machine. */
export function prng(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Python-like source text: lines from a skewed set (code repeats its idioms), a share of fresh lines, indentation. */
export function sourcePool(bytes: number, random: () => number): Buffer {
  const letters = 'abcdefghijklmnopqrstuvwxyz_';
  const vocabulary = Array.from({ length: 3000 }, () => {
    let word = '';
    const length = 3 + Math.floor(random() * 10);
    for (let i = 0; i < length; i++) word += letters[Math.floor(random() * letters.length)];
    return word;
  });
  const keywords = [
    'def ',
    'return ',
    'if ',
    'for ',
    ' in ',
    'self.',
    'import ',
    'class ',
    'None',
    ' = ',
    '(',
    ')',
    ', ',
  ];
  // Zipf-like: a few names are everywhere, most are rare, as in real code.
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)] ?? 'x';
  const freshLine = () => {
    let line = '    '.repeat(Math.floor(random() * 4));
    const tokens = 2 + Math.floor(random() * 7);
    for (let t = 0; t < tokens; t++) {
      const r = random();
      line +=
        r < 0.5
          ? word()
          : r < 0.9
            ? (keywords[Math.floor(random() * keywords.length)] ?? '')
            : String(Math.floor(random() * 1000));
    }
    return `${line}\n`;
  };
  const idioms = Array.from({ length: 1500 }, freshLine);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = random() < 0.05 ? freshLine() : (idioms[Math.floor(idioms.length * random() ** 3)] ?? '\n');
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Shared-object-like bytes: machine-code-ish runs (a skewed opcode alphabet), zero padding, symbol strings. */
export function binaryPool(bytes: number, random: () => number, text: Buffer): Buffer {
  const out = Buffer.alloc(bytes);
  const opcodes = Array.from({ length: 48 }, () => Math.floor(random() * 256));
  let at = 0;
  while (at < bytes) {
    const r = random();
    const run = Math.min(bytes - at, 64 + Math.floor(random() * 4096));
    if (r < 0.3) {
      for (let i = 0; i < run; i++)
        out[at + i] =
          random() < 0.8 ? (opcodes[Math.floor(opcodes.length * random() ** 2)] ?? 0) : Math.floor(random() * 256);
    } else if (r < 0.72 && at > 16384) {
      // Code repeats its instruction patterns nearby: a copy of something in the last 16 KB.
      const from = at - 16384 + Math.floor(random() * (16384 - run));
      out.copy(out, at, Math.max(0, from), Math.max(0, from) + run);
    } else if (r < 0.8) {
      out.fill(0, at, at + run);
    } else {
      const from = Math.floor(random() * (text.length - run));
      text.copy(out, at, from, from + run);
    }
    at += run;
  }
  return out;
}

/** float32 weights around zero (a trained network's): their exponents repeat, their mantissas do not. */
export async function writeWeights(file: string, bytes: number, random: () => number): Promise<void> {
  const out = createWriteStream(file);
  const block = new Float32Array(MiB / 4);
  for (let left = bytes; left > 0; left -= MiB) {
    for (let i = 0; i < block.length; i++) {
      // Box-Muller, one value of each pair.
      const u = random() || 1e-9;
      block[i] = 0.02 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    }
    const chunk = Buffer.from(block.buffer).subarray(0, Math.min(left, MiB));
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Writes `bytes` of library-like files under `dir`: slices of the pools, 4 KB to 400 KB a file. */
export async function writeLibraries(dir: string, bytes: number, seed: string): Promise<void> {
  const random = prng(seed);
  const source = sourcePool(24 * MiB, random);
  const binary = binaryPool(24 * MiB, random, source);
  let written = 0;
  for (let n = 0; written < bytes; n++) {
    const pkg = path.join(dir, `pkg${Math.floor(n / 50)}`);
    if (n % 50 === 0) await mkdir(pkg, { recursive: true });
    const so = random() < 0.5;
    const pool = so ? binary : source;
    const size = Math.min(bytes - written, 4096 + Math.floor(random() ** 2 * 400 * 1024));
    const from = Math.floor(random() * (pool.length - size));
    await writeFile(
      path.join(pkg, `mod${n}${so ? '.cpython-311-x86_64-linux-gnu.so' : '.py'}`),
      pool.subarray(from, from + size),
    );
    written += size;
  }
}

/** Sizes of the generated parts, in MiB. */
export interface ModuleImageSizes {
  libraryMiB: number;
  weightsMiB: number;
  /** The base image (default: the Python base). */
  base?: string;
}

/** The built images: `v1` and `v2` differ only in the last (module code) layer. */
export interface ModuleImages {
  v1: string;
  v2: string;
  /** Removes the local tags and the build folder. */
  remove(): Promise<void>;
}

/** Builds the module image twice (two versions of the module code) under local tags `name:v1`, `name:v2`. */
export async function buildModuleImages(name: string, sizes: ModuleImageSizes): Promise<ModuleImages> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-image-'));
  const tags = [`${name}:v1`, `${name}:v2`];
  try {
    const half = Math.round((sizes.libraryMiB * MiB) / 2);
    await writeLibraries(path.join(dir, 'site-packages'), half, 'site-packages');
    await writeLibraries(path.join(dir, 'native'), sizes.libraryMiB * MiB - half, 'native');
    await mkdir(path.join(dir, 'model'));
    await writeWeights(path.join(dir, 'model', 'weights.bin'), sizes.weightsMiB * MiB, prng('weights'));
    await mkdir(path.join(dir, 'app'));
    await writeFile(
      path.join(dir, 'Dockerfile'),
      [
        `FROM ${sizes.base ?? PYTHON_BASE}`,
        'COPY site-packages/ /usr/local/lib/python3.11/site-packages/',
        'COPY native/ /usr/local/lib/native/',
        'COPY model/ /opt/model/',
        'COPY app/ /app/',
        'CMD ["python3", "/app/module.py"]',
        '',
      ].join('\n'),
    );
    for (const [i, tag] of tags.entries()) {
      await writeFile(path.join(dir, 'app', 'module.py'), `# release ${i + 1}\nprint("module ${i + 1}")\n`);
      await execa('docker', ['build', '--quiet', '--tag', tag, '.'], { cwd: dir, env: { DOCKER_BUILDKIT: '0' } });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    v1: tags[0] ?? '',
    v2: tags[1] ?? '',
    remove: async () => {
      await execa('docker', ['rmi', ...tags], { reject: false });
    },
  };
}
