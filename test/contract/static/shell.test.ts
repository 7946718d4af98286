import { describe, expect, it } from 'vitest';
import { invocationOf } from '../../../src/contract/static/model/shell-commands.js';
import { parseShell } from '../../../src/contract/static/model/shell-syntax.js';
import { networkReason, rootOnlyReason } from '../../../src/contract/static/rules/runtime-rules.js';

const words = (script: string) => parseShell(script).map((c) => c.words);

describe('parseShell', () => {
  it('splits on ; && || | and newlines, removing quotes', () => {
    expect(words(`set -e; echo "a b" 'c d' && x=1 run || false | cat\nnext`)).toEqual([
      ['set', '-e'],
      ['echo', 'a b', 'c d'],
      ['x=1', 'run'],
      ['false'],
      ['cat'],
      ['next'],
    ]);
  });

  it('skips comments and keeps # inside words and quotes', () => {
    expect(words('# apt-get install x\necho a#b "#c" # tail\n')).toEqual([['echo', 'a#b', '#c']]);
  });

  it('joins backslash-newline continuations and numbers lines from the start of each command', () => {
    const commands = parseShell('one\ntwo \\\n  three\nfour', 10);
    expect(commands.map((c) => [c.line, c.words])).toEqual([
      [10, ['one']],
      [11, ['two', 'three']],
      [13, ['four']],
    ]);
  });

  it('reads redirections, including fd numbers, as redirects not words', () => {
    const [command] = parseShell('echo x >> /etc/motd 2>&1 </dev/null');
    expect(command?.words).toEqual(['echo', 'x']);
    expect(command?.redirects).toEqual([
      { op: '>>', target: '/etc/motd' },
      { op: '>&', target: '1' },
      { op: '<', target: '/dev/null' },
    ]);
  });

  it('treats here-document bodies as data', () => {
    expect(words("cat > /app/cfg <<'EOF'\napt-get install x\nEOF\nnext")).toEqual([['cat'], ['next']]);
  });

  it('also returns the commands inside $(...) and backticks', () => {
    expect(words('x="$(curl -s http://h)" y=`wget q`; echo $((1+2))')).toEqual([
      ['curl', '-s', 'http://h'],
      ['wget', 'q'],
      ['x=$(curl -s http://h)', 'y=`wget q`'],
      ['echo', '$((1+2))'],
    ]);
  });
});

describe('invocationOf', () => {
  it('peels assignments, reserved words and wrappers', () => {
    const [command] = parseShell(
      'if DEBIAN_FRONTEND=noninteractive sudo -u root env A=1 /usr/bin/apt-get install -y x',
    );
    expect(invocationOf(command!)).toEqual({
      program: 'apt-get',
      path: '/usr/bin/apt-get',
      args: ['install', '-y', 'x'],
      via: ['sudo', 'env'],
    });
  });

  it('runs nothing for loop headers', () => {
    expect(invocationOf(parseShell('for f in *.sh')[0]!).program).toBe('');
  });
});

describe('run-time rules', () => {
  const root = (script: string) => rootOnlyReason(parseShell(script)[0]!);
  const net = (script: string) => networkReason(invocationOf(parseShell(script)[0]!));

  it.each([
    ['apt-get update', /apt-get update/],
    ['apk add --no-cache curl', /apk add/],
    ['useradd -m module', /useradd/],
    ['chown -R 1000 /app', /owner/],
    ['sudo python3 x.py', /sudo/],
    ['echo 1 > /etc/timezone', /\/etc\/timezone/],
    ['cp model.bin /opt/models/', /\/opt\/models\//],
    ['mkdir -p /usr/share/blur', /\/usr\/share\/blur/],
    ['sed -i s/a/b/ /etc/hosts', /\/etc\/hosts/],
    ['tee -a /var/log/x.log', /\/var\/log\/x.log/],
  ])('%s needs root', (script, reason) => {
    expect(root(script)).toMatch(reason);
  });

  it.each([
    'mkdir -p /tmp/work',
    'cp a "$MERCURE_OUT_DIR"/',
    'echo x > /var/tmp/cache',
    'apt-cache policy',
    'cp /etc/hosts /tmp/h',
    'python3 blur.py 2>/dev/null',
  ])('%s does not', (script) => {
    expect(root(script)).toBeUndefined();
  });

  it.each([
    'pip install x',
    'pip3 install -r r.txt',
    'python3 -m pip install x',
    'npm ci',
    'yarn',
    'conda install -y numpy',
    'curl -fsSL https://x',
    'wget -q u',
    'git clone https://g',
    'uv pip install x',
    'apt-get install -y x',
  ])('%s uses the network', (script) => {
    expect(net(script)).toBeDefined();
  });

  it.each(['pip list', 'python3 -m pip freeze', 'git status', 'npm run start', 'python3 blur.py'])(
    '%s does not',
    (script) => {
      expect(net(script)).toBeUndefined();
    },
  );
});
