// Bad input to every command, from test/fixtures/bad/ (broken Dockerfiles, binary garbage as
// task.json, settings and scope, non-DICOM fixtures) and this table (invalid names, versions and
// URLs, path traversal, enormous inputs). Each runs through the CLI in-process with its own HOME,
// TMPDIR and working folder, and must give a specific error, a non-zero exit and no stack trace,
// and write nothing anywhere (HOME, TMPDIR, the working folder, the fixtures).
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { REPO_ROOT } from '../support/images.js';
import {
  startGarbageEngine,
  startGarbageRegistry,
  type GarbageEngine,
  type GarbageRegistry,
} from '../support/garbage-registry.js';
import { tinyModule } from './support.js';

const BAD = path.join(REPO_ROOT, 'test/fixtures/bad');
const registryHost = inject('registryHost');
/** A port nothing may listen on (fetch refuses it): a case that reaches the network fails loudly. */
const NOWHERE = '127.0.0.1:1';

interface Context {
  bad: (name: string) => string;
  inputs: string;
  tiny: string;
  /** A registry answering garbage (test/support/garbage-registry.ts), one kind per repository. */
  garbage: string;
  /** DOCKER_HOST values of "Engines" answering garbage: to everything, and to all but the ping. */
  engine: { garbage: string; pingOnly: string };
}

/** One bad input: the arguments, the exit code and the message it must get (and, for the machine's, its environment). */
type BadCase = [
  name: string,
  args: (c: Context) => string[],
  code: number,
  message: RegExp,
  env?: (c: Context) => Record<string, string>,
];

