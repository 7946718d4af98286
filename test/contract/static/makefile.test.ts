import { describe, expect, it } from 'vitest';
import { makefileTags } from '../../../src/contract/static/rules/makefile.js';

describe('makefileTags', () => {
  it('expands variables used in docker build -t', () => {
    const text =
      'REGISTRY ?= registry:5000\nNAME = acme/blur\nVERSION := 1.2.3\nIMAGE = $(REGISTRY)/${NAME}\n\nbuild:\n\tdocker build . -t $(IMAGE):$(VERSION) --tag=$(IMAGE):latest\n';
    expect(makefileTags(text)).toEqual([
      { tag: 'registry:5000/acme/blur:1.2.3', line: 7 },
      { tag: 'registry:5000/acme/blur:latest', line: 7 },
    ]);
  });

  it('keeps the first ?= and lets = override it', () => {
    expect(
      makefileTags('IMAGE ?= a/b\nIMAGE ?= c/d\nbuild:\n\tdocker build -t $(IMAGE) .\n').map((t) => t.tag),
    ).toEqual(['a/b']);
    expect(makefileTags('IMAGE ?= a/b\nIMAGE = c/d\nbuild:\n\tdocker build -t $(IMAGE) .\n').map((t) => t.tag)).toEqual(
      ['c/d'],
    );
  });

  it('follows continuation lines and buildx, and reports the line the command starts on', () => {
    const text = 'build:\n\tdocker buildx build \\\n\t  --platform linux/amd64 \\\n\t  -t acme/blur:dev .\n';
    expect(makefileTags(text)).toEqual([{ tag: 'acme/blur:dev', line: 2 }]);
  });

  it('leaves out tags it cannot know (environment, $(shell))', () => {
    expect(makefileTags('build:\n\tdocker build -t $(UNSET):1 .\n\tdocker build -t $$IMAGE .\n')).toEqual([]);
  });

  it('ignores other docker commands', () => {
    expect(makefileTags('push:\n\tdocker push acme/blur:1\n\tdocker tag a b\n')).toEqual([]);
  });
});
