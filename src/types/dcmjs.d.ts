/**
 * The small part of dcmjs 0.49 that src/mercure uses. dcmjs ships no types; this declares only
 * what we call, so a dcmjs upgrade that changes these shapes fails the type check here.
 */
declare module 'dcmjs' {
  /** One element of a denaturalized dataset, keyed by its tag as 8 hex digits ("0020000E"). */
  export interface DicomElement {
    vr: string;
    Value?: unknown[];
    /** The values as stored in the file (padding kept, DS/IS not parsed); dcmjs keeps them for lossless writes. */
    _rawValue?: unknown;
  }

  export type DenaturalizedDataset = Record<string, DicomElement>;

  /** A dataset keyed by DICOM keyword ("SeriesInstanceUID"), as dcmjs naturalizes it. */
  export type NaturalizedDataset = Record<string, unknown>;

  export interface ReadFileOptions {
    ignoreErrors?: boolean;
    /** Stop at this tag ("7FE00010"), 8 uppercase hex digits. */
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  export class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  export interface DictionaryEntry {
    tag: string;
    vr: string;
    name: string;
    vm: string;
  }

  interface DicomMessageStatic {
    readFile(buffer: ArrayBuffer, options?: ReadFileOptions): DicomDict;
  }

  interface DicomMetaDictionaryStatic {
    naturalizeDataset(dataset: DenaturalizedDataset): NaturalizedDataset;
    denaturalizeDataset(dataset: NaturalizedDataset): DenaturalizedDataset;
    /** Keyword -> entry; entry.tag is "(gggg,eeee)". */
    nameMap: Record<string, DictionaryEntry | undefined>;
    /** "(gggg,eeee)" -> entry. */
    dictionary: Record<string, DictionaryEntry | undefined>;
  }

  interface Logger {
    setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void;
    getLogger(name: string): Logger;
  }

  const dcmjs: {
    data: {
      DicomMessage: DicomMessageStatic;
      DicomMetaDictionary: DicomMetaDictionaryStatic;
      DicomDict: typeof DicomDict;
    };
    log: Logger;
  };
  export default dcmjs;
}
