/** One challenge of a `WWW-Authenticate` header: a scheme (lower-cased) and its parameters. */
export interface Challenge {
  /** `bearer`, `basic`, or another scheme, lower-cased. */
  scheme: string;
  /** Parameter names lower-cased, quoted values unquoted and unescaped. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z/-]/;

/**
 * Parses a `WWW-Authenticate` value (RFC 9110 section 11.6.1) into its challenges, e.g.
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"`.
 * Quoted values may hold commas, `=` and escaped quotes; several challenges may share one header.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i] ?? '')) i++;
  };
  const token = () => {
    const start = i;
    while (i < header.length && TOKEN_CHAR.test(header[i] ?? '')) i++;
    return header.slice(start, i);
  };
  const quoted = () => {
    let value = '';
    i++; // opening quote
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote
    return value;
  };

  while (i < header.length) {
    skip(/[\s,]/);
    if (i >= header.length) break;
    const name = token();
    if (name === '') {
      i++; // a character no rule expects: step over it rather than loop forever
      continue;
    }
    skip(/[ \t]/);
    if (header[i] === '=') {
      i++;
      skip(/[ \t]/);
      const value = header[i] === '"' ? quoted() : token();
      if (current) current.params[name.toLowerCase()] = value;
    } else {
      current = { scheme: name.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}
