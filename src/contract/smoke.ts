import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { runContainer, StartError, type ContainerResult } from '../engine/containers.js';
import {
  CASE_MODES,
  moduleInvocation,
  probeInvocation,
  serviceAccount,
  type CreateBody,
  type ModuleRunSettings,
} from '../mercure/invocation.js';
import { cleanupOnExit } from '../cleanup.js';
import { tempFolderPrefix, tempRoot } from '../local/index.js';
import { escapeControl, ModuleError } from '../errors.js';
import { checkDirectives } from './routing.js';
import { createLock, startFinding, withoutGpu } from './smoke-start.js';
import { execFailureInLog } from './start-failure.js';
import { silentLogger, type Logger } from '../logger.js';
import { processSettingsText } from '../mercure/task.js';
import { MAX_TASK_BYTES, readRegularText } from '../regular-file.js';
import { finding, type Finding } from './finding.js';
import { diagnoseFailure } from './diagnosis.js';
import { checkOutput, snapshotFolder, compareSnapshots, type OutputFile } from './output.js';

/** How to smoke-run an image. */
export interface SmokeOptions {
  /** Image reference or ID, already present in the engine. */
  image: string;
  /** How to name the image in messages (default: `image`). */
  name?: string;
  /** Writes the case's input (DICOM files, .tags, task.json) into the given in/ folder. */
  prepareInput: (inDir: string) => Promise<void>;
  settings?: ModuleRunSettings;
  /**
   * requires_persistence: the module's persistence folder (created when missing), or true for a
   * fresh one inside the case folder. mercure mounts it at /tmp/persistence with a lock file in it.
   */
  persistence?: string | true;
  /** The server's target names, to check dynamic-routing targets against. */
  targets?: string[];
  /** Seconds before a hung module is killed (mercure itself would wait forever). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Where the temporary case folder goes (default: the OS temp folder). */
  tempRoot?: string;
  /** Called after the run with the case folders, before they are removed (the HTML report reads its pictures here). */
  inspectCase?: (folders: { inDir: string; outDir: string }) => Promise<void>;
}

/** What happened in one smoke run, and the findings judged from it. */
export interface SmokeRun {
  image: string;
  monaiPackage: boolean;
  exitCode: number | null;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  inputFiles: number;
  /** task.json's process.settings as the module read them, in task.json's own JSON form (integers beyond 2^53 exact). */
  processSettings?: string;
  outputs: OutputFile[];
  logTail: string[];
  findings: Finding[];
  /** The create-container body the module ran with, as mercure's docker-py call sends it. */
  container?: CreateBody;
}

export const DEFAULT_TIMEOUT_SECONDS = 600;
/** The longest timeout a Node timer holds (2^31 - 1 ms): past it the timer fires at once. */
export const MAX_TIMEOUT_SECONDS = 2_147_483;

/** The smoke run's timeout (default DEFAULT_TIMEOUT_SECONDS); a value the run cannot keep is a ModuleError. */
export function checkTimeoutSeconds(seconds: number | undefined): number {
  const timeout = seconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS))
    throw new ModuleError(
      'bad-timeout',
      `the timeout must be a positive number of seconds, at most ${MAX_TIMEOUT_SECONDS}, got ${timeout}`,
    );
  return timeout;
}
const PROBE_TIMEOUT_MS = 60_000;
const LOG_TAIL_LINES = 40;

/**
 * Runs the image once on a mercure-style case exactly as mercure 0.4.1 does (probe, then the
 * run) and judges the result. The case folder is removed afterwards, whatever happens.
 */
