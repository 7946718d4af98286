import type { Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { escapeControl, inputForMessage } from '../errors.js';
import { readDicomHeader } from '../mercure/dicom.js';
import { finding, type Finding } from './finding.js';

/** One file the module wrote, as mercure will see it. */
export interface OutputFile {
  /** Path relative to out/, control characters escaped (it is the module's text). */
  name: string;
  size: number;
  kind: 'dicom' | 'result.json' | 'other';
  seriesInstanceUid?: string;
}

/** A folder's files with size and a change fingerprint, to tell whether the module touched its input. */
export type Snapshot = Map<string, { size: number; fingerprint: string }>;

/**
 * Judges out/ as mercure will use it: not empty, readable once chowned back to mercure, DICOM
 * files valid and named `<SeriesInstanceUID>#…dcm`, result.json an object, and the folder a valid
 * input for a chained next module.
 */
export async function checkOutput(outDir: string): Promise<{ files: OutputFile[]; findings: Finding[] }> {
  const entries = await walk(outDir);
  const findings: Finding[] = await specialFileFindings(outDir, entries);
  const files: OutputFile[] = [];
  if (!entries.some((e) => e.isFile)) {
    const what = entries.length > 0 ? 'holds no regular file' : 'is empty';
    findings.push(finding('output-empty', `the module exited 0 but $MERCURE_OUT_DIR ${what}`, { file: 'out/' }));
    return { files, findings };
  }
  const readable = entries.filter((entry) => {
    if (entry.kind !== 'file' && entry.kind !== 'dir') return false;
    if (readableByOwner(entry.mode, entry.isFile)) return true;
    const mode = (entry.mode & 0o777).toString(8).padStart(3, '0');
    findings.push(
      finding(
        'output-unreadable',
        `out/${entry.name} has mode ${mode}: mercure cannot ${entry.isFile ? 'read' : 'list'} it`,
        { file: `out/${entry.name}` },
      ),
    );
    return false;
  });
  // Reading hundreds of slices one by one leaves the disk idle between them: a few at a time.
  const judged = await mapLimit(
    readable.filter((e) => e.isFile),
    8,
    (entry) => judgeFile(outDir, entry.name, entry.size),
  );
  for (const result of judged) {
    files.push(result.file);
    findings.push(...result.findings);
  }
  const nested = files.filter((f) => f.kind === 'dicom' && f.name.includes('/'));
  if (nested.length > 0) {
    findings.push(
      finding(
        'output-not-chainable',
        `${nested.length} DICOM file(s) are in subfolders (e.g. out/${nested[0]?.name}); mercure dispatches and chains only files directly in out/`,
        { file: 'out/' },
      ),
    );
  }
  return { files, findings };
}

async function judgeFile(
  outDir: string,
  name: string,
  size: number,
): Promise<{ file: OutputFile; findings: Finding[] }> {
  const findings: Finding[] = [];
  const file = await judgeInto(outDir, name, size, findings);
  // Names and UIDs are the module's text, shown in reports: no terminal escapes in them.
  file.name = escapeControl(file.name);
  if (file.seriesInstanceUid !== undefined) file.seriesInstanceUid = escapeControl(file.seriesInstanceUid);
  return { file, findings };
}

async function judgeInto(outDir: string, name: string, size: number, findings: Finding[]): Promise<OutputFile> {
  const full = path.join(outDir, name);
  const where = { file: `out/${name}` };
  const base = path.posix.basename(name);
  if (base === 'result.json' && !name.includes('/')) {
    const problem = resultJsonProblem(await readFile(full, 'utf8'));
    if (problem) findings.push(finding('result-json-invalid', `out/result.json ${problem}`, where));
    return { name, size, kind: 'result.json' };
  }
  let header: Record<string, string> | undefined;
  try {
    header = await readDicomHeader(full);
  } catch (error) {
    if (base.toLowerCase().endsWith('.dcm')) {
      findings.push(finding('output-not-dicom', `out/${name} is not valid DICOM: ${(error as Error).message}`, where));
    }
    return { name, size, kind: 'other' };
  }
  const series = header['SeriesInstanceUID'] ?? '';
  const file: OutputFile = { name, size, kind: 'dicom', seriesInstanceUid: series };
  if (!series || !header['SOPInstanceUID']) {
    findings.push(
      finding(
        'output-not-chainable',
        `out/${name} has no ${series ? 'SOPInstanceUID' : 'SeriesInstanceUID'}; a chained module cannot group it`,
        where,
      ),
    );
  } else if (!base.toLowerCase().endsWith('.dcm')) {
    findings.push(
      finding('output-naming', `out/${name} is DICOM but does not end in .dcm: mercure will not dispatch it`, where),
    );
  } else if (!base.startsWith(`${series}#`)) {
    findings.push(
      finding('output-naming', `out/${name} should be named "${series}#<name>.dcm" after its SeriesInstanceUID`, where),
    );
  }
  return file;
}

/** Maps over items with at most `limit` calls in flight, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Why a result.json is unusable for mercure, or undefined when it is a JSON object. */
export function resultJsonProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `is not valid JSON: ${(error as Error).message}`;
  }
  if (value === null || typeof value !== 'object')
    return `is a JSON ${value === null ? 'null' : typeof value}, not an object`;
  if (Array.isArray(value)) return 'is a JSON array; mercure expects an object';
  return undefined;
}

