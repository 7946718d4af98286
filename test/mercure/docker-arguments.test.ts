import { describe, expect, it } from 'vitest';
import { mapDockerArguments, parseBytes, parseGpus } from '../../src/mercure/docker-arguments.js';
import { parseModuleConfig } from '../../src/mercure/module-config.js';

const own = { user: true, runtime: false };

describe('docker_arguments as docker-py maps them', () => {
  it.each([
    ['2g', 2147483648],
    ['512m', 536870912],
    ['64mb', 67108864],
    ['1024k', 1048576],
    ['100', 100],
    [1000, 1000],
  ] as const)('parse_bytes(%j) is %d', (value, bytes) => {
    expect(parseBytes(value, 'shm_size')).toBe(bytes);
  });

  it('refuses sizes docker-py refuses', () => {
    expect(() => parseBytes('2x', 'shm_size')).toThrow(/unit is b, k, m or g/);
    expect(() => parseBytes('g', 'shm_size')).toThrow(/shm_size/);
  });

  it('maps the allow-list to Engine fields, zero values left out as docker-py leaves them', () => {
    const mapped = mapDockerArguments(
      {
        cpu_quota: 0,
        nano_cpus: 2000000000,
        pids_limit: 100,
        read_only: true,
        runtime: 'nvidia',
        stop_signal: 'SIGINT',
      },
      own,
    );
    expect(mapped.hostConfig).toEqual({
      NanoCpus: 2000000000,
      PidsLimit: 100,
      ReadonlyRootfs: true,
      Runtime: 'nvidia',
    });
    expect(mapped.config).toEqual({ StopSignal: 'SIGINT' });
    expect(mapped.unsafe).toEqual([]);
  });

  it('refuses what Python or docker-py would refuse, naming the key', () => {
    expect(() => mapDockerArguments({ environment: { A: '1' } }, own)).toThrow(
      /multiple values for keyword argument 'environment'/,
    );
    expect(() => mapDockerArguments({ user: 'root' }, own)).toThrow(/"user" is an argument mercure passes itself/);
    expect(() => mapDockerArguments({ runtime: 'nvidia' }, { user: true, runtime: true })).toThrow(/runtime/);
    expect(() => mapDockerArguments({ env: ['A=1'] }, own)).toThrow(/"env" fails every run/);
    expect(() => mapDockerArguments({ stop_timeout: 10 }, own)).toThrow(/stop_timeout/);
    expect(() => mapDockerArguments({ shmsize: '2g' }, own)).toThrow(/"shmsize" is not a docker-py/);
    expect(() => mapDockerArguments({ cpu_shares: '512' }, own)).toThrow(/"cpu_shares" must be an integer/);
  });

  it('strips keys outside the allow-list only when forbidden', () => {
    expect(mapDockerArguments({ cap_add: ['SYS_PTRACE'] }, own).hostConfig).toEqual({ CapAdd: ['SYS_PTRACE'] });
    const stripped = mapDockerArguments({ cap_add: ['SYS_PTRACE'], shm_size: '1g' }, own, true);
    expect(stripped.hostConfig).toEqual({ ShmSize: 1073741824 });
    expect(stripped.stripped).toEqual(['cap_add']);
  });

  it('reads --gpus as docker run does', () => {
    expect(parseGpus('all')).toMatchObject({ Count: -1, Capabilities: [['gpu']] });
    expect(parseGpus('2').Count).toBe(2);
    expect(parseGpus('"device=0,1"').DeviceIDs).toEqual(['0', '1']);
    expect(() => parseGpus('many')).toThrow(/--gpus/);
  });
});

describe('the module entry of mercure.json', () => {
  it('decodes the JSON-string fields, with the model defaults', () => {
    const config = parseModuleConfig({
      modules: { segment: { docker_tag: 'acme/segment:1', environment: '{"A": 1, "B": true}' } },
    });
    expect(config.name).toBe('segment');
    expect(config.environment).toEqual({ A: '1', B: 'True' });
    expect(config.module.network_enabled).toBe(true);
    expect(config.module.environment).toBe('{"A": 1, "B": true}');
  });

  it('refuses what mercure would silently drop or misread', () => {
    expect(() => parseModuleConfig({ docker_arguments: { shm_size: '2g' } })).toThrow(/must be a JSON string/);
    expect(() => parseModuleConfig({ environment: '{bad' })).toThrow(/Unable to convert JSON string/);
    expect(() => parseModuleConfig({ network: false })).toThrow(/unknown field\(s\) "network"/);
    expect(() => parseModuleConfig({ requires_root: 'false' })).toThrow(/"requires_root" must be true or false/);
  });
});