export async function smokeRun(docker: Docker, options: SmokeOptions): Promise<SmokeRun> {
  const logger = options.logger ?? silentLogger;
  const settings = options.settings ?? {};
  const caseDir = await mkdtemp(tempFolderPrefix(options.tempRoot ?? (await tempRoot(logger)), 'smoke'));
  const forget = cleanupOnExit(() => rm(caseDir, { recursive: true, force: true }));
  try {
    const inDir = path.join(caseDir, 'in');
    const outDir = path.join(caseDir, 'out');
    await mkdir(inDir);
    await mkdir(outDir);
    // The probe needs no input: it runs while the case is written (mercure runs it just before).
    const probing = runProbe(docker, options, logger);
    try {
      await options.prepareInput(inDir);
      await applyCaseModes(inDir, outDir);
    } catch (error) {
      await probing.catch(() => undefined);
      throw error;
    }
    const before = await snapshotFolder(inDir);
    const processSettings = await readProcessSettings(inDir);
    const probe = await probing;
    const base: Omit<
      SmokeRun,
      'exitCode' | 'timedOut' | 'interrupted' | 'durationMs' | 'outputs' | 'logTail' | 'findings'
    > = {
      image: options.image,
      monaiPackage: probe.monaiCommand !== undefined,
      inputFiles: before.size,
      ...(processSettings !== undefined ? { processSettings } : {}),
    };
    if (probe.finding || options.signal?.aborted) {
      return {
        ...base,
        exitCode: null,
        timedOut: false,
        interrupted: options.signal?.aborted ?? false,
        durationMs: 0,
        outputs: [],
        logTail: [],
        findings: probe.finding && !options.signal?.aborted ? [probe.finding] : [],
      };
    }

    const account = serviceAccount({ uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000 });
    const runSettings = { ...settings };
    if (options.persistence !== undefined) {
      runSettings.persistenceDir =
        options.persistence === true ? path.join(caseDir, 'persistence') : options.persistence;
      await mkdir(runSettings.persistenceDir, { recursive: true });
    }
    let body = moduleInvocation({ inDir, outDir }, runSettings, account, probe.monaiCommand);
    const step = logger.step(`smoke run of ${options.name ?? options.image}`);
    const early: Finding[] = [];
    const run = async (): Promise<ContainerResult | Finding> => {
      const lock = runSettings.persistenceDir ? await createLock(runSettings.persistenceDir) : undefined;
      try {
        return await runContainer(docker, {
          image: options.image,
          body,
          timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (!(error instanceof StartError)) throw error;
        // A GPU this engine cannot give: say so and run without it, as the module may fall back to the CPU.
        const cpu = withoutGpu(body, error.message, options.name ?? options.image);
        if (cpu) {
          early.push(cpu.finding);
          body = cpu.body;
          return run();
        }
        return startFinding(docker, options.image, options.name ?? options.image, error.message, false);
      } finally {
        await lock?.();
      }
    };
    const outcome = await run();
    if (!('exitCode' in outcome)) {
      step.done('could not start');
      return {
        ...base,
        exitCode: null,
        timedOut: false,
        interrupted: false,
        durationMs: 0,
        outputs: [],
        logTail: [],
        findings: [...early, outcome],
        container: body,
      };
    }
    const result = outcome;
    step.done(result.timedOut ? 'timed out' : `exit ${result.exitCode} in ${(result.durationMs / 1000).toFixed(1)} s`);

    const findings = [...early, ...(await judgeRun(docker, result, options))];
    const outputs: OutputFile[] = [];
    if (result.exitCode === 0) {
      const judged = await checkOutput(outDir);
      outputs.push(...judged.files);
      findings.push(...judged.findings);
      if (judged.files.some((f) => f.kind === 'result.json'))
        findings.push(...(await checkDirectives(path.join(outDir, 'result.json'), options.targets)));
    }
    findings.push(...compareSnapshots(before, await snapshotFolder(inDir)));
    const failed = findings.some((f) => f.severity === 'error');
    await options.inspectCase?.({ inDir, outDir });
    return {
      ...base,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      interrupted: result.interrupted,
      durationMs: result.durationMs,
      outputs,
      logTail: logTail(result, failed ? LOG_TAIL_LINES : 5),
      findings,
      container: body,
    };
  } finally {
    await removeCase(caseDir, logger);
    forget();
  }
}

/** mercure chmods the case folders before the run: in/ 0777, its files 0666, out/ 0777. */
async function applyCaseModes(inDir: string, outDir: string): Promise<void> {
  await chmod(inDir, CASE_MODES.inDir);
  await chmod(outDir, CASE_MODES.outDir);
  for (const entry of await readdir(inDir, { withFileTypes: true })) {
    if (entry.isFile()) await chmod(path.join(inDir, entry.name), CASE_MODES.inFile);
  }
}

async function runProbe(
  docker: Docker,
  options: SmokeOptions,
  logger: Logger,
): Promise<{ monaiCommand?: string[]; finding?: Finding }> {
  try {
    const probe = await runContainer(docker, {
      image: options.image,
      body: probeInvocation(),
      timeoutMs: PROBE_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // A probe that started and failed is docker-py's ContainerError: mercure takes the image as no MONAI package.
    if (probe.exitCode !== 0) return {};
    const command = monaiCommand(probe.stdout);
    if (command)
      logger.info(`MONAI application package: mercure will run "${escapeControl(command.join(' '))}" as root`);
    return command ? { monaiCommand: command } : {};
  } catch (error) {
    if (error instanceof StartError)
      return { finding: await startFinding(docker, options.image, options.name ?? options.image, error.message, true) };
    throw error;
  }
}

/** The `command` of a MONAI app manifest, split as docker-py splits a string command. */
export function monaiCommand(manifest: string): string[] | undefined {
  try {
    const parsed = JSON.parse(manifest) as { command?: unknown };
    if (Array.isArray(parsed.command)) return parsed.command.map(String);
    if (typeof parsed.command === 'string' && parsed.command.trim()) return parsed.command.trim().split(/\s+/);
  } catch {
    // Not JSON: not a MONAI package, as mercure concludes too.
  }
  return undefined;
}

/** The last lines of the log, after a line that says how many came before them. */
function logTail(result: ContainerResult, lines: number): string[] {
  const kept = result.log.slice(-lines);
  const earlier = result.omittedLines + result.log.length - kept.length;
  return earlier > 0 ? [`[${earlier} earlier line(s) not shown]`, ...kept] : kept;
}

async function judgeRun(docker: Docker, result: ContainerResult, options: SmokeOptions): Promise<Finding[]> {
  const where = { file: options.name ?? options.image };
  if (result.interrupted) return [];
  if (result.timedOut) {
    const seconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    return [finding('module-hung', `the module was still running after ${seconds} s and was killed`, where)];
  }
  if (result.exitCode !== 0 && execFailureInLog(result.log)) {
    const line = result.log.at(-1)?.replace(/^\S+Z /, '') ?? '';
    return [await startFinding(docker, options.image, where.file, line, false)];
  }
  if (result.exitCode !== 0) return [diagnoseFailure(result.exitCode ?? -1, result.log, where.file)];
  return [];
}

async function removeCase(caseDir: string, logger: Logger): Promise<void> {
  try {
    await rm(caseDir, { recursive: true, force: true });
  } catch (error) {
    logger.warn(`could not remove the case folder ${caseDir}: ${(error as Error).message}`);
  }
}

/** task.json's process.settings in the case as written (undefined when it has no readable task.json). */
async function readProcessSettings(inDir: string): Promise<string | undefined> {
  const text = await readRegularText(path.join(inDir, 'task.json'), MAX_TASK_BYTES).catch(() => undefined);
  return text === undefined ? undefined : processSettingsText(text);
}
