/**
 * A module's `docker_arguments` (docker-py keyword arguments of `containers.run`) mapped to the
 * Engine API as docker-py maps them (docker/models/containers.py, docker/types/containers.py),
 * with the checks docker-py and mercure make before anything runs.
 */
import { ModuleError } from '../errors.js';
import type { CreateBody, EngineDeviceRequest, EngineHostConfig } from './create-body.js';

/** mercure's `ALLOWED_DOCKER_ARGS` (webinterface/modules.py): kept by MERCURE_FORBID_UNSAFE_DOCKER_ARGS. */
export const ALLOWED_DOCKER_ARGS = [
  'mem_limit',
  'memswap_limit',
  'cpu_period',
  'cpu_quota',
  'cpuset_cpus',
  'shm_size',
  'runtime',
  'labels',
  'cpu_shares',
  'cpuset_mems',
  'nano_cpus',
  'blkio_weight',
  'device_read_bps',
  'device_write_bps',
  'device_read_iops',
  'device_write_iops',
  'pids_limit',
  'environment',
  'env',
  'read_only',
  'stop_signal',
  'stop_timeout',
  'healthcheck',
] as const;

/** The Engine fields one docker_arguments object sets, and the keys it kept. */
export interface MappedArguments {
  config: Partial<CreateBody>;
  hostConfig: EngineHostConfig;
  /** docker-py keyword names in effect (after a forbidding server's stripping). */
  keys: string[];
}

/** What mercure passes itself; a docker_arguments key naming one of them is a Python TypeError. */
export interface OwnArguments {
  /** user= and group_add= are passed (the module does not run as root). */
  user: boolean;
  /** runtime= is passed (the server has a processing_runtime). */
  runtime: boolean;
}

type Convert = (value: unknown, key: string) => unknown;
interface Target {
  to: 'config' | 'host';
  field: string;
  convert: Convert;
  /** docker-py sets the field only when the value is truthy (`if cpu_quota:`). */
  whenTruthy?: boolean;
}

const bad = (key: string, what: string, value: unknown): ModuleError =>
  new ModuleError('bad-module-config', `docker_arguments "${key}" must be ${what}, got ${JSON.stringify(value)}`, {
    hint: "mercure passes docker_arguments to docker-py `containers.run(**arguments)`; see docker-py's documentation of that argument.",
  });

const int: Convert = (v, k) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(k, 'an integer', v);
  return v;
};
const str: Convert = (v, k) => {
  if (typeof v !== 'string') throw bad(k, 'a string', v);
  return v;
};
const bool: Convert = (v, k) => {
  if (typeof v !== 'boolean') throw bad(k, 'true or false', v);
  return v;
};
const strings: Convert = (v, k) => {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw bad(k, 'a list of strings', v);
  return v as unknown;
};
const bytes: Convert = (v, k) => parseBytes(v, k);
const throttles: Convert = (v, k) => {
  const ok = (e: unknown) =>
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { Path?: unknown }).Path === 'string' &&
    Number.isInteger((e as { Rate?: unknown }).Rate);
  if (!Array.isArray(v) || !v.every(ok)) throw bad(k, 'a list of {"Path": "/dev/sda", "Rate": <integer>}', v);
  return v as unknown;
};
const labels: Convert = (v, k) => {
  if (Array.isArray(v) && v.every((s) => typeof s === 'string'))
    return Object.fromEntries(v.map((s: string) => [s, '']));
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string'))
    return v;
  throw bad(k, 'an object of string values or a list of strings', v);
};
const healthcheck: Convert = (v, k) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(k, 'an object (test, interval, ...)', v);
  const h = v as Record<string, unknown>;
  const pick = (snake: string, camel: string) => h[snake] ?? h[camel];
  const test = pick('test', 'Test');
  const out: Record<string, unknown> = {};
  if (test !== undefined) out['Test'] = typeof test === 'string' ? ['CMD-SHELL', test] : strings(test, `${k}.test`);
  for (const [snake, camel] of [
    ['interval', 'Interval'],
    ['timeout', 'Timeout'],
    ['retries', 'Retries'],
    ['start_period', 'StartPeriod'],
  ] as const) {
    const value = pick(snake, camel);
    if (value !== undefined && value !== null) out[camel] = int(value, `${k}.${snake}`);
  }
  return out;
};
const deviceRequests: Convert = (v, k) => {
  if (!Array.isArray(v)) throw bad(k, 'a list of device requests', v);
  return v.map((r: unknown, i) => toDeviceRequest(r, `${k}[${i}]`));
};
const ulimits: Convert = (v, k) => {
  if (!Array.isArray(v)) throw bad(k, 'a list of {"name", "soft", "hard"}', v);
  return v.map((u: unknown) => {
    const e = (u ?? {}) as Record<string, unknown>;
    const name = e['name'] ?? e['Name'];
    if (typeof name !== 'string') throw bad(k, 'a list of {"name", "soft", "hard"}', v);
    const out: Record<string, unknown> = { Name: name };
    for (const [snake, camel] of [
      ['soft', 'Soft'],
      ['hard', 'Hard'],
    ] as const) {
      const value = e[snake] ?? e[camel];
      if (value !== undefined) out[camel] = int(value, `${k}.${snake}`);
    }
    return out;
  });
};

