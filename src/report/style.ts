/** Terminal colours, only when the stream is a TTY and NO_COLOR is unset (https://no-color.org). */
export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

const COLOURS: Style = {
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};
const PLAIN: Style = { red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s, bold: (s) => s };

/** The style for a stream: colours for an interactive terminal, plain text when piped. */
export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const force = env['FORCE_COLOR'];
  // FORCE_COLOR=0 (or false) asks for no colours, as Node and chalk read it; any other value forces them.
  if (force !== undefined && force !== '') return force === '0' || force === 'false' ? PLAIN : COLOURS;
  const wanted = stream.isTTY === true && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
  return wanted ? COLOURS : PLAIN;
}
