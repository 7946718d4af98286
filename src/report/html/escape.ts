/**
 * Text from the module (log lines, file names, DICOM strings, messages quoting them) made safe for
 * the HTML report: markup characters as entities, and control characters, bidirectional overrides
 * and line/paragraph separators shown as visible \uXXXX, so that nothing a module writes can add
 * markup, hide text or reorder what the page shows. Tabs and newlines stay (log lines keep them).
 */
export function escapeHtml(text: string): string {
  return text.replace(HIDDEN, unicode).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function unicode(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
