// bench/action-start: how long the bundled action (dist/index.js) takes under Node 24 from process
// start to its first log line, as a runner starts it (target: under 300 ms), and the bundle size.
// Each run validates an empty folder (no Dockerfile: no build, no container) and runs to the end.
// Node 24: $MMK_NODE24, this Node when it is 24+, else the one `npx vitest run test/action` installs
// into .mmk-cache/ (installed here the same way when missing).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist', 'index.js');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const NODE24_VERSION = '24.21.0';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function node24() {
  if (process.env.MMK_NODE24) return process.env.MMK_NODE24;
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const prefix = path.join(root, '.mmk-cache', `node-${NODE24_VERSION}`);
  const bin = path.join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin))
    await execa('npm', [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node@${NODE24_VERSION}`,
    ]);
  return bin;
}

/** One run: milliseconds from spawn to the first complete stdout line, and to exit. */
function once(node, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, [dist], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstLine;
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (firstLine === undefined && text.includes('\n'))
        firstLine = { ms: performance.now() - started, line: text.slice(0, text.indexOf('\n')) };
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (firstLine === undefined) reject(new Error(`no log line; exit ${code}`));
      else resolve({ ...firstLine, exitMs: performance.now() - started, code });
    });
  });
}

const node = await node24();
const { stdout: version } = await execa(node, ['--version']);
const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-action-'));
try {
  const files = {
    output: path.join(work, 'output'),
    summary: path.join(work, 'summary'),
    event: path.join(work, 'event.json'),
  };
  await Promise.all([writeFile(files.output, ''), writeFile(files.summary, ''), writeFile(files.event, '{}')]);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: work,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: root,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REF: 'refs/heads/main',
    MERCURE_MODULE_STATE_DIR: work,
    INPUT_COMMAND: 'validate',
    INPUT_CONTEXT: work,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
  };
  await once(node, env); // warm-up: the file system cache, not the process
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(node, env));
  const size = (await stat(dist)).size;
  const gzip = gzipSync(await readFile(dist)).length;
  const firstLine = median(results.map((r) => r.ms));
  console.log(`bench/action-start: node ${version} dist/index.js, ${runs} runs`);
  console.log(
    `  first log line  median ${firstLine.toFixed(0)} ms  (${results.map((r) => r.ms.toFixed(0)).join(', ')})  target < 300 ms`,
  );
  console.log(
    `  whole run       median ${median(results.map((r) => r.exitMs)).toFixed(0)} ms  (validate of an empty folder, engine connect included)`,
  );
  console.log(`  first line: ${results[0].line}`);
  console.log(
    `  bundle size     ${(size / 1024 / 1024).toFixed(2)} MiB (${size} bytes), ${(gzip / 1024 / 1024).toFixed(2)} MiB gzipped`,
  );
  if (firstLine >= 300) process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
