/**
 * The fixture matrix: named input folders with the DICOM variety hospitals send.
 *
 * - variant.ts: what a variant is (name, tier, source, level, how it is built).
 * - registry.ts: the built-in variants, quick and full.
 * - real.ts, derive.ts, edit.ts, samples.ts: variants from pydicom's real sample files, edited
 *   byte for byte only where a coherent series needs it.
 * - synthesized.ts: the variants no real file covers, from the synthetic phantom.
 * - write.ts: a variant as a mercure input folder; the user's own variants (--matrix-source).
 * - traits.ts: what a written folder holds, for a module's declared scope.
 */
export * from './variant.js';
export { VARIANTS, findVariant, variantsOf } from './registry.js';
export { SAMPLES_ENV, findSamples, sampleSource, type SampleSource } from './samples.js';
export { editDicom, wrapPart10, type Edits, type RawValue } from './edit.js';
export { userVariants, writeVariant, type VariantCaseOptions } from './write.js';
export { UNCOMPRESSED_TRANSFER_SYNTAXES, folderTraits, type FolderTraits } from './traits.js';
