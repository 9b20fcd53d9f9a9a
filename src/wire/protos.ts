/**
 * Loads the wire protos of outbound HTTPS (enhanced: jnx.jet.netconf; basic: management).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The proto/ folder: dist/src/wire -> ../../../proto, src/wire -> ../../proto. */
export const PROTO_DIR =
  [path.resolve(here, '../../../proto'), path.resolve(here, '../../proto')].find((p) =>
    existsSync(path.join(p, 'jnx_netconf_service.proto')),
  ) ?? path.resolve(here, '../../../proto');

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export interface NcgrpcStatusRequest { req: 'REQ_RUNNING' }
export interface NcgrpcStatusResponse { status: 'FAILURE' | 'SUCCESS' }
export interface NcgrpcInitializeRequest { instance_id: string; device_id: string; secret_key: string }
export interface NcgrpcInitializeResponse { session_type: 'NETCONF' | 'CSH' }
export interface NcgrpcCommandGetRequest { message: string }
export interface NcgrpcCommandGetResponse {
  netconf_command?: string;
  csh_command?: string;
  command?: 'netconf_command' | 'csh_command';
  kill_signal: string;
}

export interface BasicAuthRequest { message_req: string }
export interface BasicAuthResponse { message_res: string }
export interface BasicRpcRequest { request_id: string; message: string }
export interface BasicRpcResponse {
  request_id: string;
  netconf_command?: string;
  cli_command?: string;
  command?: 'netconf_command' | 'cli_command';
}

type UnaryCallback<T> = (err: grpc.ServiceError | null, resp?: T) => void;

/** The device's client of the enhanced service (jnx.jet.netconf.Ncgrpc), as the device calls it. */
export interface NcgrpcClient extends grpc.Client {
  NcgrpcServerStatusGet(req: NcgrpcStatusRequest, options: grpc.CallOptions, cb: UnaryCallback<NcgrpcStatusResponse>): grpc.ClientUnaryCall;
  NcgrpcInitialize(req: NcgrpcInitializeRequest, md: grpc.Metadata, cb: UnaryCallback<NcgrpcInitializeResponse>): grpc.ClientUnaryCall;
  /** The device writes NcgrpcCommandGetRequest (output) and reads NcgrpcCommandGetResponse (commands). */
  NcgrpcCommandGet(md?: grpc.Metadata): grpc.ClientDuplexStream<NcgrpcCommandGetRequest, NcgrpcCommandGetResponse>;
}

/** The device's client of the basic (20.2) service (management.NetconfRpcApi). */
export interface BasicClient extends grpc.Client {
  InitialHandShake(req: BasicAuthRequest, cb: UnaryCallback<BasicAuthResponse>): grpc.ClientUnaryCall;
  /** The device writes BasicRpcRequest (output) and reads BasicRpcResponse (commands). */
  GetExecuteCommand(): grpc.ClientDuplexStream<BasicRpcRequest, BasicRpcResponse>;
}

type ServiceCtor = grpc.ServiceClientConstructor;

let cached: { ncgrpc: ServiceCtor; basic: ServiceCtor; def: protoLoader.PackageDefinition } | undefined;

function load(): { ncgrpc: ServiceCtor; basic: ServiceCtor; def: protoLoader.PackageDefinition } {
  if (!cached) {
    const def = protoLoader.loadSync(['jnx_netconf_service.proto', 'nc_grpc.proto'], LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(def) as any;
    cached = { ncgrpc: pkg.jnx.jet.netconf.Ncgrpc, basic: pkg.management.NetconfRpcApi, def };
  }
  return cached;
}

/** One method of a service as the loader defines it: its HTTP/2 path and protobuf codecs. */
export interface MethodCodec<Req, Res> {
  path: string;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(bytes: Buffer): Res;
}

/** The device's side of the enhanced service's methods (the codecs grpc-js itself uses). */
export interface NcgrpcMethods {
  status: MethodCodec<NcgrpcStatusRequest, NcgrpcStatusResponse>;
  initialize: MethodCodec<NcgrpcInitializeRequest, NcgrpcInitializeResponse>;
  commandGet: MethodCodec<NcgrpcCommandGetRequest, NcgrpcCommandGetResponse>;
}

/** The device's side of the basic (20.2) service's methods. */
export interface BasicMethods {
  handshake: MethodCodec<BasicAuthRequest, BasicAuthResponse>;
  execute: MethodCodec<BasicRpcRequest, BasicRpcResponse>;
}

let methods: NcgrpcMethods | undefined;
let basicMethodDefs: BasicMethods | undefined;

/** The methods of `management.NetconfRpcApi`, from the same .proto and loader options as the grpc-js client. */
export function basicMethods(): BasicMethods {
  if (!basicMethodDefs) {
    const service = load().def['management.NetconfRpcApi'] as unknown as Record<string, MethodCodec<any, any>>;
    basicMethodDefs = { handshake: service.InitialHandShake, execute: service.GetExecuteCommand };
  }
  return basicMethodDefs;
}


/** The methods of `jnx.jet.netconf.Ncgrpc`, from the same .proto and loader options as the grpc-js client. */
export function ncgrpcMethods(): NcgrpcMethods {
  if (!methods) {
    const service = load().def['jnx.jet.netconf.Ncgrpc'] as unknown as Record<string, MethodCodec<any, any>>;
    methods = { status: service.NcgrpcServerStatusGet, initialize: service.NcgrpcInitialize, commandGet: service.NcgrpcCommandGet };
  }
  return methods;
}

/** Client constructor and service definition of the enhanced service `jnx.jet.netconf.Ncgrpc`. */
export function ncgrpcService(): ServiceCtor {
  return load().ncgrpc;
}

/** Client constructor and service definition of the basic (20.2) service `management.NetconfRpcApi`. */
export function basicService(): ServiceCtor {
  return load().basic;
}
