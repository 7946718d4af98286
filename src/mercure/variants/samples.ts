/**
 * Where the real DICOM files of the matrix come from: pydicom's data folder (test_files/ and
 * charset_files/), ~90 small real files from NEMA WG04, DCMTK, GDCM and scanner exports that
 * pydicom has collected and ships in every install (Debian's python3-pydicom, `pip install pydicom`).
 */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ModuleError } from '../../errors.js';

/** The environment variable that points at a pydicom data folder (one holding test_files/). */
export const SAMPLES_ENV = 'MERCURE_MODULE_DICOM_SAMPLES';

/** Debian's (and Ubuntu's) python3-pydicom puts the files here. */
const DEBIAN_DATA = '/usr/lib/python3/dist-packages/pydicom/data';

/** Reads real sample files by their path below pydicom's data folder. */
export interface SampleSource {
  /** The data folder in use. */
  root: string;
  /** The bytes of e.g. "test_files/CT_small.dcm"; a missing file is a ModuleError naming it. */
  read(relative: string): Promise<Uint8Array>;
}

/** A SampleSource over a given data folder. */
export function sampleSource(root: string): SampleSource {
  return {
    root,
    async read(relative) {
      try {
        return new Uint8Array(await readFile(path.join(root, relative)));
      } catch {
        throw new ModuleError('dicom-sample-missing', `the real DICOM sample ${relative} is not in ${root}`, {
          hint: `Use pydicom 2.x's data folder (Debian's python3-pydicom), or set ${SAMPLES_ENV} to one that has it.`,
        });
      }
    },
  };
}

/**
 * Finds pydicom's data folder: the given folder, else $MERCURE_MODULE_DICOM_SAMPLES, else
 * Debian's python3-pydicom, else whichever python3 on PATH can import pydicom.
 */
export async function findSamples(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<SampleSource> {
  const given = explicit ?? env[SAMPLES_ENV];
  if (given) {
    if (!(await hasTestFiles(given))) {
      throw new ModuleError('dicom-samples-missing', `${given} is not a pydicom data folder (it has no test_files/)`, {
        hint: `Point ${SAMPLES_ENV} at pydicom's data folder, e.g. ${DEBIAN_DATA}.`,
      });
    }
    return sampleSource(given);
  }
  if (await hasTestFiles(DEBIAN_DATA)) return sampleSource(DEBIAN_DATA);
  for (const python of ['python3', '/usr/bin/python3']) {
    const root = await pydicomData(python);
    if (root && (await hasTestFiles(root))) return sampleSource(root);
  }
  throw new ModuleError(
    'dicom-samples-missing',
    "the matrix needs pydicom's real DICOM sample files, and no pydicom install was found",
    {
      hint: `Install them (\`apt-get install python3-pydicom\` or \`pip install "pydicom<3"\`), or set ${SAMPLES_ENV} to a copy of pydicom's data folder.`,
    },
  );
}

async function hasTestFiles(root: string): Promise<boolean> {
  return (await stat(path.join(root, 'test_files')).catch(() => undefined))?.isDirectory() === true;
}

async function pydicomData(python: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(
      python,
      ['-c', 'import os, pydicom; print(os.path.dirname(pydicom.__file__))'],
      { timeout: 20_000 },
    );
    return path.join(stdout.trim(), 'data');
  } catch {
    // No such interpreter, or no pydicom in it.
    return undefined;
  }
}
