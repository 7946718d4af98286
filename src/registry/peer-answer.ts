// Answers from a registry are input from outside: every body and header we act on is parsed here,
// defensively, and anything that is not what the Registry API promises is reported as that
// registry's fault (exit 3, naming it), never as a crash or as the user's bad image name.
import { inputForMessage, ModuleError } from '../errors.js';

/** What the caller knows about the answer: who sent it and what it answers. */
export interface PeerAnswer {
  /** The registry host, as in image references. */
  registry: string;
  /** The request, as in messages: `list tags of acme/blur`. */
  what: string;
}

const HINT =
  'The registry (or a proxy in front of it) sent something that is not a Registry API answer: check the registry URL and its health. Your input is not at fault.';

/** ModuleError 'registry-bad-response' (exit 3): `peer` answered `what` with `said`. */
export function badAnswer(peer: PeerAnswer, said: string, cause?: unknown): ModuleError {
  return new ModuleError('registry-bad-response', `registry ${peer.registry} answered ${peer.what} with ${said}`, {
    kind: 'environment',
    hint: HINT,
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** How some bytes that should have been JSON start, for a message. */
export function shownStart(text: string): string {
  const start = text.trimStart().slice(0, 40);
  return start.length === 0
    ? 'an empty body'
    : `"${inputForMessage(start, 40)}${text.trimStart().length > 40 ? '…' : ''}"`;
}

/**
 * Parses a JSON body and checks its shape: `problem` returns a sentence saying what is wrong with
 * the document, or undefined when it is sound. Anything else (not JSON, the wrong shape) is the
 * peer's fault.
 */
export function parsePeerJson<T>(text: string, peer: PeerAnswer, problem: (doc: unknown) => string | undefined): T {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw badAnswer(peer, `text that is not JSON (${shownStart(text)})`, error);
  }
  const wrong = problem(doc);
  if (wrong !== undefined) throw badAnswer(peer, `JSON that ${wrong}`);
  return doc as T;
}

/** Reads a body as text and parses it with parsePeerJson; a body that breaks off is the peer's fault too. */
export async function readPeerJson<T>(
  response: Response,
  peer: PeerAnswer,
  problem: (doc: unknown) => string | undefined,
): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw badAnswer(peer, `a body that could not be read (${(error as Error).message})`, error);
  }
  return parsePeerJson<T>(text, peer, problem);
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** Whether a value is a well-formed content digest (sha256 with 64 hex digits; others by the grammar). */
export function isContentDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value) && (!value.startsWith('sha256:') || SHA256.test(value));
}

/**
 * A Docker-Content-Digest header, checked: undefined when absent, the digest when well-formed;
 * anything else is the registry's fault (before, it reached the reference parser and was blamed
 * on the user's image name).
 */
export function peerDigest(headers: Headers, peer: PeerAnswer): string | undefined {
  const value = headers.get('docker-content-digest');
  if (value === null || value === '') return undefined;
  if (isContentDigest(value)) return value;
  throw badAnswer(peer, `a malformed Docker-Content-Digest header ("${inputForMessage(value, 80)}")`);
}

/** The shape `{ <key>: item[] | null | absent }`: what is wrong with it, each item judged by `item`. */
export function listOf(
  key: string,
  item: (value: unknown) => string | undefined,
): (doc: unknown) => string | undefined {
  return (doc) => {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'is not an object';
    const list = (doc as Record<string, unknown>)[key];
    if (list === undefined || list === null) return undefined;
    if (!Array.isArray(list)) return `has "${key}" that is not a list`;
    for (const [i, value] of list.entries()) {
      const wrong = item(value);
      if (wrong !== undefined) return `has "${key}"[${i}] that ${wrong}`;
    }
    return undefined;
  };
}
