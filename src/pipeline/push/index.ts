/**
 * Our own push (the default pusher): the image streamed from the Engine's export, layers known
 * from the layer cache, the target's releases or the base image skipped or mounted
 * (known-layers.ts, layer-cache.ts, related.ts), the rest compressed and uploaded in resumable
 * chunks, the manifest last (push-image.ts).
 */
export { pushImage } from './push-image.js';
