import * as core from '@actions/core';
import { renderPublish, renderValidation } from '../report/render.js';
import { styleFor } from '../report/style.js';
import { ExitCode } from '../errors.js';
import { runFrontDoor, type FrontDoor } from '../front-door/runner.js';
import { parseVersion } from '../release/version.js';
import { KIT_VERSION } from '../version.js';
import { annotateFindings } from './annotations.js';
import type { ActionOutcome } from './outcome.js';
import { ActionLogger } from './core-logger.js';
import { actionOutputs } from './outputs.js';
import { readInputs, type ActionCommand, type ActionInputs } from './inputs.js';
import { reportRoot, writeActionReport } from './report-file.js';
import { actionSpelling } from './spelling.js';
import { writeErrorSummary, writeSummary } from './summary.js';

/** What the run is about to do, in one line: the first line of the log. */
function announce(inputs: ActionInputs): string {
  const version = inputs.version === undefined ? undefined : parseVersion(inputs.version).version;
  const target = [inputs.image, version].filter(Boolean).join(' ');
  const from = inputs.command === 'publish' || inputs.command === 'status' ? '' : ` ${inputs.context}`;
  return `mercure-module-kit ${KIT_VERSION}: ${inputs.command}${from}${target ? ` -> ${target}` : ''}${inputs.dryRun ? ' (dry run)' : ''}`;
}

/** The report as the CLI prints it, the findings as annotations, the outputs and the job summary. */
async function report(outcome: ActionOutcome, inputs: ActionInputs): Promise<void> {
  const style = styleFor(process.stdout);
  if (outcome.validation) core.info(renderValidation(outcome.validation, style));
  if (outcome.publish) core.info(`\n${renderPublish(outcome.publish, style)}`);
  if (outcome.validation) annotateFindings(outcome.validation.findings, inputs.context);
  const root = reportRoot();
  if (outcome.validation && root) {
    // The page is a view of the run: failing to write it is told, and does not fail the step.
    await writeActionReport(outcome.validation, root).then(
      (file) => (outcome.reportFile = file),
      (error: unknown) => core.warning(`HTML report not written: ${(error as Error).message}`),
    );
  }
  for (const [name, value] of Object.entries(actionOutputs(outcome))) core.setOutput(name, value);
  await writeSummary(outcome);
}

/**
 * The action: read the inputs (masking secrets first), run the command through the library,
 * report it, and fail the step with one clear message when anything went wrong. Signals, exit
 * codes and clean-up are the front-door runner's, shared with the CLI.
 */
export async function run(): Promise<void> {
  const logger = new ActionLogger();
  let command: ActionCommand | undefined;
  const door: FrontDoor = {
    ownProcess: true,
    spelling: actionSpelling,
    notice: (text) => core.warning(text),
    fail: async (failure) => {
      logger.close();
      if (failure.kind === 'module') {
        const { message, hint } = failure;
        core.setFailed(`${message}${hint ? `\nhint: ${hint}` : ''}`);
        await writeErrorSummary(command, { message, hint }).catch((e: unknown) =>
          core.warning(`job summary not written: ${String(e)}`),
        );
      } else if (failure.kind === 'interrupted') {
        core.setFailed('interrupted: containers and temp folders were removed');
      } else {
        // Not a user error: a bug. Show everything so it can be reported.
        const error = failure.error as Error | undefined;
        core.setFailed(`internal error (please report it): ${error?.stack ?? String(error)}`);
      }
    },
  };
  const code = await runFrontDoor(door, async (signal) => {
    const inputs = readInputs();
    command = inputs.command;
    core.info(announce(inputs));
    // The library (engine, registry, DICOM) loads after the first line, so the log shows at once what runs.
    const { runCommand } = await import('./commands.js');
    const outcome = await runCommand(inputs, logger, signal);
    logger.close();
    await report(outcome, inputs);
    if (signal.aborted) {
      // The command finished, so whatever it published is complete (see the outputs and summary).
      const published =
        outcome.digest && !outcome.dryRun
          ? `; it had finished: ${outcome.image ?? ''} ${outcome.version ?? ''} is published as ${outcome.digest}`
          : '';
      core.setFailed(`interrupted: containers and temp folders were removed${published}`);
      return ExitCode.interrupted;
    }
    if (!outcome.ok) {
      core.setFailed(outcome.failure ?? `${outcome.command} failed`);
      return ExitCode.findings;
    }
    return ExitCode.ok;
  });
  process.exitCode = code;
}
