/**
 * The matrix's loop over its variants: each in turn is skipped when out of scope, else its smoke run
 * is queued on the VariantSchedule (schedule.ts says what overlaps), and its outcome recorded.
 */
import { copyFile, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { hasErrors, sortFindings } from '../../contract/finding.js';
import { smokeRun, type SmokeOptions, type SmokeRun } from '../../contract/smoke.js';
import type { Logger } from '../../logger.js';
import type { Variant, VariantInfo } from '../../mercure/variants/index.js';
import { outOfScope, type ModuleScope } from './module-scope.js';
import type { VariantOutcome } from './outcome.js';
import type { VariantSchedule } from './schedule.js';

/** What the loop over the variants needs: the schedule, the smoke-run options, where to report. */
export interface VariantRun {
  docker: Docker;
  variants: Variant[];
  scope: ModuleScope | undefined;
  schedule: VariantSchedule;
  smoke: Omit<SmokeOptions, 'name' | 'prepareInput'>;
  /** The image as shown in lines and reports (its reference, or its short ID). */
  shown: string;
  /** The report's running totals, kept up to date as runs end. */
  report: { interrupted: boolean; timing: { containerMs: number } };
  logger: Logger;
}

/**
 * The loop: each variant in turn is skipped when its case is out of scope, else queued for its
 * smoke run (see VariantSchedule for what overlaps). Stops at an interrupt or an engine failure
 * (thrown once the running module is done); every variant not run is reported as such.
 */
export async function runVariants(run: VariantRun, signal: AbortSignal | undefined): Promise<VariantOutcome[]> {
  const { variants, scope, schedule, report, logger, shown } = run;
  const outcomes: VariantOutcome[] = [];
  let failure: Error | undefined;
  const stopped = () => signal?.aborted === true || report.interrupted || failure !== undefined;
  try {
    for (let i = 0; i < variants.length && !stopped(); i++) {
      const variant = variants[i] as Variant;
      const ready = schedule.case(i);
      // Usually written by now: then an out-of-scope variant is skipped without even a probe.
      const written = await schedule.writtenAlready(i);
      const reason = written && outOfScope(scope, written.traits);
      if (reason) {
        logger.info(`– ${variant.name}: skipped, ${reason}`);
        outcomes[i] = skipped(variant, reason);
        continue;
      }
      const turn = schedule.queue((turn) =>
        smokeRun(run.docker, {
          ...run.smoke,
          name: `${shown} on ${variant.name}`,
          prepareInput: async (inDir) => {
            const { folder, traits } = await ready;
            await turn;
            if (stopped()) throw new NotRun('not run: interrupted');
            const reason = outOfScope(scope, traits);
            if (reason) throw new NotRun(reason);
            await moveInto(folder, inDir);
          },
        }).then(
          (smoke) => {
            smoke.image = shown;
            report.interrupted ||= smoke.interrupted;
            report.timing.containerMs += smoke.durationMs;
            outcomes[i] = outcomeOf(variant, smoke);
          },
          (error: unknown) => {
            if (!(error instanceof NotRun)) failure ??= error instanceof Error ? error : new Error(String(error));
            else if (!stopped()) logger.info(`– ${variant.name}: skipped, ${error.message}`);
            outcomes[i] = skipped(variant, error instanceof NotRun ? error.message : 'not run: the engine failed');
          },
        ),
      );
      // The next variant is queued once this one may start its module: one module run at a time.
      await turn;
    }
  } finally {
    await schedule.close();
  }
  for (let i = 0; i < variants.length; i++) outcomes[i] ??= skipped(variants[i] as Variant, 'not run: interrupted');
  if (failure !== undefined) throw failure;
  return outcomes;
}

/** Moves a written case into the smoke run's in/ (a rename on the same disk; a copy across disks). */
async function moveInto(from: string, inDir: string): Promise<void> {
  for (const name of await readdir(from)) {
    await rename(path.join(from, name), path.join(inDir, name)).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV') throw error;
      await copyFile(path.join(from, name), path.join(inDir, name));
    });
  }
}

/** Thrown into a waiting smoke run when the matrix stops before its turn. */
class NotRun extends Error {}

function info(variant: Variant): VariantInfo {
  const { name, description, exercises, tier, source, level } = variant;
  return { name, description, exercises, tier, source, level };
}

export function skipped(variant: Variant, reason: string): VariantOutcome {
  return { ...info(variant), status: 'skipped', reason, findings: [] };
}

function outcomeOf(variant: Variant, smoke: SmokeRun): VariantOutcome {
  const failed = hasErrors(smoke.findings) && !smoke.interrupted;
  const outcome: VariantOutcome = {
    ...info(variant),
    status: smoke.interrupted ? 'skipped' : failed ? 'failed' : 'passed',
    findings: sortFindings(smoke.findings),
    smoke: {
      exitCode: smoke.exitCode,
      timedOut: smoke.timedOut,
      durationMs: smoke.durationMs,
      inputFiles: smoke.inputFiles,
      outputFiles: smoke.outputs.filter((o) => o.kind === 'dicom').length,
      logTail: smoke.logTail,
    },
  };
  if (smoke.interrupted) outcome.reason = 'interrupted while running';
  return outcome;
}
