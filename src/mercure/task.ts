/**
 * The Task model as mercure 0.4.1 writes task.json into a case's in/ folder
 * (app/common/types.py, app/routing/generate_taskfile.py). Field order matters: mercure writes
 * `json.dump(task.dict())`, so keys appear in the pydantic models' declaration order.
 */
import { parseExactJson } from '../exact-json.js';
import { toPythonJson } from './python-json.js';

/** The mercure release whose task.json this module reproduces. */
export const MERCURE_VERSION = '0.4.1';

/** mercure's `Module` model: a processing module as configured on the server. */
export interface Module {
  docker_tag: string;
  additional_volumes: string;
  environment: string;
  docker_arguments: string;
  settings: Record<string, unknown>;
  contact: string;
  comment: string;
  constraints: string;
  resources: string;
  requires_root: boolean;
  requires_persistence: boolean;
  persistence_folder_name: string;
  network_enabled: boolean;
}

/** mercure's `TaskInfo`: who sent the case and which rule fired. */
export interface TaskInfo {
  action: 'route' | 'both' | 'process' | 'discard' | 'notification';
  uid: string;
  uid_type: 'series' | 'study';
  triggered_rules: Record<string, true>;
  applied_rule: string;
  patient_name: string;
  mrn: string;
  acc: string;
  sender_address: string;
  mercure_version: string;
  mercure_appliance: string;
  mercure_server: string;
  device_serial_number: string;
  fail_stage: null;
  sender_aet: string;
  receiver_aet: string;
}

/** mercure's `TaskProcessing`: the one processing step this case runs. */
export interface TaskProcessing {
  module_name: string;
  module_config: Module;
  settings: Record<string, unknown>;
  retain_input_images: boolean;
  output: Record<string, unknown> | null;
}

/** mercure's `TaskStudy`: filled only for study-level rules. */
export interface TaskStudy {
  study_uid: string;
  complete_trigger: 'timeout' | 'received_series';
  complete_required_series: string;
  creation_time: string;
  last_receive_time: string;
  received_series: string[];
  received_series_uid: string[];
  complete_force: boolean;
  complete_force_action: 'discard' | 'proceed' | 'ignore';
}

/** The whole task.json; mercure's model forbids any other top-level key. */
export interface Task {
  info: TaskInfo;
  id: string;
  dispatch: Record<string, never>;
  process: TaskProcessing;
  study: TaskStudy | Record<string, never>;
  nomad_info: null;
}

/** A series as the study task lists it. */
export interface TaskSeries {
  seriesInstanceUid: string;
  seriesDescription: string;
}

/** What a task is built from; everything mercure would take from its config, the DICOM tags or the clock. */
export interface TaskOptions {
  level: 'series' | 'study';
  /** SeriesInstanceUID for a series-level task, StudyInstanceUID for a study-level one. */
  uid: string;
  /** The task id (mercure uses a uuid1 string). */
  id: string;
  moduleName: string;
  dockerTag: string;
  /** The rule's processing settings; they override `moduleSettings` in process.settings. */
  settings?: Record<string, unknown>;
  /** The module's own default settings (module_config.settings). */
  moduleSettings?: Record<string, unknown>;
  /** Other `Module` fields (requires_root, network_enabled, ...). */
  module?: Partial<Omit<Module, 'docker_tag' | 'settings'>> | undefined;
  /** The time the task is written; used for the study's creation and last receive times. */
  now: Date;
  ruleName?: string;
  patientName?: string;
  mrn?: string;
  acc?: string;
  senderAddress?: string;
  senderAet?: string;
  receiverAet?: string;
  deviceSerialNumber?: string;
  mercureAppliance?: string;
  mercureServer?: string;
  /** Study-level only: the series received, in arrival order. */
  series?: readonly TaskSeries[];
}

/** Default peer values; the same ones go into the .tags files so the two agree. */
export const DEFAULT_PEER = { senderAddress: '127.0.0.1', senderAet: 'MODALITY1', receiverAet: 'MERCURE' } as const;

