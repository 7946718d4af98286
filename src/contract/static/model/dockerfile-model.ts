import { DockerfileParser, Keyword, type Instruction, type From } from 'dockerfile-ast';
import { expandVariables, type Variables } from './variables.js';
import { addStep, type Stage } from './steps.js';

export type { Stage, Step } from './steps.js';

/** A Dockerfile read into build stages of typed steps, variables and WORKDIR already applied. */
export interface DockerfileModel {
  /** Path relative to the module folder, for findings. */
  file: string;
  stages: Stage[];
  /** Things `docker build` would reject, with their 1-based line. */
  problems: { line: number; message: string }[];
}

const KEYWORDS = new Set<string>(Object.values(Keyword));

/** Parses a Dockerfile with dockerfile-ast and resolves ARG/ENV (buildArgs override ARG defaults). */
export function readDockerfile(
  text: string,
  file: string,
  buildArgs: Readonly<Record<string, string>> = {},
): DockerfileModel {
  const parsed = DockerfileParser.parse(text);
  const model: DockerfileModel = { file, stages: [], problems: [] };
  const globals = new Map<string, string>();
  let stage: Stage | undefined;
  for (const instruction of parsed.getInstructions()) {
    const line = instruction.getRange().start.line + 1;
    const keyword = instruction.getKeyword();
    if (!KEYWORDS.has(keyword)) {
      model.problems.push({ line, message: `Unknown instruction ${instruction.getInstruction()}` });
      continue;
    }
    if (keyword === 'FROM') {
      stage = openStage(instruction as From, line, model, globals);
      continue;
    }
    if (stage === undefined) {
      if (keyword === 'ARG') declareArgs(instruction, globals, globals, buildArgs, true);
      else model.problems.push({ line, message: `${keyword} before the first FROM` });
      continue;
    }
    if (keyword === 'ARG') declareArgs(instruction, stage.vars, globals, buildArgs, false);
    else if (keyword === 'ENV') setEnv(instruction, stage);
    else {
      const problem = addStep(stage, keyword, instruction, line, readExecForm(instruction));
      if (problem !== undefined) model.problems.push({ line, message: problem });
    }
  }
  // Without any FROM, "X before the first FROM" for every line would only repeat the one problem.
  if (model.stages.length === 0)
    model.problems = [
      ...model.problems.filter((p) => !p.message.endsWith('before the first FROM')),
      { line: 1, message: 'No FROM instruction' },
    ];
  return model;
}

/** The stages the final image is built from, base-most first (a stage FROM an earlier stage inherits it). */
export function finalChain(model: DockerfileModel): Stage[] {
  const last = model.stages.at(-1);
  return last === undefined ? [] : stageChain(last);
}

/** The stage and its ancestors, base-most first. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s !== undefined; s = s.parent) chain.unshift(s);
  return chain;
}

/** Finds a stage by `AS` name (case-insensitive, as Docker) or by index, as COPY --from names it. */
export function findStage(model: DockerfileModel, ref: string, before: number): Stage | undefined {
  const lower = ref.toLowerCase();
  return model.stages.find((s) => s.index < before && (s.name === lower || String(s.index) === ref));
}

function openStage(from: From, line: number, model: DockerfileModel, globals: Variables): Stage {
  const args = from.getArguments().map((a) => a.getValue());
  const raw = args[0] ?? '';
  // Only global ARGs (before the first FROM) are visible in FROM.
  const expanded = expandVariables(raw, globals);
  const image = expanded.value.trim();
  const name = args.length >= 3 && args[1]?.toLowerCase() === 'as' ? args[2]?.toLowerCase() : undefined;
  const parent = model.stages.find((s) => s.name !== undefined && s.name === image.toLowerCase());
  if (raw === '') model.problems.push({ line, message: 'FROM names no image' });
  else if (image === '') {
    const names = expanded.unresolved.join(', ');
    model.problems.push({
      line,
      message: `FROM ${raw} resolves to an empty image name (no value for ${names}); give the ARG a default or pass a build arg`,
    });
  }
  if (name !== undefined && model.stages.some((s) => s.name === name)) {
    model.problems.push({ line, message: `Duplicate stage name ${name}` });
  }
  const stage: Stage = {
    index: model.stages.length,
    line,
    rawImage: raw,
    image,
    unresolved: expanded.unresolved,
    steps: [],
    // A child stage inherits its parent's ENV and WORKDIR (they are image config); ARGs do not carry over.
    vars: new Map(parent?.env ?? []),
    env: new Map(parent?.env ?? []),
    workdir: parent?.workdir ?? '/',
    shell: parent?.shell ?? ['/bin/sh', '-c'],
  };
  if (name !== undefined) stage.name = name;
  if (parent !== undefined) stage.parent = parent;
  model.stages.push(stage);
  return stage;
}

function declareArgs(
  instruction: Instruction,
  into: Map<string, string>,
  globals: Variables,
  buildArgs: Readonly<Record<string, string>>,
  isGlobal: boolean,
): void {
  for (const word of instruction.getArguments().map((a) => a.getValue())) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    const given = Object.hasOwn(buildArgs, name) ? buildArgs[name] : undefined;
    // `ARG NAME` inside a stage re-imports the global default; a build arg beats both.
    const fallback =
      eq < 0 ? (isGlobal ? undefined : globals.get(name)) : expandVariables(unquote(word.slice(eq + 1)), into).value;
    const value = given ?? fallback;
    if (value !== undefined) into.set(name, value);
  }
}

function setEnv(instruction: Instruction, stage: Stage): void {
  const words = instruction.getArguments().map((a) => a.getValue());
  // Legacy form `ENV NAME value with spaces` has no '=' in its first word.
  if (words.length >= 2 && !words[0]!.includes('=')) {
    const rest = (instruction.getArgumentsContent() ?? '').trim().slice(words[0]!.length).trim();
    assign(stage, words[0]!, expandVariables(unquote(rest), stage.vars).value);
    return;
  }
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) assign(stage, word.slice(0, eq), expandVariables(unquote(word.slice(eq + 1)), stage.vars).value);
  }
}

function assign(stage: Stage, name: string, value: string): void {
  stage.vars.set(name, value);
  stage.env.set(name, value);
}

function unquote(value: string): string {
  return /^(["']).*\1$/s.test(value) ? value.slice(1, -1) : value;
}

/** The JSON array of an exec-form instruction; Docker treats anything that is not valid JSON as shell form. */
function readExecForm(instruction: Instruction): string[] | undefined {
  const content = (instruction.getArgumentsContent() ?? '').trim();
  if (!content.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(content);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // Not JSON: shell form.
  }
  return undefined;
}
