// Docker Hub's web API (hub.docker.com, not the registry): login for a bearer token (session.ts),
// requests with 429/5xx retries and rate-limit headers (http.ts, rate-limit.ts), the failures a
// user can act on (failures.ts), Hub's description limits (limits.ts), the repository client
// (client.ts) and the rule that a repository is created with its visibility before the first
// push (ensure.ts).
export * from './limits.js';
export * from './rate-limit.js';
export { DOCKER_HUB_API, HubSession, type HubCall } from './session.js';
export { sendToHub, type HubTransport } from './http.js';
export * from './client.js';
export * from './ensure.js';
