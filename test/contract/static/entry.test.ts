import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModule } from '../../../src/contract/static/index.js';
import { dockerfile, ModuleBuilder, type FileSpec } from './module-builder.js';

const builder = new ModuleBuilder();
afterAll(() => builder.remove());

const NOT_EXECUTABLE = { text: '#!/usr/bin/env bash\necho hi\n', mode: 0o644 };
const codes = async (files: Record<string, FileSpec>, options = {}) =>
  (await checkModule(await builder.module(files), options)).map((f) => f.code);

describe('entry-not-executable: where the execute bit can come from', () => {
  it.each([
    [
      'no chmod at all',
      ['WORKDIR /app', 'COPY docker-entrypoint.sh blur.py ./', 'CMD ["./docker-entrypoint.sh"]'],
      ['entry-not-executable'],
    ],
    [
      'RUN chmod +x of the file after the COPY',
      [
        'WORKDIR /app',
        'COPY docker-entrypoint.sh blur.py ./',
        'RUN chmod +x docker-entrypoint.sh',
        'CMD ["./docker-entrypoint.sh"]',
      ],
      [],
    ],
    [
      'RUN chmod before the COPY does not count',
      [
        'WORKDIR /app',
        'RUN chmod +x docker-entrypoint.sh || true',
        'COPY docker-entrypoint.sh blur.py ./',
        'CMD ["./docker-entrypoint.sh"]',
      ],
      ['entry-not-executable'],
    ],
    [
      'RUN chmod -R 755 of its folder',
      [
        'COPY docker-entrypoint.sh blur.py /app/',
        'RUN chmod -R 755 /app',
        'WORKDIR /app',
        'CMD ["./docker-entrypoint.sh"]',
      ],
      [],
    ],
    [
      'RUN chmod 755 of its folder without -R',
      [
        'COPY docker-entrypoint.sh blur.py /app/',
        'RUN chmod 755 /app',
        'WORKDIR /app',
        'CMD ["./docker-entrypoint.sh"]',
      ],
      ['entry-not-executable'],
    ],
    [
      'RUN chmod +x with a glob',
      ['WORKDIR /app', 'COPY . .', 'RUN chmod +x /app/*.sh', 'CMD ["./docker-entrypoint.sh"]'],
      [],
    ],
    [
      'COPY --chmod=755',
      ['WORKDIR /app', 'COPY --chmod=755 docker-entrypoint.sh blur.py ./', 'CMD ["./docker-entrypoint.sh"]'],
      [],
    ],
    [
      'COPY --chmod=744 (only root may run it)',
      ['WORKDIR /app', 'COPY --chmod=744 docker-entrypoint.sh blur.py ./', 'CMD ["./docker-entrypoint.sh"]'],
      ['entry-not-executable'],
    ],
    [
      'RUN chmod u+x (only the owner, root)',
      [
        'WORKDIR /app',
        'COPY docker-entrypoint.sh blur.py ./',
        'RUN chmod u+x docker-entrypoint.sh',
        'CMD ["./docker-entrypoint.sh"]',
      ],
      ['entry-not-executable'],
    ],
    [
      'a chmod in the build stage survives COPY --from',
      [
        'WORKDIR /app',
        'COPY docker-entrypoint.sh blur.py ./',
        'RUN chmod 755 docker-entrypoint.sh',
        'FROM python:3.12-slim-bookworm',
        'COPY --from=0 /app /app',
        'WORKDIR /app',
        'CMD ["./docker-entrypoint.sh"]',
      ],
      [],
    ],
  ])('%s', async (_name, lines, expected) => {
    expect(await codes({ Dockerfile: dockerfile(...lines), 'docker-entrypoint.sh': NOT_EXECUTABLE })).toEqual(expected);
  });

  it('accepts a 0744 script when the module runs as root (requires_root)', async () => {
    const lines = [
      'WORKDIR /app',
      'COPY --chmod=744 docker-entrypoint.sh blur.py ./',
      'CMD ["./docker-entrypoint.sh"]',
    ];
    expect(
      await codes({ Dockerfile: dockerfile(...lines), 'docker-entrypoint.sh': NOT_EXECUTABLE }, { requiresRoot: true }),
    ).toEqual([]);
  });

  it('trusts git over the disk inside a work tree, and says so', async () => {
    const dir = await builder.module({ 'docker-entrypoint.sh': NOT_EXECUTABLE });
    await builder.commit(dir);
    // Executable locally, but the commit records 100644: a fresh clone (CI) builds a broken image.
    await chmod(join(dir, 'docker-entrypoint.sh'), 0o755);
    const findings = await checkModule(dir, {});
    expect(findings.map((f) => f.code)).toEqual(['entry-not-executable']);
    expect(findings[0]?.message).toMatch(/git records 100644, though the file on disk is 0755/);
  });

  it('uses the disk mode outside git', async () => {
    const dir = await builder.module({ 'docker-entrypoint.sh': NOT_EXECUTABLE });
    expect(await checkModule(dir, {})).toMatchObject([
      { code: 'entry-not-executable', message: expect.stringMatching(/mode on disk 0644/) },
    ]);
    await chmod(join(dir, 'docker-entrypoint.sh'), 0o755);
    expect(await checkModule(dir, {})).toEqual([]);
  });
});

