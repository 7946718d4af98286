import { finding, type Finding } from './finding.js';

/** Log lines that say the module wanted the network mercure does not give it. */
const NETWORK =
  /network is unreachable|temporary failure in name resolution|name or service not known|could not resolve host|getaddrinfo|ENOTFOUND|EAI_AGAIN|failed to establish a new connection|no route to host|bad address '|nodename nor servname/i;
/** Log lines that say the module wanted to be root. */
const ROOT =
  /permission denied|operation not permitted|must be root|are you root|EACCES|EPERM|you need to be root|only root can/i;

/**
 * Turns a non-zero exit into the most specific finding the log supports: a module that failed
 * for lack of network or root gets that code (and the hint for it), anything else exit-nonzero.
 */
export function diagnoseFailure(exitCode: number, log: readonly string[], image: string): Finding {
  const evidence = (pattern: RegExp) =>
    log
      .find((line) => pattern.test(line))
      ?.replace(/^\S+Z /, '')
      .trim();
  const network = evidence(NETWORK);
  if (network) {
    return finding(
      'needs-network',
      `the module exited with code ${exitCode} after a network failure: "${clip(network)}"`,
      { file: image },
    );
  }
  const root = evidence(ROOT);
  if (root) {
    return finding(
      'needs-root',
      `the module exited with code ${exitCode} after a permission failure as a non-root user: "${clip(root)}"`,
      { file: image },
    );
  }
  const hint =
    exitCode === 137
      ? 'Exit 137 means it was killed (often out of memory); check the log tail and memory use.'
      : undefined;
  return finding('exit-nonzero', `the module exited with code ${exitCode}`, { file: image, ...(hint ? { hint } : {}) });
}

function clip(line: string): string {
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
