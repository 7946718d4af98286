/**
 * The part of the Engine's create-container body (POST /containers/create) that mercure's
 * invocation sets, with the field names and shapes of the Engine API.
 */

/** One entry of HostConfig.Mounts. */
export interface EngineMount {
  Target: string;
  Source: string;
  Type: 'bind';
  ReadOnly: boolean;
}

/** docker-py's DeviceRequest, serialised. */
export interface EngineDeviceRequest {
  Driver: string;
  Count: number;
  DeviceIDs: string[];
  Capabilities: string[][];
  Options: Record<string, string>;
}

export interface EngineHostConfig {
  NetworkMode?: string;
  Mounts?: EngineMount[];
  Binds?: string[];
  CapDrop?: string[];
  CapAdd?: string[];
  GroupAdd?: string[];
  Runtime?: string;
  DeviceRequests?: EngineDeviceRequest[];
  [field: string]: unknown;
}

export interface CreateBody {
  Image?: string;
  User?: string;
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  Labels?: Record<string, string>;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Hostname?: string;
  StopSignal?: string;
  Healthcheck?: Record<string, unknown>;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  NetworkDisabled?: boolean;
  HostConfig?: EngineHostConfig;
  [field: string]: unknown;
}
