import { describe, expect, it } from 'vitest';
import { planTags } from '../../src/release/index.js';
import { renderPublish } from '../../src/report/render.js';
import { styleFor } from '../../src/report/style.js';
import type { PublishResult } from '../../src/pipeline/publish.js';

const plain = styleFor({ isTTY: false } as NodeJS.WriteStream, {});
const result = (dryRun: boolean): PublishResult => ({
  image: 'acme/blur',
  version: '1.2.3',
  imageId: 'sha256:' + 'a'.repeat(64),
  digest: undefined,
  dryRun,
  alreadyPublished: false,
  skipValidate: true,
  plan: planTags('1.2.3', []),
  tags: [],
  skipped: [],
  retries: 0,
});

describe('renderPublish with --skip-validate', () => {
  it('a dry run says nothing was published', () => {
    const text = renderPublish(result(true), plain);
    expect(text).not.toMatch(/^published/m);
    expect(text).toMatch(/would publish WITHOUT validation \(--skip-validate\); nothing was published \(dry run\)/);
  });

  it('a real run says it published without validation', () => {
    expect(renderPublish(result(false), plain)).toMatch(/^published WITHOUT validation \(--skip-validate\)/m);
  });
});
