// Runs the bundled action (dist/index.js) under Node 24 the way a GitHub runner does: inputs as
// INPUT_<NAME> variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, an event payload file.
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../support/images.js';

/** The Node version action.yml's `runs.using: node24` gets; the npm `node` package ships it. */
export const NODE24_VERSION = '24.21.0';
const NODE24_PREFIX = path.join(REPO_ROOT, '.mmk-cache', `node-${NODE24_VERSION}`);
/** The bundled action, as action.yml runs it. */
export const DIST = path.join(REPO_ROOT, 'dist', 'index.js');

/** A Node 24 binary: $MMK_NODE24, this Node when it is 24+, else npm's `node` package installed once into .mmk-cache/. */
export async function node24(): Promise<string> {
  if (process.env['MMK_NODE24']) return process.env['MMK_NODE24'];
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const bin = path.join(NODE24_PREFIX, 'node_modules', 'node', 'bin', 'node');
  const present = await access(bin).then(
    () => true,
    () => false,
  );
  if (!present) {
    await execa('npm', [
      'install',
      '--prefix',
      NODE24_PREFIX,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node@${NODE24_VERSION}`,
    ]);
  }
  const { stdout } = await execa(bin, ['--version']);
  if (!stdout.startsWith('v24.')) throw new Error(`${bin} is ${stdout}, not Node 24`);
  return bin;
}

/** How to run the action once. */
export interface ActionRun {
  /** Inputs by their action.yml names (`dry-run`, `build-args`). */
  inputs: Record<string, string>;
  /** GITHUB_REF (default refs/heads/main). */
  ref?: string;
  eventName?: string;
  event?: Record<string, unknown>;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Runs beside the action with its process ID and a way to signal it, as a runner cancelling the job. */
  whileRunning?: (pid: number, kill: (signal: NodeJS.Signals) => void) => Promise<void>;
}

/** What the run left: exit code, the two streams, the outputs file parsed, the job summary. */
export interface ActionResult {
  code: number;
  stdout: string;
  stderr: string;
  outputsFile: string;
  outputs: Record<string, string>;
  summary: string;
  /** The HOME the action ran with (to check nothing was written there). */
  home: string;
  /** The action's process ID (the value of the owner label on the containers it starts). */
  pid: number;
}

/** Reads `name<<DELIMITER\nvalue\nDELIMITER` blocks as @actions/core writes GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const block = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm;
  for (const m of text.matchAll(block)) outputs[m[1] ?? ''] = m[3] ?? '';
  return outputs;
}

/** The runner's variables are not ours to inherit: a test sets what it means. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(INPUT_|GITHUB_|RUNNER_|ACTIONS_|MERCURE_)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * Runs dist/index.js under Node 24 in the repository root (the workspace), with the runner's
 * files in a fresh temp folder that `use` may read and that is removed afterwards.
 */
export async function withActionRun<T>(run: ActionRun, use: (result: ActionResult) => Promise<T>): Promise<T> {
  const node = await node24();
  const temp = await mkdtemp(path.join(os.tmpdir(), 'mmk-action-'));
  try {
    const files = {
      output: path.join(temp, 'output'),
      summary: path.join(temp, 'summary.md'),
      event: path.join(temp, 'event.json'),
      home: path.join(temp, 'home'),
      state: path.join(temp, 'state'),
      runnerTemp: path.join(temp, 'runner-temp'),
    };
    await Promise.all([
      writeFile(files.output, ''),
      writeFile(files.summary, ''),
      mkdir(files.home),
      mkdir(files.runnerTemp),
    ]);
    await writeFile(files.event, JSON.stringify(run.event ?? {}));
    const env: Record<string, string> = {
      ...baseEnv(),
      HOME: files.home,
      MERCURE_MODULE_STATE_DIR: files.state,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: REPO_ROOT,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: run.eventName ?? 'push',
      GITHUB_REF: run.ref ?? 'refs/heads/main',
      GITHUB_REPOSITORY: 'acme/mercure-blur',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      RUNNER_TEMP: files.runnerTemp,
      ...run.env,
    };
    for (const [name, value] of Object.entries(run.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const subprocess = execa(node, [DIST], {
      cwd: REPO_ROOT,
      env,
      extendEnv: false,
      reject: false,
      timeout: 600_000,
      stdin: 'ignore',
    });
    const beside = run.whileRunning?.(subprocess.pid ?? -1, (signal) => subprocess.kill(signal));
    const child = await subprocess;
    await beside;
    const outputsFile = await readFile(files.output, 'utf8');
    return await use({
      code: child.exitCode ?? -1,
      stdout: child.stdout,
      stderr: child.stderr,
      outputsFile,
      outputs: parseOutputs(outputsFile),
      summary: await readFile(files.summary, 'utf8'),
      home: files.home,
      pid: subprocess.pid ?? -1,
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
