import { describe, expect, it } from 'vitest';
import { buildModule, buildTask, mercureTime, serializeTask, type TaskOptions } from '../../src/mercure/task.js';
import { runPython } from './python.js';

const NOW = new Date('2025-03-04T05:06:07.890Z');

/** The contract's example task.json (shared/mercure-contract.md), compact as printed there. */
const CONTRACT_EXAMPLE =
  '{"info":{"action":"process","uid":"1.2.3.4","uid_type":"series","triggered_rules":{"blur_rule":true},"applied_rule":"blur_rule","patient_name":"DOE^JOHN","mrn":"123456","acc":"ACC0001","sender_address":"127.0.0.1","mercure_version":"0.4.1","mercure_appliance":"master","mercure_server":"mercure-host","device_serial_number":"","fail_stage":null,"sender_aet":"MODALITY1","receiver_aet":"MERCURE"},"id":"0f8b8f0c-1d2e-11f0-9c1a-0242ac120002","dispatch":{},"process":{"module_name":"testmodule","module_config":{"docker_tag":"mercureimaging/mercure-testmodule:latest","additional_volumes":"","environment":"","docker_arguments":"","settings":{"sigma":7},"contact":"","comment":"","constraints":"","resources":"","requires_root":false,"requires_persistence":false,"persistence_folder_name":"","network_enabled":false},"settings":{"sigma":7,"series_offset":1000},"retain_input_images":false,"output":null},"study":{},"nomad_info":null}';

const SERIES: TaskOptions = {
  level: 'series',
  uid: '1.2.3.4',
  id: '0f8b8f0c-1d2e-11f0-9c1a-0242ac120002',
  moduleName: 'testmodule',
  dockerTag: 'mercureimaging/mercure-testmodule:latest',
  moduleSettings: { sigma: 7 },
  settings: { series_offset: 1000 },
  ruleName: 'blur_rule',
  patientName: 'DOE^JOHN',
  mrn: '123456',
  acc: 'ACC0001',
  now: NOW,
};

const STUDY: TaskOptions = {
  ...SERIES,
  level: 'study',
  uid: '2.25.99',
  series: [
    { seriesInstanceUid: '2.25.1', seriesDescription: 'CT PHANTOM AXIAL' },
    { seriesInstanceUid: '2.25.2', seriesDescription: 'MR T1 ü' },
  ],
};

describe('buildTask', () => {
  it('reproduces the contract example key for key, in order', () => {
    expect(JSON.stringify(buildTask(SERIES))).toBe(CONTRACT_EXAMPLE);
  });

  it('has the top-level, info, process and module keys in mercure model order', () => {
    const task = buildTask(STUDY);
    expect(Object.keys(task)).toEqual(['info', 'id', 'dispatch', 'process', 'study', 'nomad_info']);
    expect(Object.keys(task.info)).toEqual([
      'action',
      'uid',
      'uid_type',
      'triggered_rules',
      'applied_rule',
      'patient_name',
      'mrn',
      'acc',
      'sender_address',
      'mercure_version',
      'mercure_appliance',
      'mercure_server',
      'device_serial_number',
      'fail_stage',
      'sender_aet',
      'receiver_aet',
    ]);
    expect(Object.keys(task.process)).toEqual([
      'module_name',
      'module_config',
      'settings',
      'retain_input_images',
      'output',
    ]);
    expect(Object.keys(task.process.module_config)).toEqual([
      'docker_tag',
      'additional_volumes',
      'environment',
      'docker_arguments',
      'settings',
      'contact',
      'comment',
      'constraints',
      'resources',
      'requires_root',
      'requires_persistence',
      'persistence_folder_name',
      'network_enabled',
    ]);
  });

  it('fills the study object at study level, keyed by the StudyInstanceUID', () => {
    const task = buildTask(STUDY);
    expect(task.info).toMatchObject({ uid: '2.25.99', uid_type: 'study' });
    expect(task.study).toEqual({
      study_uid: '2.25.99',
      complete_trigger: 'timeout',
      complete_required_series: '',
      creation_time: '2025-03-04 05:06:07',
      last_receive_time: '2025-03-04 05:06:07',
      received_series: ['CT PHANTOM AXIAL', 'MR T1 ü'],
      received_series_uid: ['2.25.1', '2.25.2'],
      complete_force: false,
      complete_force_action: 'discard',
    });
  });

  it('leaves study empty at series level and refuses a study task without series', () => {
    expect(buildTask(SERIES).study).toEqual({});
    expect(() => buildTask({ ...STUDY, series: [] })).toThrow('needs the received series');
  });

  it('lets the rule settings override the module defaults, and keeps module fields given', () => {
    const task = buildTask({
      ...SERIES,
      settings: { sigma: 2 },
      module: { requires_root: true, network_enabled: true, comment: 'x' },
    });
    expect(task.process.settings).toEqual({ sigma: 2 });
    expect(task.process.module_config.settings).toEqual({ sigma: 7 });
    expect(task.process.module_config).toMatchObject({
      requires_root: true,
      network_enabled: true,
      comment: 'x',
      requires_persistence: false,
    });
  });

  it('defaults every Module field as mercure does', () => {
    expect(buildModule('a/b:1')).toEqual({
      docker_tag: 'a/b:1',
      additional_volumes: '',
      environment: '',
      docker_arguments: '',
      settings: {},
      contact: '',
      comment: '',
      constraints: '',
      resources: '',
      requires_root: false,
      requires_persistence: false,
      persistence_folder_name: '',
      network_enabled: false,
    });
  });
});

describe('serializeTask', () => {
  it.each([
    ['series', SERIES],
    [
      'study with non-ASCII',
      { ...STUDY, patientName: 'Müller^Jörg', settings: { ratio: 0.5, tiny: 1e-7, name: '日本', list: [1, 'a'] } },
    ],
  ])('writes what Python json.dump writes for the same object (%s)', (_name, options) => {
    const task = buildTask(options);
    // Python reads our object (JSON keeps key order) and dumps it the way mercure does.
    const python = runPython(
      'import json, sys; obj = json.load(sys.stdin); sys.stdout.write(json.dumps(obj))',
      [],
      JSON.stringify(task),
    );
    expect(serializeTask(task)).toBe(python);
  });

  it('is one line without trailing newline, with ", " and ": " separators and ASCII only', () => {
    const text = serializeTask(buildTask({ ...SERIES, patientName: 'Ærø' }));
    expect(text.startsWith('{"info": {"action": "process", "uid": "1.2.3.4", "uid_type": "series"')).toBe(true);
    expect(text).toContain('"patient_name": "\\u00c6r\\u00f8"');
    expect(text).toContain('"fail_stage": null');
    expect(text.endsWith('"nomad_info": null}')).toBe(true);
    expect(text).not.toMatch(/[\n\u0080-\uffff]/);
  });
});

describe('mercureTime', () => {
  it.each([
    ['2025-03-04T05:06:07.890Z', '2025-03-04 05:06:07'],
    ['1999-12-31T23:59:59.999Z', '1999-12-31 23:59:59'],
  ])('%s -> %s', (iso, text) => {
    expect(mercureTime(new Date(iso))).toBe(text);
  });
});
