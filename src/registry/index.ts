// The registry HTTP API v2 (distribution spec) over fetch: image references and base URLs
// (reference.ts), WWW-Authenticate challenges and tokens (challenge.ts, auth.ts), retries and
// network failures through the retry core in src/retry/ (transport.ts), the per-registry request door (connection.ts), manifests
// and blobs (manifest.ts, blobs.ts) and the RegistryClient that callers use (client.ts).
export * from './reference.js';
export * from './manifest.js';
export * from './challenge.js';
export * from './transport.js';
export {
  defaultRetryPolicy,
  noRetry,
  type RetryFailure,
  type RetryOptions,
  type RetryPolicy,
} from '../retry/policy.js';
export * from './auth.js';
export * from './response-error.js';
export * from './connection.js';
export type { BlobHead, UploadOutcome, MountOutcome } from './blobs.js';
export * from './client.js';