/** Every docker-py run() keyword this tool maps, and where docker-py puts it. */
const TARGETS: Record<string, Target> = {
  mem_limit: { to: 'host', field: 'Memory', convert: bytes },
  memswap_limit: { to: 'host', field: 'MemorySwap', convert: bytes },
  mem_reservation: { to: 'host', field: 'MemoryReservation', convert: bytes, whenTruthy: true },
  shm_size: { to: 'host', field: 'ShmSize', convert: bytes },
  cpu_period: { to: 'host', field: 'CpuPeriod', convert: int, whenTruthy: true },
  cpu_quota: { to: 'host', field: 'CpuQuota', convert: int, whenTruthy: true },
  cpu_shares: { to: 'host', field: 'CpuShares', convert: int, whenTruthy: true },
  cpuset_cpus: { to: 'host', field: 'CpusetCpus', convert: str, whenTruthy: true },
  cpuset_mems: { to: 'host', field: 'CpusetMems', convert: str, whenTruthy: true },
  nano_cpus: { to: 'host', field: 'NanoCpus', convert: int, whenTruthy: true },
  blkio_weight: { to: 'host', field: 'BlkioWeight', convert: int, whenTruthy: true },
  device_read_bps: { to: 'host', field: 'BlkioDeviceReadBps', convert: throttles, whenTruthy: true },
  device_write_bps: { to: 'host', field: 'BlkioDeviceWriteBps', convert: throttles, whenTruthy: true },
  device_read_iops: { to: 'host', field: 'BlkioDeviceReadIOps', convert: throttles, whenTruthy: true },
  device_write_iops: { to: 'host', field: 'BlkioDeviceWriteIOps', convert: throttles, whenTruthy: true },
  pids_limit: { to: 'host', field: 'PidsLimit', convert: int, whenTruthy: true },
  read_only: { to: 'host', field: 'ReadonlyRootfs', convert: bool },
  runtime: { to: 'host', field: 'Runtime', convert: str, whenTruthy: true },
  device_requests: { to: 'host', field: 'DeviceRequests', convert: deviceRequests },
  cap_add: { to: 'host', field: 'CapAdd', convert: strings, whenTruthy: true },
  cap_drop: { to: 'host', field: 'CapDrop', convert: strings, whenTruthy: true },
  privileged: { to: 'host', field: 'Privileged', convert: bool, whenTruthy: true },
  security_opt: { to: 'host', field: 'SecurityOpt', convert: strings },
  ulimits: { to: 'host', field: 'Ulimits', convert: ulimits },
  ipc_mode: { to: 'host', field: 'IpcMode', convert: str, whenTruthy: true },
  init: { to: 'host', field: 'Init', convert: bool },
  oom_kill_disable: { to: 'host', field: 'OomKillDisable', convert: bool, whenTruthy: true },
  labels: { to: 'config', field: 'Labels', convert: labels },
  healthcheck: { to: 'config', field: 'Healthcheck', convert: healthcheck },
  stop_signal: { to: 'config', field: 'StopSignal', convert: str },
  working_dir: { to: 'config', field: 'WorkingDir', convert: str },
  hostname: { to: 'config', field: 'Hostname', convert: str },
  user: { to: 'config', field: 'User', convert: str },
  group_add: {
    to: 'host',
    field: 'GroupAdd',
    convert: (v, k) => (strings(v, k) as string[]).map(String),
    whenTruthy: true,
  },
};

