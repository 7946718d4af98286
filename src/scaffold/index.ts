/**
 * The module scaffold behind `mercure-module init`: names.ts checks the module and namespace
 * names (Docker's repository rules), templates.ts finds and renders the template files under
 * src/scaffold/templates/<language>/, init.ts writes them into the new module's folder.
 */
export {
  initModule,
  nextSteps,
  DEFAULT_BASE_IMAGE,
  type InitOptions,
  type InitReport,
  type WrittenFile,
} from './init.js';
export {
  moduleNames,
  checkModuleName,
  checkNamespace,
  suggestComponent,
  PLACEHOLDER_NAMESPACE,
  type ModuleNames,
} from './names.js';
export { LANGUAGES, TEMPLATES, renderTemplate, templatesRoot, type Language, type TemplateFile } from './templates.js';
