import { describe, expect, it } from 'vitest';
import { createBody, OWNER_LABEL, OWNER_PROCESS_LABEL } from '../../src/engine/containers.js';
import { mapDockerArguments } from '../../src/mercure/docker-arguments.js';
import { moduleInvocation, probeInvocation } from '../../src/mercure/invocation.js';

/**
 * What mercure 0.4.1 sends the Engine for a module with
 *   environment      {"FOO": "1", "MERCURE_IN_DIR": "/x"}
 *   docker_arguments {"shm_size": "2g", "mem_limit": "8g", "labels": {"team": "ai"}}
 *   requires_persistence, network_enabled false, requires_root false, uid 1000 / gid 1000.
 * Derived by hand from mercure's app/process/process_series.py (v0.4.1, docker_runtime:
 * environment = {**module, **mercure, **monai}; MODULE_PERSISTENCE_DIR added; Mount(type="bind")
 * for in/, out/, persistence; network_mode "none"; cap_drop ["ALL"] added; user "uid:egid",
 * group_add [gid]; detach=True) through docker-py 7 (models/containers.py _create_container_args,
 * types/containers.py HostConfig and ContainerConfig: parse_bytes for sizes, Mount serialised as
 * {Target, Source, Type, ReadOnly}, detach -> no Attach*, str(group)). docker-py also sends
 * Hostname, Domainname, ExposedPorts, Cmd, Volumes, Entrypoint, WorkingDir, NetworkingConfig,
 * MacAddress, StopSignal, Healthcheck, StopTimeout and Runtime as null, which the Engine ignores.
 */
const MERCURE_041 = {
  Image: 'acme/segment:1',
  User: '1000:1000',
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  AttachStdin: false,
  AttachStdout: false,
  AttachStderr: false,
  Env: [
    'FOO=1',
    'MERCURE_IN_DIR=/tmp/data',
    'MERCURE_OUT_DIR=/tmp/output',
    'MONAI_INPUTPATH=/tmp/data',
    'MONAI_OUTPUTPATH=/tmp/output',
    'HOLOSCAN_INPUT_PATH=/tmp/data',
    'HOLOSCAN_OUTPUT_PATH=/tmp/output',
    'MODULE_PERSISTENCE_DIR=/tmp/persistence',
  ],
  NetworkDisabled: false,
  Labels: { team: 'ai' },
  HostConfig: {
    Memory: 8589934592,
    ShmSize: 2147483648,
    NetworkMode: 'none',
    CapDrop: ['ALL'],
    GroupAdd: ['1000'],
    Mounts: [
      { Target: '/tmp/data', Source: '/case/in', Type: 'bind', ReadOnly: false },
      { Target: '/tmp/output', Source: '/case/out', Type: 'bind', ReadOnly: false },
      { Target: '/tmp/persistence', Source: '/persist/segment', Type: 'bind', ReadOnly: false },
    ],
  },
};

describe('the container mercure 0.4.1 starts', () => {
  it("matches docker-py's create body for mercure's containers.run call, field by field", () => {
    const args = mapDockerArguments(
      { shm_size: '2g', mem_limit: '8g', labels: { team: 'ai' } },
      { user: true, runtime: false },
    );
    const body = moduleInvocation(
      { inDir: '/case/in', outDir: '/case/out' },
      {
        environment: { FOO: '1', MERCURE_IN_DIR: '/x' },
        arguments: args,
        persistenceDir: '/persist/segment',
        networkEnabled: false,
        requiresRoot: false,
      },
      { uid: 1000, gid: 1000 },
    );
    const sent = createBody({ image: 'acme/segment:1', body });
    // Our own labels (the owner, to find leftovers of killed runs) are the one addition.
    expect(sent.Labels?.[OWNER_LABEL]).toBe(String(process.pid));
    expect(JSON.parse(sent.Labels?.[OWNER_PROCESS_LABEL] ?? '{}')).toMatchObject({ pid: process.pid });
    const { [OWNER_LABEL]: _ours, [OWNER_PROCESS_LABEL]: _owner, ...labels } = sent.Labels ?? {};
    expect({ ...sent, Labels: labels }).toEqual(MERCURE_041);
    // Never Binds for the case folders: with Binds the Engine creates a missing source as root.
    expect(sent.HostConfig?.Binds).toBeUndefined();
  });

  it('runs a requires_root module as the image user, and additional_volumes as Binds', () => {
    const body = moduleInvocation(
      { inDir: '/case/in', outDir: '/case/out' },
      { requiresRoot: true, networkEnabled: true, volumes: { '/models': { bind: '/opt/models', mode: 'ro' } } },
      { uid: 1000, gid: 1000 },
    );
    expect(body.User).toBeUndefined();
    expect(body.HostConfig?.GroupAdd).toBeUndefined();
    expect(body.HostConfig?.NetworkMode).toBe('default');
    expect(body.HostConfig?.Binds).toEqual(['/models:/opt/models:ro']);
    expect(body.Volumes).toEqual({ '/opt/models': {} });
  });

  it('probes with the entrypoint reset as docker-py sends entrypoint=""', () => {
    expect(probeInvocation()).toMatchObject({ Entrypoint: [], Cmd: ['cat', '/etc/monai/app.json'] });
  });
});