describe('exec form, shell form and interpreters', () => {
  const NO_SHEBANG = { text: 'set -e\nexec python3 /app/blur.py "$MERCURE_IN_DIR" "$MERCURE_OUT_DIR"\n', mode: 0o644 };
  it.each([
    ['exec form, run directly', 'CMD ["./docker-entrypoint.sh"]', ['entry-no-shebang', 'entry-not-executable']],
    ['shell form, run directly by sh', 'CMD ./docker-entrypoint.sh', ['entry-no-shebang', 'entry-not-executable']],
    ['through bash', 'CMD ["bash", "docker-entrypoint.sh"]', []],
    ['through sh -c "sh script"', 'CMD ["/bin/sh", "-c", "exec sh ./docker-entrypoint.sh"]', []],
    ['python3 main script', 'CMD ["python3", "blur.py", "/in", "/out"]', []],
    ['ENTRYPOINT through tini', 'ENTRYPOINT ["tini", "--", "bash", "./docker-entrypoint.sh"]', []],
  ])('%s', async (_name, command, expected) => {
    const files = { Dockerfile: dockerfile('WORKDIR /app', 'COPY . .', command), 'docker-entrypoint.sh': NO_SHEBANG };
    expect((await codes(files)).sort()).toEqual(expected);
  });

  it('reports CRLF for a script run by bash but not for a Python script', async () => {
    const crlf = '#!/usr/bin/env bash\r\nset -e\r\nexec python3 /app/blur.py "$MERCURE_IN_DIR" "$MERCURE_OUT_DIR"\r\n';
    expect(
      await codes({
        Dockerfile: dockerfile('WORKDIR /app', 'COPY . .', 'CMD ["bash", "docker-entrypoint.sh"]'),
        'docker-entrypoint.sh': crlf,
      }),
    ).toEqual(['entry-crlf']);
    expect(
      await codes({
        Dockerfile: dockerfile('WORKDIR /app', 'COPY . .', 'CMD ["python3", "blur.py"]'),
        'blur.py': 'import sys\r\nprint(sys.argv)\r\n',
      }),
    ).toEqual([]);
  });

  it('accepts a binary with no shebang', async () => {
    const elf = { text: '\x7fELF\x02\x01\x01binary', mode: 0o755 };
    expect(
      await codes({ Dockerfile: dockerfile('COPY module /usr/local/bin/module', 'CMD ["module"]'), module: elf }),
    ).toEqual([]);
  });
});

describe('entry-missing: resolving the command through WORKDIR and COPY', () => {
  it.each([
    [
      'relative WORKDIR chain and COPY .',
      ['WORKDIR /opt', 'WORKDIR module', 'COPY . .', 'CMD ["/opt/module/docker-entrypoint.sh"]'],
      [],
    ],
    [
      'a file copied to an explicit name',
      ['COPY docker-entrypoint.sh /run-module', 'COPY blur.py /app/', 'CMD ["/run-module"]'],
      [],
    ],
    ['a folder copied into a folder', ['COPY . /srv/', 'WORKDIR /srv', 'CMD ["./docker-entrypoint.sh"]'], []],
    [
      'a bare name found in PATH',
      ['COPY docker-entrypoint.sh /usr/local/bin/', 'COPY blur.py /app/', 'CMD ["docker-entrypoint.sh"]'],
      [],
    ],
    [
      'a bare name not in PATH (WORKDIR is not searched)',
      ['WORKDIR /app', 'COPY . .', 'CMD ["docker-entrypoint.sh"]'],
      ['entry-missing'],
    ],
    [
      'copied to another folder than the command names',
      ['COPY . /srv/', 'WORKDIR /app', 'CMD ["./docker-entrypoint.sh"]'],
      ['entry-missing'],
    ],
    [
      'an interpreter script that is not copied',
      ['WORKDIR /app', 'COPY docker-entrypoint.sh ./', 'CMD ["python3", "main.py"]'],
      ['entry-missing'],
    ],
    [
      'a script unpacked by ADD from a local archive',
      ['ADD module.tar.gz /app/', 'WORKDIR /app', 'CMD ["./run.sh"]'],
      [],
    ],
    ['a program of the base image', ['WORKDIR /app', 'COPY . .', 'CMD ["python3", "-m", "http.server"]'], []],
  ])('%s', async (_name, lines, expected) => {
    expect(await codes({ Dockerfile: dockerfile(...lines), 'module.tar.gz': 'archive' })).toEqual(expected);
  });

  it('reports a COPY of a missing file once, as copy-source-missing', async () => {
    expect(await codes({ 'docker-entrypoint.sh': null })).toEqual(['copy-source-missing']);
  });
});

describe('.dockerignore and the entry script', () => {
  const lines = ['WORKDIR /app', 'COPY . .', 'CMD ["./docker-entrypoint.sh"]'];
  it('reports an entry script a folder COPY would bring but .dockerignore keeps out', async () => {
    const findings = await checkModule(
      await builder.module({ Dockerfile: dockerfile(...lines), '.dockerignore': '.git\n*.sh\n' }),
      {},
    );
    expect(findings).toMatchObject([{ code: 'dockerignore-excludes-copied', file: '.dockerignore', line: 2 }]);
  });

  it('accepts it again after a ! exception', async () => {
    expect(
      await codes({ Dockerfile: dockerfile(...lines), '.dockerignore': '.git\n*.sh\n!docker-entrypoint.sh\n' }),
    ).toEqual([]);
  });

  it('prefers <Dockerfile>.dockerignore next to a custom Dockerfile', async () => {
    const files = { 'build/module.Dockerfile': dockerfile(...lines), 'build/module.Dockerfile.dockerignore': '*.sh\n' };
    const findings = await checkModule(await builder.module(files), { dockerfile: 'build/module.Dockerfile' });
    expect(findings).toMatchObject([
      { code: 'dockerignore-excludes-copied', file: 'build/module.Dockerfile.dockerignore', line: 1 },
    ]);
  });
});
