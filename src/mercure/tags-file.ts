/**
 * The `.tags` sidecar mercure's getdcmtags writes next to every received DICOM file
 * (getdcmtags/main.cpp, tags_list.h). Written here the way getdcmtags writes it:
 *
 *   {\n"Key": "value",\n ... "Filename": "MR.X.1.2.3"\n}\n
 *
 * - Values are the tag's text as DCMTK's findAndGetOFStringArray returns it: all values joined
 *   with a backslash, padding trimmed; CR becomes ';', LF a space and '"' a "'" (getdcmtags' readTag).
 * - Then getdcmtags' escapeJSONValue: '\' and control characters 0x00-0x1f as \u00xx (lowercase),
 *   so a multi-value reads `ORIGINAL\u005cPRIMARY` in the file and "ORIGINAL\PRIMARY" once parsed.
 *   Non-ASCII text stays raw UTF-8 (getdcmtags converts the character set to UTF-8).
 * - One deliberate difference: tags_list.h lists Modality, BodyPartExamined, ProtocolName and
 *   SpecificCharacterSet twice, so getdcmtags writes those keys twice with the same value. We
 *   write each key once, at its first place: the object every JSON reader (Python's json.load
 *   included) sees is the same, and the file is valid for strict parsers too.
 */

/** Keys getdcmtags writes first, from the file's own tags and from storescp's peer info. */
export const TAGS_FILE_HEAD_KEYS = [
  'SpecificCharacterSet',
  'SeriesInstanceUID',
  'SOPInstanceUID',
  'SenderAddress',
  'SenderAET',
  'ReceiverAET',
] as const;

/** The DICOM tags of tags_list.h, in order, duplicates removed; then MediaStorageSOPClassUID from the meta header. */
export const TAGS_FILE_MAIN_KEYWORDS = [
  'Modality',
  'BodyPartExamined',
  'ProtocolName',
  'RetrieveAETitle',
  'StationAETitle',
  'Manufacturer',
  'ManufacturerModelName',
  'StudyDescription',
  'CodeValue',
  'CodeMeaning',
  'SeriesDescription',
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'AccessionNumber',
  'ReferringPhysicianName',
  'StudyID',
  'SeriesNumber',
  'StudyInstanceUID',
  'SeriesDate',
  'SeriesTime',
  'AcquisitionDate',
  'AcquisitionTime',
  'SequenceName',
  'ScanningSequence',
  'SequenceVariant',
  'MagneticFieldStrength',
  'StationName',
  'DeviceSerialNumber',
  'DeviceUID',
  'SoftwareVersions',
  'ContrastBolusAgent',
  'ImageComments',
  'SliceThickness',
  'InstanceNumber',
  'AcquisitionNumber',
  'InstitutionName',
  'AcquisitionType',
  'ImageType',
  'MediaStorageSOPClassUID',
] as const;

/** Every DICOM keyword a .tags file needs from the file (head keys that are DICOM tags, then the main list). */
export const TAGS_FILE_DICOM_KEYWORDS: readonly string[] = [
  'SpecificCharacterSet',
  'SeriesInstanceUID',
  'SOPInstanceUID',
  ...TAGS_FILE_MAIN_KEYWORDS,
];

/** A parsed .tags file: every value a string, keys in file order. */
export type TagsFile = Record<string, string>;

/** What goes into one .tags file besides the DICOM values. */
export interface TagsFileInput {
  /** DICOM keyword (or extra-tag key) -> text as read from the file; absent tags may be missing. */
  values: Readonly<Record<string, string>>;
  /** The storescp name of the file without the series prefix, e.g. "MR.X.1.2.3". */
  filename: string;
  senderAddress: string;
  senderAet: string;
  receiverAet: string;
  /** Keys of extra configured tags (mercure's dcm_extra_tags), written after the main list. */
  extraTags?: readonly string[];
}

/** The .tags object in getdcmtags' key order, missing tags as "". */
export function buildTags(input: TagsFileInput): TagsFile {
  const peer: Record<string, string> = {
    SenderAddress: input.senderAddress,
    SenderAET: input.senderAet,
    ReceiverAET: input.receiverAet,
  };
  const tags: TagsFile = {};
  const keys = [...TAGS_FILE_HEAD_KEYS, ...TAGS_FILE_MAIN_KEYWORDS, ...(input.extraTags ?? [])];
  for (const key of keys) {
    if (key in tags || key === 'Filename') continue;
    tags[key] = sanitizeTagValue(peer[key] ?? input.values[key] ?? '');
  }
  tags['Filename'] = input.filename;
  return tags;
}

/** getdcmtags' readTag: CR -> ';', LF -> ' ', '"' -> "'" (so values never break its hand-written JSON). */
export function sanitizeTagValue(value: string): string {
  return value.replace(/[\r\n"]/g, (ch) => (ch === '\r' ? ';' : ch === '\n' ? ' ' : "'"));
}

/** getdcmtags' escapeJSONValue: '"', '\' and 0x00-0x1f as \u00xx; everything else raw. */
export function escapeTagValue(value: string): string {
  return value.replace(/["\\\u0000-\u001f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The .tags file text, laid out line by line as getdcmtags prints it. */
export function serializeTags(tags: TagsFile): string {
  const lines = Object.entries(tags).map(([key, value]) => `"${escapeTagValue(key)}": "${escapeTagValue(value)}"`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Parses a .tags file and checks it is a flat object of strings. */
export function parseTagsFile(text: string, where = '.tags file'): TagsFile {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where} is not a JSON object`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      throw new Error(`${where}: "${key}" is a ${v === null ? 'null' : typeof v}, not a string`);
  }
  return value as TagsFile;
}