/** A `Module` with mercure's defaults, fields in the model's order. */
export function buildModule(
  dockerTag: string,
  settings: Record<string, unknown> = {},
  fields: TaskOptions['module'] = {},
): Module {
  return {
    docker_tag: dockerTag,
    additional_volumes: fields.additional_volumes ?? '',
    environment: fields.environment ?? '',
    docker_arguments: fields.docker_arguments ?? '',
    settings,
    contact: fields.contact ?? '',
    comment: fields.comment ?? '',
    constraints: fields.constraints ?? '',
    resources: fields.resources ?? '',
    requires_root: fields.requires_root ?? false,
    requires_persistence: fields.requires_persistence ?? false,
    persistence_folder_name: fields.persistence_folder_name ?? '',
    network_enabled: fields.network_enabled ?? false,
  };
}

/** The task mercure writes for a process rule at series or study level. */
export function buildTask(options: TaskOptions): Task {
  const rule = options.ruleName ?? `${options.moduleName}_rule`;
  const moduleSettings = options.moduleSettings ?? {};
  const info: TaskInfo = {
    action: 'process',
    uid: options.uid,
    uid_type: options.level,
    triggered_rules: { [rule]: true },
    applied_rule: rule,
    patient_name: options.patientName ?? '',
    mrn: options.mrn ?? '',
    acc: options.acc ?? '',
    sender_address: options.senderAddress ?? DEFAULT_PEER.senderAddress,
    mercure_version: MERCURE_VERSION,
    mercure_appliance: options.mercureAppliance ?? 'master',
    mercure_server: options.mercureServer ?? 'mercure-host',
    device_serial_number: options.deviceSerialNumber ?? '',
    fail_stage: null,
    sender_aet: options.senderAet ?? DEFAULT_PEER.senderAet,
    receiver_aet: options.receiverAet ?? DEFAULT_PEER.receiverAet,
  };
  const process: TaskProcessing = {
    module_name: options.moduleName,
    module_config: buildModule(options.dockerTag, moduleSettings, options.module),
    // mercure: settings = module defaults, then updated by the rule's processing settings.
    settings: { ...moduleSettings, ...(options.settings ?? {}) },
    retain_input_images: false,
    output: null,
  };
  return {
    info,
    id: options.id,
    dispatch: {},
    process,
    study: options.level === 'study' ? buildStudy(options) : {},
    nomad_info: null,
  };
}

function buildStudy(options: TaskOptions): TaskStudy {
  const series = options.series ?? [];
  if (series.length === 0) throw new TypeError('buildTask: a study-level task needs the received series');
  const time = mercureTime(options.now);
  return {
    study_uid: options.uid,
    complete_trigger: 'timeout',
    complete_required_series: '',
    creation_time: time,
    last_receive_time: time,
    received_series: series.map((s) => s.seriesDescription),
    received_series_uid: series.map((s) => s.seriesInstanceUid),
    complete_force: false,
    complete_force_action: 'discard',
  };
}

/** mercure's `datetime.now().strftime("%Y-%m-%d %H:%M:%S")`, taken in UTC (mercure's default server_time). */
export function mercureTime(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}-${p(now.getUTCMonth() + 1)}-${p(now.getUTCDate())} ${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())}`;
}

/** task.json bytes as mercure writes them: Python's json.dump, one line, no trailing newline. */
export function serializeTask(task: Task): string {
  return toPythonJson(task);
}

/** task.json's process.settings as task.json's own JSON text (integers exact); undefined when it has none. */
export function processSettingsText(taskJson: string): string | undefined {
  let task: unknown;
  try {
    task = parseExactJson(taskJson);
  } catch {
    return undefined;
  }
  const settings = (task as { process?: { settings?: unknown } } | null)?.process?.settings;
  return settings === null || typeof settings !== 'object' ? undefined : toPythonJson(settings);
}
