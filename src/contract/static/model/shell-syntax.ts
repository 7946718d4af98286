/** A redirection such as `> /etc/motd` or `2>&1`. */
export interface Redirect {
  op: string;
  target: string;
}

/** One simple command of a shell script: its words (quotes removed) and redirections. */
export interface SimpleCommand {
  words: string[];
  redirects: Redirect[];
  /** 1-based line where the command starts. */
  line: number;
}

/**
 * Splits a POSIX shell script into simple commands: enough of the grammar to find what a
 * script runs (quotes, escapes, comments, `;` `&&` `||` `|`, redirections, here-documents,
 * `$(...)` and backticks, whose commands are returned too). Variables stay unexpanded.
 */
export function parseShell(script: string, firstLine = 1): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let line = firstLine;
  let words: string[] = [];
  let redirects: Redirect[] = [];
  let start = line;
  let word: string | undefined;
  let pendingOp: string | undefined;
  const heredocs: { delimiter: string; stripTabs: boolean }[] = [];

  const endWord = () => {
    if (word === undefined) return;
    if (pendingOp === undefined) words.push(word);
    else {
      if (pendingOp.startsWith('<<') && pendingOp !== '<<<')
        heredocs.push({ delimiter: word, stripTabs: pendingOp === '<<-' });
      redirects.push({ op: pendingOp, target: word });
      pendingOp = undefined;
    }
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0 || redirects.length > 0) out.push({ words, redirects, line: start });
    words = [];
    redirects = [];
  };
  const append = (text: string) => {
    if (word === undefined && words.length === 0 && redirects.length === 0) start = line;
    word = (word ?? '') + text;
  };
  const nested = (from: number, to: number, raw: string) => {
    out.push(...parseShell(script.slice(from, to), line));
    append(raw);
    line += countLines(raw);
  };

  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '#' && word === undefined) {
      while (i < script.length && script[i] !== '\n') i += 1;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      i += 1;
    } else if (ch === '\\') {
      if (next === '\n') line += 1;
      else if (next !== undefined) append(next);
      i += 2;
    } else if (ch === '\n') {
      endCommand();
      line += 1;
      i += 1;
      // Here-document bodies start on the next line and are data, not commands.
      for (const doc of heredocs.splice(0)) {
        while (i < script.length) {
          const endOfLine = script.indexOf('\n', i) < 0 ? script.length : script.indexOf('\n', i);
          const text = script.slice(i, endOfLine).replace(/\r$/, '');
          i = endOfLine + 1;
          line += 1;
          if ((doc.stripTabs ? text.replace(/^\t+/, '') : text) === doc.delimiter) break;
        }
      }
    } else if (ch === '<' || ch === '>' || (ch === '&' && next === '>')) {
      // A word of digits right before the operator is the file descriptor (2>), not an argument.
      if (word !== undefined && /^\d+$/.test(word)) word = undefined;
      endWord();
      const op = /^(<<-|<<<|<<|<>|<&|>>|>&|>\||&>>|&>|<|>)/.exec(script.slice(i))![0];
      pendingOp = op;
      i += op.length;
    } else if (ch === ';' || ch === '&' || ch === '|' || ch === '(' || ch === ')') {
      endCommand();
      i += next === ch || (ch === '|' && next === '&') ? 2 : 1;
    } else if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close < 0 ? script.length : close;
      const text = script.slice(i + 1, end);
      append(text);
      line += countLines(text);
      i = end + 1;
    } else if (ch === '"') {
      i = readDoubleQuoted(script, i + 1, append, nested, (n) => (line += n));
    } else if (ch === '`') {
      const close = findUnescaped(script, '`', i + 1);
      nested(i + 1, close, script.slice(i, close + 1));
      i = close + 1;
    } else if (ch === '$' && (next === '(' || next === '{')) {
      const close = findClose(script, i + 1);
      const raw = script.slice(i, close + 1);
      // $(( arithmetic )) and ${parameter} hold no commands.
      if (next === '(' && script[i + 2] !== '(') nested(i + 2, close, raw);
      else {
        append(raw);
        line += countLines(raw);
      }
      i = close + 1;
    } else {
      append(ch);
      i += 1;
    }
  }
  endCommand();
  return out;
}

function readDoubleQuoted(
  script: string,
  from: number,
  append: (text: string) => void,
  nested: (from: number, to: number, raw: string) => void,
  addLines: (n: number) => void,
): number {
  let i = from;
  let text = '';
  // Empty quotes still make a word ("").
  append('');
  while (i < script.length && script[i] !== '"') {
    const ch = script[i]!;
    if (ch === '\\' && i + 1 < script.length) {
      const escaped = script[i + 1]!;
      if (escaped === '\n') addLines(1);
      else text += '$`"\\'.includes(escaped) ? escaped : `\\${escaped}`;
      i += 2;
    } else if ((ch === '$' && script[i + 1] === '(' && script[i + 2] !== '(') || ch === '`') {
      append(text);
      text = '';
      const close = ch === '`' ? findUnescaped(script, '`', i + 1) : findClose(script, i + 1);
      nested(ch === '`' ? i + 1 : i + 2, close, script.slice(i, close + 1));
      i = close + 1;
    } else {
      if (ch === '\n') addLines(1);
      text += ch;
      i += 1;
    }
  }
  append(text);
  return i + 1;
}

/** Index of the bracket closing the one at `open` (`(` or `{`), skipping quoted text. */
function findClose(script: string, open: number): number {
  const opening = script[open]!;
  const closing = opening === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < script.length; i += 1) {
    const ch = script[i]!;
    if (ch === '\\') i += 1;
    else if (ch === "'" && opening === '(')
      i = Math.max(i, script.indexOf("'", i + 1) < 0 ? script.length : script.indexOf("'", i + 1));
    else if (ch === opening) depth += 1;
    else if (ch === closing && --depth === 0) return i;
  }
  return script.length;
}

function findUnescaped(script: string, char: string, from: number): number {
  for (let i = from; i < script.length; i += 1) {
    if (script[i] === '\\') i += 1;
    else if (script[i] === char) return i;
  }
  return script.length;
}

function countLines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '\n') n += 1;
  return n;
}
