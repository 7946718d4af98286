/**
 * What mercure is and does, and nothing else: pure models and file layouts, no engine, no network.
 *
 * - task.ts, python-json.ts: the Task model and task.json bytes as mercure 0.4.1 writes them.
 * - tags-file.ts: the .tags sidecar as getdcmtags writes it.
 * - dicom.ts, dicom-lengths.ts: reading DICOM Part 10 files and their header values (dcmjs), every
 *   declared length checked against the file first.
 * - synthetic.ts, uid.ts: synthetic CT/MR series with reproducible UIDs.
 * - input-folder.ts, import-folder.ts, input-listing.ts: writing a case's in/ folder from series
 *   or the user's DICOM folder, and reading one back (also used on a module's out/).
 * - invocation.ts: the container options mercure 0.4.1 starts a module with.
 */
export { toPythonJson, pythonNumber, pythonFloatRepr, pythonString } from './python-json.js';
export {
  MERCURE_VERSION,
  DEFAULT_PEER,
  buildModule,
  buildTask,
  mercureTime,
  serializeTask,
  type Module,
  type Task,
  type TaskInfo,
  type TaskOptions,
  type TaskProcessing,
  type TaskSeries,
  type TaskStudy,
} from './task.js';
export {
  TAGS_FILE_HEAD_KEYS,
  TAGS_FILE_MAIN_KEYWORDS,
  TAGS_FILE_DICOM_KEYWORDS,
  buildTags,
  escapeTagValue,
  parseTagsFile,
  sanitizeTagValue,
  serializeTags,
  type TagsFile,
  type TagsFileInput,
} from './tags-file.js';
export {
  DicomReadError,
  HEADER_KEYWORDS,
  isDicomPart10,
  parseDicomHeader,
  readDicom,
  readDicomHeader,
  tagKeyOf,
  tagOf,
  type DicomDataset,
  type DicomFile,
  type DicomHeader,
} from './dicom.js';
export { dicomUid, isValidUid } from './uid.js';
export {
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLEMENTATION_CLASS_UID,
  SOP_CLASS,
  createSyntheticSeries,
  drawPhantom,
  type SyntheticSeries,
  type SyntheticSeriesOptions,
} from './synthetic.js';
export {
  TASK_FILE,
  inputFileName,
  startCase,
  storescpName,
  writeInputFolder,
  type CaseOptions,
  type CaseWriter,
  type InputFile,
  type InputFolder,
  type InputFolderOptions,
  type InputSeries,
} from './input-folder.js';
export { importDicomFolder, type ImportOptions, type ImportResult, type SkippedFile } from './import-folder.js';
export {
  readInputFolder,
  type InputListing,
  type ListedDicomFile,
  type ListingOptions,
  type ListingProblem,
} from './input-listing.js';
export * from './invocation.js';
