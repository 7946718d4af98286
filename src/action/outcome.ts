import type { PublishResult } from '../pipeline/publish.js';
import type { ModuleStatus } from '../pipeline/status.js';
import type { ValidationReport } from '../pipeline/validate.js';
import type { ActionCommand } from './inputs.js';

/** What a command did, in the shape the outputs, annotations and summary are written from. */
export interface ActionOutcome {
  command: ActionCommand;
  /** What the run was about, for the summary's heading: the module folder, or image and version. */
  subject: string;
  ok: boolean;
  /** Why the step fails when `ok` is false (setFailed's message). */
  failure?: string;
  version?: string;
  image?: string;
  digest?: string;
  /** Tags read back after publishing, or the planned ones for a dry run. */
  tags: { tag: string; digest?: string; reason: string }[];
  skipped: { tag: string; reason: string }[];
  dryRun: boolean;
  validation?: ValidationReport;
  publish?: PublishResult;
  status?: ModuleStatus;
  /** One line of HTML under the summary's heading (e.g. where a promoted image came from). */
  note?: string;
  /** The library's own report, for the `report` output. */
  report: unknown;
  /** The HTML report written under RUNNER_TEMP (the `report-file` output). */
  reportFile?: string;
}
