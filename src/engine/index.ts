/**
 * The Docker Engine, the only door to it: connect with a bounded first ping (connect.ts), build
 * through buildx or the legacy builder (build*.ts, buildx.ts), run and always remove containers
 * (containers.ts, container-log.ts), look images up (image-id.ts), export and read them
 * (export.ts, image-archive.ts, image-file.ts), pull and the Engine's own push (pull.ts, push.ts).
 */
export { connectEngine } from './connect.js';
export { buildImage } from './build.js';
export { removeLiveContainers, runContainer } from './containers.js';
export { imageIdOf, localImage } from './image-id.js';
