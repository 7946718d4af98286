/**
 * Presentation above pipeline/: reports as text for a terminal or a log (render.ts), colours that
 * honour NO_COLOR/FORCE_COLOR (style.ts), the progress meter (progress.ts), and the HTML report
 * (html/). The front doors choose where it goes; nothing here reads input or exits.
 */
export { renderMatrix, renderPromote, renderPublish, renderStatus, renderValidation } from './render.js';
export { styleFor, type Style } from './style.js';