const CASES: BadCase[] = [
  // Broken Dockerfiles: `check` reports them as findings (exit 1), `build` as the engine's refusal.
  [
    'bi01 check: binary garbage as Dockerfile',
    (c) => ['check', c.bad('dockerfile-binary')],
    1,
    /dockerfile-syntax\s+Dockerfile:1: Unknown instruction/,
  ],
  [
    'bi02 check: empty Dockerfile',
    (c) => ['check', c.bad('dockerfile-empty')],
    1,
    /dockerfile-syntax\s+Dockerfile:1: No FROM instruction/,
  ],
  ['bi03 check: no FROM', (c) => ['check', c.bad('dockerfile-no-from')], 1, /No FROM instruction/],
  [
    'bi04 check: unterminated heredoc and continuation',
    (c) => ['check', c.bad('dockerfile-unterminated')],
    1,
    /error\s+no-command/,
  ],
  [
    'bi05 check: unknown instruction',
    (c) => ['check', c.bad('dockerfile-unknown-instruction')],
    1,
    /Dockerfile:2: Unknown instruction FROBNICATE/,
  ],
  [
    'bi06 check: NUL bytes in the Dockerfile',
    (c) => ['check', c.bad('dockerfile-nul-bytes')],
    1,
    /error\s+entry-missing/,
  ],
  [
    'bi07 check: Dockerfile is a folder',
    (c) => ['check', c.bad('dockerfile-is-a-folder')],
    1,
    /no-dockerfile\s+Dockerfile: Dockerfile is a folder, not a regular file/,
  ],
  [
    'bi08 check: Dockerfile is a symlink out of the module',
    (c) => ['check', c.bad('dockerfile-symlink-outside')],
    1,
    /no-dockerfile\s+Dockerfile: Dockerfile is a symbolic link to \/etc\/passwd, outside the module folder/,
  ],
  [
    'bi09 check: enormous Dockerfile (8 MB, one garbage line)',
    (c) => ['check', path.join(c.inputs, 'enormous-dockerfile')],
    1,
    /dockerfile-syntax\s+Dockerfile: Dockerfile is 8\.0 MB, more than the 1 MiB a Dockerfile may have here/,
  ],
  ['bi10 check: NUL in the folder name', () => ['check', 'mod\0ule'], 2, /module folder .* does not exist/],
  [
    'bi11 build: unknown instruction',
    (c) => ['build', c.bad('dockerfile-unknown-instruction'), '--image', `${NOWHERE}/bad/a`, '--version', '1.0.0'],
    1,
    /the build failed: .*unknown instruction: FROBNICATE/,
  ],
  [
    'bi12 build: no build stage',
    (c) => ['build', c.bad('dockerfile-no-from'), '--image', `${NOWHERE}/bad/a`, '--version', '1.0.0'],
    1,
    /the build failed: .*no build stage/,
  ],
  [
    'bi13 build: Dockerfile is a folder',
    (c) => ['build', c.bad('dockerfile-is-a-folder'), '--image', `${NOWHERE}/bad/a`, '--version', '1.0.0'],
    1,
    /the build failed: .*is a directory/,
  ],
  // Garbage as task.json, settings and scope; folders of things that are not DICOM.
  [
    'bi14 validate: binary task.json in the case folder',
    (c) => ['validate', '--image', c.tiny, '--fixtures', c.bad('case-task-binary'), '--settings', '{"a":1}'],
    2,
    /case-task-binary\/task\.json is not valid JSON/,
  ],
  [
    'bi15 validate: task.json that is not an object',
    (c) => ['validate', '--image', c.tiny, '--fixtures', c.bad('case-task-not-object'), '--settings', '{"a":1}'],
    2,
    /task\.json has no "process" object/,
  ],
  [
    'bi16 validate: fixtures that are not DICOM',
    (c) => ['validate', '--image', c.tiny, '--fixtures', c.bad('dicom-not-dicom')],
    2,
    /no usable DICOM files in .*: skipped 3 file\(s\): notes\.txt \(not a DICOM Part 10 file\)/,
  ],
  [
    'bi17 validate: a truncated DICOM file',
    (c) => ['validate', '--image', c.tiny, '--fixtures', c.bad('dicom-truncated')],
    2,
    /no usable DICOM files .*CT\.0001\.dcm \(cannot parse DICOM/,
  ],
  [
    'bi18 validate: binary --settings file',
    (c) => ['validate', '--image', c.tiny, '--settings', `@${c.bad('settings-binary.json')}`],
    2,
    /--settings is not valid JSON/,
  ],
  [
    'bi19 validate: --settings file holding an array',
    (c) => ['validate', '--image', c.tiny, '--settings', `@${c.bad('settings-array.json')}`],
    2,
    /--settings must be a JSON object/,
  ],
  [
    'bi20 validate: binary --scope file',
    (c) => ['validate', '--image', c.tiny, '--matrix', '--scope', c.bad('scope-binary/mercure-module.json')],
    2,
    /mercure-module\.json is not valid JSON/,
  ],
  [
    'bi21 validate: enormous inline --settings (4 MB, unclosed)',
    () => ['validate', '--image', 'x:1', '--settings', '['.repeat(4_000_000)],
    2,
    /--settings is not valid JSON/,
  ],
  [
    'bi22 validate: --settings nested 50,000 deep',
    (c) => ['validate', '--image', c.tiny, '--settings', `@${path.join(c.inputs, 'deep-settings.json')}`],
    2,
    /--settings/,
  ],
  [
    'bi23 validate: a timeout out of range',
    (c) => ['validate', '--image', c.tiny, '--timeout', '1e400'],
    2,
    /--timeout expects a positive number of seconds, got "1e400"/,
  ],
  [
    'bi24 fixtures: --from a folder that is not DICOM',
    (c) => ['fixtures', 'case-out', '--from', c.bad('dicom-not-dicom')],
    2,
    /no usable DICOM files/,
  ],
  [
    'bi25 fixtures: into a folder that is not empty',
    (c) => ['fixtures', c.bad('dicom-not-dicom')],
    2,
    /dicom-not-dicom is not empty/,
  ],
  ['bi26 fixtures: enormous --slices', () => ['fixtures', 'case-out', '--slices', '1000000000'], 2, /--slices/],
  ['bi27 fixtures: enormous --matrix', () => ['fixtures', 'case-out', '--matrix', '100000'], 2, /--matrix/],
  [
    'bi28 fixtures: a variant named by path traversal',
    () => ['fixtures', 'case-out', '--variant', '../../etc'],
    2,
    /there is no variant "\.\.\/\.\.\/etc"/,
  ],
  // Names, versions and URLs.
  [
    'bi29 build: path traversal as the image name',
    () => ['build', '.', '--image', '../../etc/passwd', '--version', '1.0.0'],
    2,
    /invalid image reference "\.\.\/\.\.\/etc\/passwd": registry host "\.\." is not a valid host name/,
  ],
  [
    'bi30 publish: path traversal inside the repository',
    () => ['publish', '--image', `${NOWHERE}/acme/../blur`, '--version', '1.0.0'],
    2,
    /path component "\.\." is not allowed/,
  ],
  [
    'bi31 publish: an empty version',
    () => ['publish', '--image', `${NOWHERE}/acme/blur`, '--version', ''],
    2,
    /"" is not a semantic version: .*the value is empty/,
  ],
  [
    'bi32 publish: four numbers',
    () => ['publish', '--image', `${NOWHERE}/acme/blur`, '--version', '1.2.3.4'],
    2,
    /"1\.2\.3\.4" is not a semantic version/,
  ],
  [
    'bi33 publish: a registry URL that is not a URL',
    () => ['publish', '--image', 'acme/blur', '--version', '1.0.0', '--registry-url', 'not a url'],
    2,
    /registry URL "not a url" is not a URL/,
  ],
  [
    'bi34 publish: an ftp registry URL',
    () => ['publish', '--image', 'acme/blur', '--version', '1.0.0', '--registry-url', 'ftp://registry.example'],
    2,
    /must start with http:\/\/ or https:\/\//,
  ],
  [
    'bi35 publish: a registry URL with user:password@',
    () => ['publish', '--image', 'acme/blur', '--version', '1.0.0', '--registry-url', 'http://ci:hunter2@127.0.0.1:1'],
    2,
    /carries a user or password before "@"/,
  ],
  [
    'bi36 publish: an enormous image name (100,000 characters)',
    () => ['publish', '--image', `${NOWHERE}/acme/${'b'.repeat(100_000)}`, '--version', '1.0.0'],
    2,
    /it is 100\d{3} characters long/,
  ],
  [
    'bi37 build: an enormous version (200,000 characters)',
    () => ['build', '.', '--image', `${NOWHERE}/acme/blur`, '--version', '1'.repeat(200_000)],
    2,
    /is not a semantic version/,
  ],
  [
    'bi38 release: a tag in the image name',
    () => ['release', '.', '--image', `${NOWHERE}/acme/blur:1`, '--version', '1.0.0'],
    2,
    /must name a repository without a tag/,
  ],
  [
    'bi39 promote: a source without tag or digest',
    () => ['promote', `${NOWHERE}/staging/blur`, '--to', `${NOWHERE}/acme/blur`],
    2,
    /names no tag or digest/,
  ],
  [
    'bi40 promote: a digest that is not one',
    () => ['promote', `${NOWHERE}/staging/blur@sha256:zz`, '--to', `${NOWHERE}/acme/blur`],
    2,
    /digest "sha256:zz" must be "sha256:" followed by 64/,
  ],
  [
    'bi41 promote: concurrency 0',
    () => ['promote', `${NOWHERE}/staging/blur:1.0.0`, '--to', `${NOWHERE}/acme/blur`, '--concurrency', '0'],
    2,
    /--concurrency expects a positive whole number, got "0"/,
  ],
  [
    'bi42 status: a tag with path traversal',
    () => ['status', `${NOWHERE}/acme/blur:../x`],
    2,
    /invalid image reference/,
  ],
  [
    'bi43 status: a registry URL cut short',
    () => ['status', `${NOWHERE}/acme/blur:1`, '--registry-url', 'http://[::1'],
    2,
    /registry URL "http:\/\/\[::1" is not a URL/,
  ],
  [
    'bi44 status: an installed digest that is not one',
    () => ['status', `${NOWHERE}/acme/blur:1`, '--installed', 'not-a-digest'],
    2,
    /installed digest "not-a-digest" is not sha256/,
  ],
  [
    'bi45 registry-entry: a module name with path traversal',
    () => [
      'registry-entry',
      '--image',
      `${registryHost}/bad/entry`,
      '--name',
      '../evil',
      '--description',
      'd',
      '--github-url',
      'https://github.com/acme/blur',
    ],
    2,
    /name/,
  ],
  [
    'bi46 registry-entry: a GitHub URL that is not a URL',
    () => [
      'registry-entry',
      '--image',
      `${registryHost}/bad/entry`,
      '--name',
      'blur',
      '--description',
      'd',
      '--github-url',
      'not a url',
    ],
    2,
    /github/i,
  ],
  [
    'bi47 init: a module name with path traversal',
    () => ['init', 'new-module', '--name', '../evil'],
    2,
    /module name "\.\.\/evil" \(--name\) is not a valid Docker repository name/,
  ],
  [
    'bi48 init: a namespace with path traversal',
    () => ['init', 'new-module', '--namespace', '../../x'],
    2,
    /--namespace "\.\.\/\.\.\/x"/,
  ],
  [
    'bi49 init: a language it does not write',
    () => ['init', 'new-module', '--language', 'cobol'],
    2,
    /argument 'cobol' is invalid/,
  ],
  ['bi50 an unknown command', () => ['frobnicate', '../../etc'], 2, /unknown command 'frobnicate'/],
  // A module's output is untrusted and unbounded (issue 16, class 3).
  [
    'bi51 validate: links and a FIFO in out/ are findings, never followed',
    (c) => ['validate', c.bad('module-out-links')],
    1,
    /out\/dangling is a symbolic link \(to nowhere\)[\s\S]*out\/passwd\.dcm is a symbolic link \(to \/etc\/passwd\)[\s\S]*out\/pipe\.dcm is a FIFO[\s\S]*out\/sub\/up is a symbolic link/,
  ],
  [
    'bi52 validate: terminal control sequences in the module log are shown escaped',
    (c) => ['validate', c.bad('module-log-escapes')],
    1,
    /\\u001b\]0;owned\\u0007\\u001b\[2J\\u001b\[31mred/,
  ],
  [
    'bi53 validate: a log of 100,000 lines and a 3 MB line is cut and counted',
    (c) => ['validate', c.bad('module-log-flood')],
    1,
    /\[\d+ earlier line\(s\) not shown\][\s\S]*x … \(\d+ more bytes\)/,
  ],
  [
    'bi54 validate: an output file named with terminal escapes is shown escaped',
    (c) => ['validate', c.bad('module-out-escaped-name')],
    1,
    /out\/\\u001b\[2J\\u001b\[Hscan\.dcm is not valid DICOM/,
  ],
  // Never read a FIFO or a device as if it were a file: the read would never end (class 2).
  [
    'bi55 check: the Dockerfile is a FIFO',
    (c) => ['check', path.join(c.inputs, 'fifo-dockerfile')],
    1,
    /no-dockerfile\s+Dockerfile: Dockerfile is a FIFO \(named pipe\), not a regular file/,
  ],
  [
    'bi56 validate: --settings from a FIFO',
    (c) => ['validate', '--image', c.tiny, '--settings', `@${path.join(c.inputs, 'fifo')}`],
    2,
    /--settings file cannot be read: .*fifo is a FIFO \(named pipe\), not a regular file/,
  ],
  [
    'bi57 validate: --settings from a device that never ends',
    (c) => ['validate', '--image', c.tiny, '--settings', '@/dev/zero'],
    2,
    /--settings file cannot be read: \/dev\/zero is a device, not a regular file/,
  ],
  [
    'bi58 validate: --scope from a FIFO',
    (c) => ['validate', '--image', c.tiny, '--matrix', '--scope', path.join(c.inputs, 'fifo')],
    2,
    /--scope file cannot be read: .*fifo is a FIFO/,
  ],
  [
    'bi59 validate: task.json of the case folder is a FIFO',
    (c) => ['validate', '--image', c.tiny, '--fixtures', path.join(c.inputs, 'fifo-task'), '--settings', '{"a":1}'],
    2,
    /skipped 1 file\(s\): task\.json \(a FIFO \(named pipe\), not a regular file\)/,
  ],
  [
    'bi60 publish: --readme from a FIFO',
    (c) => [
      'publish',
      '--image',
      `${NOWHERE}/acme/blur`,
      '--version',
      '1.0.0',
      '--readme',
      path.join(c.inputs, 'fifo'),
    ],
    2,
    /--readme file cannot be read: .*fifo is a FIFO/,
  ],
  // Findings before blame (class 6).
  [
    'bi61 validate: a Dockerfile the parser rejects gets its static findings, exit 1',
    (c) => ['validate', c.bad('dockerfile-unknown-instruction')],
    1,
    /dockerfile-syntax\s+Dockerfile:2: Unknown instruction FROBNICATE/,
  ],
  // The case folder (class 7).
  [
    'bi62 validate: binary task.json without --settings is refused, naming the file',
    (c) => ['validate', '--image', c.tiny, '--fixtures', c.bad('case-task-binary')],
    2,
    /case-task-binary\/task\.json(:\d+)? is not valid JSON/,
  ],
  // The local machine (class 4): a file where a folder should be, checked before any work.
  [
    'bi63 fixtures: OUT is a file',
    (c) => ['fixtures', path.join(c.inputs, 'a-file')],
    2,
    /the input folder .*a-file cannot be written: it is a file, not a folder/,
  ],
  [
    'bi64 fixtures: a variant into a folder under a file',
    (c) => ['fixtures', path.join(c.inputs, 'a-file', 'case'), '--variant', 'rgb'],
    2,
    /the input folder .*a-file\/case cannot be written: .*a-file is a file, not a folder/,
  ],
  [
    'bi65 init: a module folder under a file',
    (c) => ['init', path.join(c.inputs, 'a-file', 'blur')],
    2,
    /the module folder .*a-file\/blur cannot be written: .*a-file is a file, not a folder/,
  ],
  [
    'bi66 validate: the state folder is a file: stopped before the smoke run, exit 3',
    (c) => ['validate', '--image', c.tiny],
    3,
    /the folder validations are recorded in, .*a-file cannot be written: it is a file, not a folder\n.*MERCURE_MODULE_STATE_DIR/,
    (c) => ({ MERCURE_MODULE_STATE_DIR: path.join(c.inputs, 'a-file') }),
  ],
  [
    'bi67 validate: TMPDIR is a file: /tmp instead, said before the next error',
    (c) => ['validate', '--image', c.tiny],
    3,
    /the temp folder .*a-file \(TMPDIR\) cannot be used: it is a file, not a folder; using \/tmp instead[\s\S]*validations are recorded in/,
    (c) => ({ TMPDIR: path.join(c.inputs, 'a-file'), MERCURE_MODULE_STATE_DIR: path.join(c.inputs, 'a-file') }),
  ],
  // Garbage from peers (class 5): the peer's fault, exit 3, naming it; a bad port is the user's (exit 2).
  [
    'bi68 status: the registry answers a manifest with an HTML page',
    (c) => ['status', `${c.garbage}/html/x:1`],
    3,
    /registry 127\.0\.0\.1:\d+ answered GET manifest html\/x:1 with text that is not JSON \("<html>oops/,
  ],
  [
    'bi69 status: a malformed Docker-Content-Digest header',
    (c) => ['status', `${c.garbage}/bad-digest/x:1`],
    3,
    /registry 127\.0\.0\.1:\d+ answered HEAD manifest bad-digest\/x:1 with a malformed Docker-Content-Digest header \("sha256:zz"\)/,
  ],
  [
    'bi70 publish: tags/list answers tags as text',
    (c) => [
      'publish',
      '--image',
      `${c.garbage}/tags-not-list/x`,
      '--version',
      '1.0.0',
      '--source',
      c.tiny,
      '--skip-validate',
      '--dry-run',
    ],
    3,
    /registry 127\.0\.0\.1:\d+ answered list tags of tags-not-list\/x with JSON that has "tags" that is not a list/,
  ],
  [
    'bi71 promote: a manifest whose layer digest is a path',
    (c) => ['promote', `${c.garbage}/bad-layer/x:1.0.0`, '--to', `${c.garbage}/other/x`],
    3,
    /answered GET manifest bad-layer\/x:1\.0\.0 with JSON that has "layers"\[0\] that has no valid "digest"/,
  ],
  [
    'bi72 status: a port out of range in the image name',
    () => ['status', '127.0.0.1:99999/acme/blur:1'],
    2,
    /invalid image reference "127\.0\.0\.1:99999\/acme\/blur:1": port 99999 of registry host "127\.0\.0\.1:99999" is not between 1 and 65535/,
  ],
  [
    'bi73 validate: DOCKER_HOST answers every request with an HTML page',
    () => ['validate', '--image', 'x:1'],
    3,
    /what answers at tcp:\/\/127\.0\.0\.1:\d+ is not a Docker Engine: GET \/_ping got "<html>not an engine/,
    (c) => ({ DOCKER_HOST: c.engine.garbage }),
  ],
  [
    'bi74 build: the "Engine" answers the ping, then garbage',
    (c) => ['build', c.bad('dockerfile-no-from'), '--image', `${NOWHERE}/bad/a`, '--version', '1.0.0'],
    3,
    /what answers at tcp:\/\/127\.0\.0\.1:\d+ is not a Docker Engine: GET \/version got "<html>not an engine/,
    (c) => ({ DOCKER_HOST: c.engine.pingOnly }),
  ],
  // Findings before blame (class 6): check what the build will see.
  [
    'bi75 check: the entry script is a symlink out of the build context',
    (c) => ['check', c.bad('entry-symlink-outside')],
    1,
    /entry-missing\s+Dockerfile:3: The image's command runs docker-entrypoint\.sh, a symbolic link to \.\.\/(\.\.\/)+usr\/local\/bin\/module\.sh, outside the build context/,
  ],
  // Integers past 2^53 are read exactly (issue 16): a refusal quotes the value as written, not as a double.
  [
    'bi76 validate: a module configuration whose "settings" is a 30-digit integer',
    (c) => ['validate', '--image', c.tiny, '--module-config', c.bad('module-config-settings-int.json')],
    2,
    /"settings" must be an object, got 123456789012345678901234567890\b/,
  ],
  [
    'bi77 validate: a module configuration whose "requires_root" is -2^63 - 1',
    (c) => ['validate', '--image', c.tiny, '--module-config', c.bad('module-config-root-int.json')],
    2,
    /"requires_root" must be true or false, got -9223372036854775809\b/,
  ],
  [
    'bi78 validate: --settings nested 50,000 deep around a 30-digit integer',
    (c) => ['validate', '--image', c.tiny, '--settings', `@${path.join(c.inputs, 'deep-big-settings.json')}`],
    2,
    /--settings nests deeper than 32 levels/,
  ],
];

/** Every entry under `dir`: path -> kind, size and content hash (what "nothing written" is checked against). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (at: string): Promise<void> => {
    for (const name of await readdir(at).catch(() => [] as string[])) {
      const full = path.join(at, name);
      const info = await lstat(full);
      if (info.isDirectory()) {
        out.set(path.relative(dir, full), 'dir');
        await walk(full);
      } else {
        const hash =
          info.isFile() && info.size < 64 * 1024 * 1024
            ? createHash('sha256')
                .update(await readFile(full))
                .digest('hex')
                .slice(0, 16)
            : '';
        out.set(path.relative(dir, full), `${info.isSymbolicLink() ? 'link' : 'file'} ${info.size} ${hash}`);
      }
    }
  };
  await walk(dir);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .filter((k) => before.get(k) !== after.get(k))
    .map((k) => `${k}: ${before.get(k) ?? 'absent'} -> ${after.get(k) ?? 'absent'}`);
}

let sandbox: string;
let context: Context;
let peers: [GarbageRegistry, GarbageEngine, GarbageEngine];
const handled: string[] = [];

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'mmk-bad-'));
  const inputs = path.join(sandbox, 'inputs');
  await Promise.all(['home', 'tmp', 'work'].map((d) => mkdir(path.join(sandbox, d))));
  await mkdir(path.join(inputs, 'enormous-dockerfile'), { recursive: true });
  // Enormous inputs are made here, not committed: 8 MB of one garbage line, settings nested 50,000 deep.
  await writeFile(
    path.join(inputs, 'enormous-dockerfile', 'Dockerfile'),
    `FROM mmk-base/busybox:static\n${'\u0007x'.repeat(4_000_000)}\n`,
  );
  // FIFOs cannot be committed: made here, with nothing ever writing to them.
  await mkdir(path.join(inputs, 'fifo-dockerfile'));
  await mkdir(path.join(inputs, 'fifo-task'));
  for (const fifo of ['fifo', 'fifo-dockerfile/Dockerfile', 'fifo-task/task.json'])
    await execa('mkfifo', [path.join(inputs, fifo)]);
  await writeFile(path.join(inputs, 'a-file'), 'not a folder\n');
  await writeFile(path.join(inputs, 'deep-settings.json'), `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
  await writeFile(
    path.join(inputs, 'deep-big-settings.json'),
    `${'{"a":'.repeat(50_000)}123456789012345678901234567890${'}'.repeat(50_000)}`,
  );
  peers = await Promise.all([startGarbageRegistry(), startGarbageEngine(), startGarbageEngine(true)]);
  const [garbage, engine, pingOnly] = peers;
  context = {
    bad: (name) => path.join(BAD, name),
    inputs,
    tiny: await tinyModule('0.0.1', 'bad input'),
    garbage: garbage.host,
    engine: { garbage: engine.dockerHost, pingOnly: pingOnly.dockerHost },
  };
}, 120_000);
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
  console.log(
    `bad input: ${handled.length} of ${CASES.length} cases handled (specific error, non-zero exit, no stack trace, nothing written)`,
  );
  await rm(sandbox, { recursive: true, force: true });
});

describe('bad input to every command', () => {
  test.each(CASES)('%s', async (name, args, code, message, env) => {
    const dirs = {
      home: path.join(sandbox, 'home'),
      tmp: path.join(sandbox, 'tmp'),
      work: path.join(sandbox, 'work'),
      fixtures: BAD,
      inputs: context.inputs,
    };
    const before = await Promise.all(Object.values(dirs).map(snapshot));
    const cwd = process.cwd();
    process.chdir(dirs.work);
    let result: Awaited<ReturnType<typeof runCli>>;
    try {
      result = await runCli(args(context), {
        HOME: dirs.home,
        TMPDIR: dirs.tmp,
        XDG_STATE_HOME: undefined,
        XDG_CONFIG_HOME: undefined,
        MERCURE_MODULE_STATE_DIR: undefined,
        DOCKER_CONFIG: undefined,
        MERCURE_REGISTRY_USERNAME: undefined,
        MERCURE_REGISTRY_PASSWORD: undefined,
        ...env?.(context),
      });
    } finally {
      process.chdir(cwd);
    }
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output.slice(0, 2000)).toBe(code);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(output).not.toMatch(/internal error/);
    // Module files may hold terminal escapes and binary garbage: none of it reaches the terminal raw.
    expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // Progress lines (› a step, ✓/✗ its end) and a failed build's quoted log tail (`  | …`) aside.
    const stderrLines = result.stderr
      .split('\n')
      .filter((line) => line.trim() && !/^[›✓✗] /.test(line) && !/^ {2}\| /.test(line));
    expect(stderrLines.length, result.stderr).toBeLessThanOrEqual(3);
    expect(result.stderr.length, 'one clear line, not the input echoed back').toBeLessThan(4096);
    const after = await Promise.all(Object.values(dirs).map(snapshot));
    // buildx keeps its own activity records under ~/.docker/buildx (no login, no config): not ours.
    const written = Object.keys(dirs)
      .flatMap((dir, i) => changes(before[i] ?? new Map(), after[i] ?? new Map()).map((c) => `${dir}/${c}`))
      .filter((c) => !/^home\/\.docker(:|\/buildx:|\/buildx\/)/.test(c));
    expect(written, 'written outside any intended folder').toEqual([]);
    handled.push(name);
  });
});