/** Keywords mercure passes itself, always: naming them again is "got multiple values for keyword argument". */
const ALWAYS_OWN = ['image', 'mounts', 'volumes', 'environment', 'network_mode', 'detach'];
/** run() keywords docker-py does not have although mercure's allow-list names them. */
const NOT_IN_DOCKER_PY: Record<string, string> = {
  env: 'docker-py calls it "environment", which mercure sets itself; use the module\'s environment setting',
  stop_timeout: "docker-py's containers.run() has no stop_timeout (only the low-level create_container has)",
};

/**
 * Maps docker_arguments to Engine fields, as docker-py would. Keys outside mercure's allow-list
 * are returned as `unsafe`; with `forbidUnsafe` they are dropped first, as such a server does.
 * Throws a ModuleError for anything docker-py or Python would reject (the case would fail).
 */
export function mapDockerArguments(
  args: Record<string, unknown>,
  own: OwnArguments,
  forbidUnsafe = false,
): MappedArguments & { unsafe: string[]; stripped: string[] } {
  const unsafe = Object.keys(args).filter((k) => !(ALLOWED_DOCKER_ARGS as readonly string[]).includes(k));
  const kept = Object.entries(args).filter(([k]) => !forbidUnsafe || !unsafe.includes(k));
  const mapped: MappedArguments = { config: {}, hostConfig: {}, keys: kept.map(([k]) => k) };
  for (const [key, value] of kept) {
    const conflict =
      ALWAYS_OWN.includes(key) ||
      (own.user && (key === 'user' || key === 'group_add')) ||
      (own.runtime && key === 'runtime');
    if (conflict)
      throw new ModuleError(
        'bad-module-config',
        `docker_arguments "${key}" is an argument mercure passes itself: Python stops with "got multiple values for keyword argument '${key}'" and the case fails`,
        {
          hint: `Remove "${key}" from docker_arguments${key === 'environment' ? " and put the variables in the module's environment setting" : ''}.`,
        },
      );
    const why = NOT_IN_DOCKER_PY[key];
    if (why)
      throw new ModuleError('bad-module-config', `docker_arguments "${key}" fails every run: ${why}`, {
        hint: `Remove "${key}" from docker_arguments.`,
      });
    const target = TARGETS[key];
    if (!target)
      throw new ModuleError(
        'bad-module-config',
        `docker_arguments "${key}" is not a docker-py containers.run() argument this tool knows`,
        {
          hint: `Check the spelling against docker-py's containers.run(); supported: ${Object.keys(TARGETS).sort().join(', ')}.`,
        },
      );
    if (value === null) continue;
    const converted = target.convert(value, key);
    if (target.whenTruthy && !truthy(converted)) continue;
    if (target.to === 'host') mapped.hostConfig[target.field] = converted;
    else mapped.config[target.field] = converted;
  }
  return { ...mapped, unsafe, stripped: forbidUnsafe ? unsafe : [] };
}