/** After mercure chowns out/ to itself, it needs read on files and read+execute on folders. */
function readableByOwner(mode: number, isFile: boolean): boolean {
  return isFile ? (mode & 0o400) !== 0 : (mode & 0o500) === 0o500;
}

type EntryKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'device';

interface Entry {
  name: string;
  kind: EntryKind;
  isFile: boolean;
  mode: number;
  size: number;
}

function kindOf(info: Stats): EntryKind {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'dir';
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isFIFO()) return 'fifo';
  if (info.isSocket()) return 'socket';
  return 'device';
}

/**
 * Every entry below root as it is (lstat): links are never followed, so a dangling link, a loop or
 * a link to a host file is reported as the link it is, and the walk cannot leave root.
 */
async function walk(root: string, rel = ''): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const name of (await readdir(path.join(root, rel))).sort()) {
    const relative = rel ? `${rel}/${name}` : name;
    const info = await lstat(path.join(root, relative));
    const kind = kindOf(info);
    out.push({ name: relative, kind, isFile: kind === 'file', mode: info.mode, size: info.size });
    if (kind === 'dir' && (info.mode & 0o500) === 0o500) out.push(...(await walk(root, relative)));
  }
  return out;
}

const SPECIAL: Record<Exclude<EntryKind, 'file' | 'dir'>, string> = {
  symlink: 'a symbolic link',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  device: 'a device node',
};

/** output-special-file findings for links, FIFOs, sockets and devices in out/. */
async function specialFileFindings(outDir: string, entries: readonly Entry[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const entry of entries) {
    if (entry.kind === 'file' || entry.kind === 'dir') continue;
    const target =
      entry.kind === 'symlink'
        ? await readlink(path.join(outDir, entry.name)).then(
            (to) => ` (to ${inputForMessage(to)})`,
            () => '',
          )
        : '';
    findings.push(
      finding(
        'output-special-file',
        `out/${entry.name} is ${SPECIAL[entry.kind]}${target}: mercure would copy or dispatch it, not a file`,
        { file: `out/${entry.name}` },
      ),
    );
  }
  return findings;
}

/**
 * Records every file below dir by size, modification time (ns) and inode, as git and rsync
 * detect changes: a write, a replacement or a deletion all change one of them, and nothing has
 * to read the (often hundreds of MB of) input twice.
 */
export async function snapshotFolder(dir: string): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  for (const entry of await walk(dir)) {
    if (!entry.isFile) continue;
    const info = await lstat(path.join(dir, entry.name), { bigint: true });
    snapshot.set(entry.name, { size: Number(info.size), fingerprint: `${info.mtimeNs}:${info.ino}` });
  }
  return snapshot;
}

/** input-modified findings for every file the module deleted, changed or added in in/. */
export function compareSnapshots(before: Snapshot, after: Snapshot): Finding[] {
  const changes: string[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    if (!now) changes.push(`deleted ${name}`);
    else if (now.size !== was.size || now.fingerprint !== was.fingerprint) changes.push(`changed ${name}`);
  }
  for (const name of after.keys()) if (!before.has(name)) changes.push(`added ${name}`);
  if (changes.length === 0) return [];
  const shown = changes.slice(0, 3).join(', ') + (changes.length > 3 ? ` and ${changes.length - 3} more` : '');
  return [finding('input-modified', `the module changed $MERCURE_IN_DIR: ${shown}`, { file: 'in/' })];
}
