// bench/promote: promoting a ~300 MB image (random, incompressible layers) to another repository
// of the same registry and to a second registry, `promote` (copy + version and floating tags +
// read-back) against `skopeo copy --preserve-digests` of the same tag, alternately, 5 runs each
// after a warm-up. Every run writes to a fresh repository, and skopeo gets a fresh blob-info cache
// each run (a CI runner has none), so neither side can reuse what an earlier run uploaded.
// Prints both medians, the ratio and our peak memory. Run after `npm run build`.
import { spawn } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { promote } from '../build/pipeline/promote.js';
import { RegistryClient } from '../build/registry/client.js';
import { MediaType, sha256Digest } from '../build/registry/manifest.js';
import { performance } from 'node:perf_hooks';

const TOTAL_MB = Number(process.env.BENCH_MB ?? 300);
const LAYERS = Number(process.env.BENCH_LAYERS ?? 6);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHUNK = 1 << 20;

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One warm-up of each, then `runs` timed runs of each, alternating who goes first; prints medians and ratio. */
async function sideBySide(title, { ours, theirs, runs, oursName, theirsName }) {
  const loadBefore = os.loadavg()[0];
  await ours();
  await theirs();
  const times = { ours: [], theirs: [] };
  for (let i = 0; i < runs; i++) {
    for (const [key, fn] of i % 2
      ? [
          ['theirs', theirs],
          ['ours', ours],
        ]
      : [
          ['ours', ours],
          ['theirs', theirs],
        ]) {
      const start = performance.now();
      await fn();
      times[key].push((performance.now() - start) / 1000);
    }
  }
  const result = {
    ours: median(times.ours),
    theirs: median(times.theirs),
    runsOurs: times.ours,
    runsTheirs: times.theirs,
  };
  result.ratio = result.ours / result.theirs;
  // On a shared 2-core machine other work skews both sides (a single-threaded side more): say how busy it was.
  result.loadAverage = [loadBefore, os.loadavg()[0]];
  const line = (name, t, all) =>
    `  ${name.padEnd(32)} median ${t.toFixed(3)} s  (${all.map((x) => x.toFixed(2)).join(', ')})`;
  console.log(
    `${title}\n${line(oursName, result.ours, times.ours)}\n${line(theirsName, result.theirs, times.theirs)}\n  ratio ours/theirs: ${result.ratio.toFixed(3)}  (1-minute load average ${result.loadAverage.map((l) => l.toFixed(1)).join(' -> ')} on ${os.availableParallelism()} cores)`,
  );
  return result;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Debian's docker-registry on a free loopback port, storage in `dir`. */
async function startRegistry(dir) {
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://${host}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { host, child };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`docker-registry did not start on ${host}`);
}

/** `size` pseudo-random bytes from a seed (AES-CTR keystream): the same twice, never all in memory. */
async function* randomStream(seed, size) {
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) yield cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
}

/** Pushes an image of LAYERS random layers (TOTAL_MB in all) as `repository:1.0.0`, streaming each layer. */
async function pushBigImage(client, repository) {
  const layers = [];
  const size = Math.floor((TOTAL_MB * 1024 * 1024) / LAYERS);
  for (let i = 0; i < LAYERS; i++) {
    const hash = createHash('sha256');
    for await (const chunk of randomStream(`layer-${i}`, size)) hash.update(chunk);
    const digest = `sha256:${hash.digest('hex')}`;
    await client.uploadBlob(repository, digest, randomStream(`layer-${i}`, size), size);
    layers.push({ mediaType: MediaType.dockerLayer, digest, size });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.opencontainers.image.version': '1.0.0' } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
  );
  const configDescriptor = { mediaType: MediaType.dockerConfig, digest: sha256Digest(config), size: config.length };
  await client.uploadBlob(repository, configDescriptor.digest, config, config.length);
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config: configDescriptor, layers }),
  );
  return client.putManifest(repository, '1.0.0', manifest, MediaType.dockerManifest);
}

/** Peak RSS as the kernel counts it (VmHWM), in MiB. */
async function peakRssMiB() {
  const match = /VmHWM:\s+(\d+) kB/.exec(await readFile('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-promote-'));
const registries = [];
try {
  await chmod(work, 0o755);
  for (const name of ['one', 'two']) {
    const dir = path.join(work, name);
    await mkdir(dir);
    registries.push(await startRegistry(dir));
  }
  const [one, two] = registries;
  const client = new RegistryClient({ registry: one.host });
  console.log(`pushing a ${TOTAL_MB} MB image (${LAYERS} random layers) to ${one.host}/bench/src:1.0.0 ...`);
  const digest = await pushBigImage(client, 'bench/src');
  const source = `${one.host}/bench/src:1.0.0`;

  // skopeo runs as nobody with its own empty home, so its blob-info cache starts empty every run.
  let runs = 0;
  const skopeo = async (target) => {
    const home = path.join(work, `skopeo-home-${++runs}`);
    await mkdir(home, { mode: 0o777 });
    await chmod(home, 0o777);
    await execa(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        'skopeo',
        'copy',
        '--quiet',
        '--preserve-digests',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${source}`,
        `docker://${target}`,
      ],
      { env: { HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home, XDG_RUNTIME_DIR: home } },
    );
    await rm(home, { recursive: true, force: true });
  };

  // Our memory, sampled while our runs are in flight; the kernel's peak is reset after the setup.
  let sampling = false;
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    if (sampling) sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 100);
  await writeFile('/proc/self/clear_refs', '5').catch(() => {});
  const baseline = process.memoryUsage().rss;

  const results = {};
  for (const [label, registry] of [
    ['same registry, another repository', one],
    ['a second registry', two],
  ]) {
    let n = 0;
    const check = async (repository, tag) => {
      const got = await new RegistryClient({ registry: registry.host }).headManifest(repository, tag);
      if (got?.digest !== digest)
        throw new Error(`${registry.host}/${repository}:${tag} is ${got?.digest}, not ${digest}`);
    };
    const ours = async () => {
      const repository = `bench/ours-${++n}`;
      sampling = true;
      try {
        await promote({ from: source, to: `${registry.host}/${repository}`, version: '1.0.0', skipValidate: true });
      } finally {
        sampling = false;
      }
      await check(repository, 'latest');
    };
    const theirs = async () => {
      const repository = `bench/skopeo-${++n}`;
      await skopeo(`${registry.host}/${repository}:1.0.0`);
      await check(repository, '1.0.0');
    };
    results[label] = await sideBySide(`promote ${TOTAL_MB} MB to ${label}`, {
      ours,
      theirs,
      runs: RUNS,
      oursName: 'mercure-module promote',
      theirsName: 'skopeo copy --preserve-digests',
    });
  }
  clearInterval(sampler);
  const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    `\nour memory: baseline RSS ${mib(baseline)} MiB, peak sampled during our runs ${mib(sampledPeak)} MiB, kernel peak (VmHWM, all runs) ${(await peakRssMiB()).toFixed(0)} MiB`,
  );
  console.log(
    JSON.stringify({
      sizeMB: TOTAL_MB,
      layers: LAYERS,
      runs: RUNS,
      results,
      rssMiB: { baseline: Number(mib(baseline)), sampledPeak: Number(mib(sampledPeak)) },
    }),
  );
} finally {
  for (const { child } of registries) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const { child } of registries) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
}
