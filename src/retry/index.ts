// The one retry core of the kit, used by registry/, hub/ and engine/ alike: the backoff policy
// with its Retry-After bounds (policy.ts), the one set of retryable network failures and statuses
// (network.ts), Retry-After parsing and abortable waits (wait.ts), the one retry loop (loop.ts)
// and the one place a single try of a peer request happens (request.ts).
export * from './policy.js';
export * from './network.js';
export * from './wait.js';
export * from './loop.js';
export * from './request.js';
