import { posix } from 'node:path';
import type { Copy, Instruction } from 'dockerfile-ast';
import { expandVariables } from './variables.js';

/** One build stage: its FROM, the steps that matter to our checks, and the state they leave. */
export interface Stage {
  index: number;
  /** Line of the FROM. */
  line: number;
  /** Lower-cased `AS` name. */
  name?: string;
  /** FROM's image as written, and after global ARG substitution ('' when that left nothing). */
  rawImage: string;
  image: string;
  /** ARG names FROM used without a value. */
  unresolved: string[];
  /** The earlier stage this one is built FROM, if any. */
  parent?: Stage;
  steps: Step[];
  /** ARG and ENV values visible at the current line while reading. */
  vars: Map<string, string>;
  /** ENV only: what a child stage and the running container see. */
  env: Map<string, string>;
  /** WORKDIR in effect at the current line (absolute). */
  workdir: string;
  /** The SHELL in effect for shell-form RUN/CMD/ENTRYPOINT. */
  shell: string[];
}

interface StepBase {
  /** 1-based line of the instruction. */
  line: number;
  /** WORKDIR in effect for this instruction (absolute). */
  workdir: string;
}

/** COPY or ADD with sources and destination already variable-expanded. */
export interface CopyStep extends StepBase {
  kind: 'copy';
  keyword: 'COPY' | 'ADD';
  sources: string[];
  /** Absolute destination in the image. */
  dest: string;
  /** True when Docker must treat dest as a folder (trailing '/', several sources or a glob). */
  destIsDir: boolean;
  from?: string;
  chmod?: string;
  /** `COPY <<EOF file`: the content is inline, not from the context. */
  heredoc: boolean;
  /** A source or the destination used a variable with no value. */
  unresolved: boolean;
}

/** RUN, as a shell script (shell form, or exec form of `sh -c`) or a plain argv. */
export interface RunStep extends StepBase {
  kind: 'run';
  script?: string;
  argv?: string[];
}

/** CMD or ENTRYPOINT: argv is what Docker executes (shell form becomes SHELL + the text). */
export interface CommandStep extends StepBase {
  kind: 'cmd' | 'entrypoint';
  argv: string[];
  /** The text of a shell-form instruction. */
  shellText?: string;
}

/** USER, expanded. */
export interface UserStep extends StepBase {
  kind: 'user';
  user: string;
}

/** Any step the checks look at. */
export type Step = CopyStep | RunStep | CommandStep | UserStep;

const GLOB = /[*?[]/;

/** Appends the typed step for one instruction to the stage; returns a problem `docker build` would report. */
export function addStep(
  stage: Stage,
  keyword: string,
  instruction: Instruction,
  line: number,
  exec: string[] | undefined,
): string | undefined {
  const workdir = stage.workdir;
  const expand = (word: string) => expandVariables(word, stage.vars);
  switch (keyword) {
    case 'WORKDIR': {
      const path = expand((instruction.getArgumentsContent() ?? '').trim()).value;
      if (path === '') return 'WORKDIR names no folder';
      stage.workdir = posix.resolve(workdir, path);
      return undefined;
    }
    case 'SHELL':
      if (exec === undefined || exec.length === 0) return 'SHELL must be a JSON array, e.g. SHELL ["/bin/bash", "-c"]';
      stage.shell = exec;
      return undefined;
    case 'USER':
      stage.steps.push({
        kind: 'user',
        line,
        workdir,
        user: expand((instruction.getArgumentsContent() ?? '').trim()).value,
      });
      return undefined;
    case 'RUN':
      stage.steps.push(runStep(exec, instruction, line, workdir));
      return undefined;
    case 'CMD':
    case 'ENTRYPOINT': {
      const kind = keyword === 'CMD' ? 'cmd' : 'entrypoint';
      const text = (instruction.getArgumentsContent() ?? '').trim();
      const step: CommandStep =
        exec !== undefined
          ? { kind, line, workdir, argv: exec }
          : { kind, line, workdir, argv: text === '' ? [] : [...stage.shell, text], shellText: text };
      stage.steps.push(step);
      return undefined;
    }
    case 'COPY':
    case 'ADD':
      return copyStep(stage, keyword, instruction as Copy, line, exec);
    default:
      return undefined;
  }
}

function runStep(exec: string[] | undefined, instruction: Instruction, line: number, workdir: string): RunStep {
  if (exec === undefined) return { kind: 'run', line, workdir, script: instruction.getArgumentsContent() ?? '' };
  // ["sh", "-c", "script"] is a shell script in exec clothing.
  const [program = '', flag, script] = exec;
  if (/(^|\/)(ba|da|z|k|a)?sh$/.test(program) && flag === '-c' && script !== undefined)
    return { kind: 'run', line, workdir, script };
  return { kind: 'run', line, workdir, argv: exec };
}

function copyStep(
  stage: Stage,
  keyword: 'COPY' | 'ADD',
  instruction: Copy,
  line: number,
  exec: string[] | undefined,
): string | undefined {
  const words = exec ?? instruction.getArguments().map((a) => a.getValue());
  const heredoc = words.some((w) => w.startsWith('<<'));
  if (!heredoc && words.length < 2) return `${keyword} needs a source and a destination`;
  let unresolved = false;
  const expanded = words.map((word) => {
    const result = expandVariables(word, stage.vars);
    if (result.unresolved.length > 0) unresolved = true;
    return result.value;
  });
  const rawDest = expanded.at(-1) ?? '';
  const sources = heredoc ? [] : expanded.slice(0, -1);
  const flags = new Map(instruction.getFlags().map((f) => [f.getName().toLowerCase(), f.getValue() ?? ''] as const));
  const step: CopyStep = {
    kind: 'copy',
    keyword,
    line,
    workdir: stage.workdir,
    sources,
    dest: posix.resolve(stage.workdir, rawDest),
    destIsDir: rawDest.endsWith('/') || rawDest === '.' || sources.length > 1 || sources.some((s) => GLOB.test(s)),
    heredoc,
    unresolved,
  };
  const from = flags.get('from');
  if (from !== undefined) step.from = from;
  const chmod = flags.get('chmod');
  if (chmod !== undefined) step.chmod = chmod;
  stage.steps.push(step);
  return undefined;
}
