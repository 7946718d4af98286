/**
 * What a matrix variant is: a named mercure input folder that differs from a tidy CT series in
 * one way a hospital's data does, built from real files where they exist.
 */
import type { SampleSource } from './samples.js';

/** `quick`: the few variants most likely to break a module (a CI-sized run); `full`: all of them. */
export type VariantTier = 'quick' | 'full';

/** Where a variant's files come from. */
export type VariantSource = 'real' | 'synthetic' | 'user';

/** What building a variant may use. */
export interface VariantContext {
  /** pydicom's real sample files. */
  samples: SampleSource;
  /** Study dates and the time stamps of synthetic files. */
  now: Date;
  /** Slices of the long-series variant. */
  longSeriesSlices: number;
}

/** What every variant says about itself. */
export interface VariantInfo {
  name: string;
  /** What the folder holds, in one line. */
  description: string;
  /** The module code it puts to the test, in one line. */
  exercises: string;
  tier: VariantTier;
  source: VariantSource;
  /** A series-level case (one series) or a study-level one (several series). */
  level: 'series' | 'study';
}

/** A built-in variant: its files are made on demand. */
export interface BuiltinVariant extends VariantInfo {
  source: 'real' | 'synthetic';
  /** The Part 10 files of each series, in the order mercure received them. */
  build(ctx: VariantContext): Promise<Uint8Array[][]>;
}

/** A variant from the user's --matrix-source folder: a subfolder of DICOM files or a mercure case. */
export interface UserVariant extends VariantInfo {
  source: 'user';
  from: string;
}

/** Any variant of a matrix. */
export type Variant = BuiltinVariant | UserVariant;

/** The default size of the long-series variant: long enough to find per-slice leaks and O(n²) sorting. */
export const DEFAULT_LONG_SERIES_SLICES = 300;
