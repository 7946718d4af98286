// The part of madge's API the import-graph test uses (madge ships no types).
declare module 'madge' {
  interface MadgeResult {
    /** Each file (relative to the base folder) with the files it imports. */
    obj(): Record<string, string[]>;
    /** Each import cycle as its files in order. */
    circular(): string[][];
    warnings(): { skipped: string[] };
  }
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
    detectiveOptions?: { ts?: { skipTypeImports?: boolean } };
  }
  export default function madge(path: string, config?: MadgeConfig): Promise<MadgeResult>;
}
