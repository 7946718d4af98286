/** Variables as Docker sees them while it reads a Dockerfile: ARG and ENV values by name. */
export type Variables = ReadonlyMap<string, string>;

/** The result of expanding `$VAR` / `${VAR}` in one Dockerfile word. */
export interface Expansion {
  value: string;
  /** Names that had no value; Docker expands them to "" but our checks should not guess. */
  unresolved: string[];
}

/**
 * Expands variables the way Docker does in FROM, COPY, ADD, WORKDIR, USER and ENV:
 * `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`; `\$` is literal.
 */
export function expandVariables(text: string, vars: Variables): Expansion {
  const unresolved: string[] = [];
  let value = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === '$') {
      value += '$';
      i += 2;
      continue;
    }
    if (ch !== '$') {
      value += ch;
      i += 1;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        value += text.slice(i);
        break;
      }
      value += expandBraced(text.slice(i + 2, close), vars, unresolved);
      i = close + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
    if (name === undefined) {
      value += ch;
      i += 1;
      continue;
    }
    const found = vars.get(name);
    if (found === undefined) unresolved.push(name);
    value += found ?? '';
    i += 1 + name.length;
  }
  return { value, unresolved };
}

function expandBraced(inner: string, vars: Variables, unresolved: string[]): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-+])?(.*)$/s.exec(inner);
  if (match === null) return `\${${inner}}`;
  const [, name = '', operator, word = ''] = match;
  const found = vars.get(name);
  // With ':' an empty value counts as unset, as in the shell.
  const isSet = operator?.startsWith(':') ? found !== undefined && found !== '' : found !== undefined;
  if (operator === undefined) {
    if (found === undefined) unresolved.push(name);
    return found ?? '';
  }
  if (operator.endsWith('-')) return isSet ? (found ?? '') : expandVariables(word, vars).value;
  return isSet ? expandVariables(word, vars).value : '';
}
