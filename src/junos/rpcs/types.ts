/**
 * What an RPC module is and what its handler sees. Each RPC is one `RpcModule` in its own
 * file (`./<rpc-name>.ts`), listed once in ./registry.ts; handlers throw RpcError for a
 * failed RPC.
 */
import type { ConfigSession } from '../config/api.js';
import type { DeviceProfile } from '../identity/profile.js';
import type { XmlElement } from '../../netconf/xml.js';
import type { OperModel } from '../oper/model.js';

/** The parts of the emulated device RPC handlers use. */
export interface DeviceView {
  readonly profile: DeviceProfile;
  /** The host name now (follows a committed `system host-name`). */
  readonly hostname: string;
  /** The name the device was created with: seed of serial numbers and MACs (hostname when absent). */
  readonly identity?: string;
  readonly serialNumber: string;
  /** Epoch milliseconds when the device "booted". */
  readonly bootTime: number;
  now(): number;
  /** The operational model (../oper/model.ts). */
  oper(): OperModel;
  /** The newest commit of the active configuration (time in epoch ms, and who), if any. */
  lastCommit(): { time: number; user: string } | undefined;
  /** The sessions open now (NETCONF and the cli's): who, from where, since when (epoch ms). */
  sessionList(): { id: number; user: string; client?: string; since: number }[];
  /** Ids of the NETCONF sessions open now. */
  sessionIds(): number[];
  /** Ends another NETCONF session of this device; false when there is none with that id. */
  killSession(id: number): boolean;
}

export interface RpcContext {
  device: DeviceView;
  /** The configuration session of this NETCONF session. */
  config: ConfigSession;
  sessionId: number;
  user: string;
  /** The operation element (first child of <rpc>). */
  op: XmlElement;
}

/** A handler's reply (the NETCONF server's type): body, warnings, end. */
export type { RpcReply } from '../../netconf/dispatch.js';
import type { RpcReply } from '../../netconf/dispatch.js';

export type RpcHandler = (ctx: RpcContext) => RpcReply | string | Promise<RpcReply | string>;

/**
 * A word that may follow a cli command's fixed words, and the RPC parameter it becomes.
 * `param` defaults to the word itself (flag, keyword).
 */
export type CliArg =
  /** `terse` -> `<terse/>` */
  | { flag: string; param?: string }
  /** `routing-instance R` -> `<routing-instance>R</routing-instance>` */
  | { keyword: string; param?: string }
  /** A free word (at most one per positional), e.g. an interface name -> `<interface-name>ge-0/0/0</interface-name>`. */
  | { positional: string; match?: RegExp; required?: boolean };

/** One cli command that maps to an RPC. */
export interface CliCommand {
  /** The fixed words, space separated: 'show interfaces', 'show version invoke-on all-routing-engines'. */
  words: string;
  /** Parameter elements the command always sends, e.g. ['all-servers'] -> `<all-servers/>`. */
  params?: string[];
  /** The words that may follow, in any order. None: nothing may follow (unless `path`). */
  args?: CliArg[];
  /** The remaining words are a hierarchy path (`show configuration system services`). */
  path?: boolean;
}

/** A cli command resolved to an RPC: its name and parameter elements (already XML). */
export interface MappedCommand {
  rpc: string;
  args: string[];
  /** With `path`: the hierarchy words. */
  configPath?: string[];
}

/** The output format `<command>` answers in ('set': `show configuration` only, as `<configuration-set>`). */
export type CommandFormat = 'xml' | 'text' | 'json' | 'set';

/**
 * One RPC: registered once in ./registry.ts, which builds the RPC table, the `<command>`
 * word mapping (the emulated cli sends its commands through `<command>`) and the text
 * renderer lookup from it.
 */
export interface RpcModule {
  /** The RPC's element name, e.g. 'get-software-information'. */
  name: string;
  /**
   * Answers the RPC. Absent: only a profile's rpc/<name>.xml template answers it, and a
   * device without that template lacks the RPC (its cli words are a syntax error there).
   */
  handler?: RpcHandler;
  /** The cli commands that map to this RPC (none for configuration RPCs like commit). */
  cli?: CliCommand[];
  /**
   * Builds the reply from the profile's rpc/<name>.xml template (the template gives what the
   * device model has; this adds what follows the device's own data). Without it a template
   * is the reply as written.
   */
  completesTemplate?: (ctx: RpcContext, template: string) => RpcReply | string;
  /** The reply as the cli prints it (a Junos table or block); `reply` wraps the reply's elements. Required with `cli`: there is no generic text. */
  text?: (reply: XmlElement) => string;
  /** Parameters the RPC takes beyond the family's published list (older spellings real clients send). */
  params?: string[];
  /** The reply in Junos JSON. Default: the generic XML -> Junos JSON conversion (./formats.ts). */
  json?: (replyXml: string) => string;
  /**
   * Answers `<command>` for this RPC's cli words itself instead of dispatching the RPC
   * (show configuration: committed text, set lines, inheritance). `pipes` matches the
   * pipes it handles; they are passed to `answer`.
   */
  command?: {
    pipes: RegExp;
    answer(ctx: RpcContext, m: MappedCommand, format: CommandFormat, pipes: string[]): RpcReply | string;
  };
}