/** Python truthiness of a JSON value. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

const BYTE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** docker-py's parse_bytes: an integer, or a string like "2g", "512m", "1024k", "100b", "64mb". */
export function parseBytes(value: unknown, key: string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw bad(key, 'a whole number of bytes', value);
    return value;
  }
  if (typeof value !== 'string') throw bad(key, 'a size such as "2g" or a number of bytes', value);
  let s = value;
  if (s.length === 0) return 0;
  if (/[a-z]{2}$/i.test(s) && /b$/i.test(s)) s = s.slice(0, -1);
  const suffix = (s.at(-1) ?? '').toLowerCase();
  const digits = /\d/.test(suffix) ? s : s.slice(0, -1);
  const unit = /\d/.test(suffix) ? 1 : BYTE_UNITS[suffix];
  if (unit === undefined) throw bad(key, 'a size whose unit is b, k, m or g (e.g. "2g")', value);
  const number = Number(digits);
  if (digits.trim() === '' || !Number.isFinite(number) || number < 0) throw bad(key, 'a size such as "2g"', value);
  return Math.trunc(number * unit);
}

function toDeviceRequest(value: unknown, key: string): EngineDeviceRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(key, 'an object', value);
  const r = value as Record<string, unknown>;
  const get = (snake: string, camel: string) => r[snake] ?? r[camel];
  const driver = get('driver', 'Driver') ?? '';
  const count = get('count', 'Count') ?? 0;
  const ids = get('device_ids', 'DeviceIDs') ?? [];
  const caps = get('capabilities', 'Capabilities') ?? [];
  const options = get('options', 'Options') ?? {};
  if (typeof driver !== 'string') throw bad(`${key}.driver`, 'a string', driver);
  if (!Number.isInteger(count)) throw bad(`${key}.count`, 'an integer (-1 for all)', count);
  if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string'))
    throw bad(`${key}.device_ids`, 'a list of strings', ids);
  if (!Array.isArray(caps) || caps.some((c) => !Array.isArray(c) || c.some((s) => typeof s !== 'string')))
    throw bad(`${key}.capabilities`, 'a list of lists of strings, e.g. [["gpu"]]', caps);
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw bad(`${key}.options`, 'an object', options);
  return {
    Driver: driver,
    Count: count as number,
    DeviceIDs: ids as string[],
    Capabilities: caps as string[][],
    Options: options as Record<string, string>,
  };
}

/**
 * `docker run --gpus` spelled as docker's CLI reads it: "all", a count, or
 * "device=0,1" / "count=2,capabilities=utility" / "driver=nvidia" pairs.
 */
export function parseGpus(value: string): EngineDeviceRequest {
  const request: EngineDeviceRequest = { Driver: '', Count: 0, DeviceIDs: [], Capabilities: [['gpu']], Options: {} };
  const text = value.trim().replace(/^"(.*)"$/, '$1');
  if (text === 'all') return { ...request, Count: -1 };
  if (/^\d+$/.test(text)) return { ...request, Count: Number(text) };
  const fail = () =>
    new ModuleError(
      'bad-gpus',
      `--gpus must be "all", a number, or device=ID[,ID] / count=N / driver=NAME / capabilities=CAP pairs, got "${value}"`,
    );
  const caps: string[] = [];
  for (const part of text.match(/(?:[^,"]+|"[^"]*")+/g) ?? []) {
    const [name, raw] = part.split(/=(.*)/s, 2);
    const setting = (raw ?? '').replace(/^"(.*)"$/, '$1');
    if (name === 'device') request.DeviceIDs = setting.split(',').filter(Boolean);
    else if (name === 'count') {
      if (setting === 'all') request.Count = -1;
      else if (/^\d+$/.test(setting)) request.Count = Number(setting);
      else throw fail();
    } else if (name === 'driver') request.Driver = setting;
    else if (name === 'capabilities') caps.push(...setting.split(',').filter(Boolean));
    else if (/^[\w.-]+$/.test(part) && raw === undefined && request.DeviceIDs.length > 0) request.DeviceIDs.push(part);
    else throw fail();
  }
  if (caps.length > 0) request.Capabilities = [[...new Set(['gpu', ...caps])]];
  if (request.Count === 0 && request.DeviceIDs.length === 0) throw fail();
  return request;
}
