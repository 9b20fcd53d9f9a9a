/**
 * One gRPC channel to one NMS server, on its own TCP/TLS connection. Every pending
 * Initialize gets a channel of its own and its session uses that same channel, because
 * NMSs (Juniper's sample among them) tell sessions apart by the peer address.
 */
import * as grpc from '@grpc/grpc-js';
import { ncgrpcService, basicService } from '../wire/protos.js';
import type { ServerConfig } from './config.js';
import { serverCredentials } from './tls.js';

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // A private subchannel pool: no connection is shared with another channel to the same target.
  'grpc.use_local_subchannel_pool': 1,
  'grpc.enable_retries': 0,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
};

export type NcgrpcClient = grpc.Client & Record<string, any>;

export function targetOf(server: ServerConfig): string {
  return server.address.includes(':') ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
}

/**
 * A new enhanced-protocol client on a connection of its own. Pass `creds` to share one TLS
 * context between the channels of a link (connections stay separate).
 */
export function openNcgrpcChannel(server: ServerConfig, onIdentityError?: (reason: string) => void, creds?: grpc.ChannelCredentials): NcgrpcClient {
  const Ctor = ncgrpcService();
  return new Ctor(targetOf(server), creds ?? serverCredentials(server, onIdentityError), CHANNEL_OPTIONS) as NcgrpcClient;
}

/** A new basic-protocol (20.2) client on a connection of its own. */
export function openBasicChannel(server: ServerConfig, onIdentityError?: (reason: string) => void): NcgrpcClient {
  const Ctor = basicService();
  return new Ctor(targetOf(server), serverCredentials(server, onIdentityError), CHANNEL_OPTIONS) as NcgrpcClient;
}

/** One line for a gRPC error, without a stack. */
export function describeGrpcError(err: unknown): string {
  const e = err as Partial<grpc.ServiceError>;
  if (e && typeof e.code === 'number') {
    const name = grpc.status[e.code] ?? String(e.code);
    // grpc-js ends some details with an empty "Resolution note:"; it says nothing.
    const details = (e.details || e.message || '').replace(/\s*Resolution note:\s*$/, '');
    return `${name}: ${details}`.trim();
  }
  return (err as Error)?.message ?? String(err);
}
