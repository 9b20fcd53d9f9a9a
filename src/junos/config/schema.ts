/**
 * A small schema for the parts of the Junos configuration whose shape cannot be guessed
 * from text or set form: which statements are keyed lists (and how their keys are
 * written), which lists hide their keyword, which leaves repeat, which containers Junos
 * prints on one line. Everything not listed here falls back to what its syntax says
 * (see text.ts). It is plain data: add a row to teach the emulator a new statement.
 *
 * A rule's `path` is a `/`-separated element path. A leading `/` anchors it at the
 * configuration root (the inside of a `groups` or `logical-systems` entry counts as a
 * root); otherwise it matches the end of a path.
 */
import { loadSchema, FAMILIES, type SchemaNode } from '../../schema/index.js';

/** Element path of a node inside the configuration (entry keys left out), used for schema look-up. */
export type ElementPath = readonly string[];

export interface KeyDef {
  /** Element name of the key in XML and JSON. */
  element: string;
  /** Keyword written before the key value in text and set form (policies: `from-zone`). */
  keyword?: string;
}

export interface Rule {
  path: string;
  kind: 'list' | 'leaf-list' | 'container' | 'leaf' | 'flag';
  /** List keys, default `name`. */
  keys?: KeyDef[];
  /** List entries are written without the list keyword (`interfaces { ge-0/0/0 { ... } }`). */
  hidden?: boolean;
  /** Keyword is written on output, but input may leave it out. */
  acceptHidden?: boolean;
  /** Other statements of the parent that are not entries of this hidden list. */
  except?: string[];
  /** Entries written inside one `keyword { ... }` block in text, but with keyword + key in set (`groups`). */
  wrapped?: boolean;
  /**
   * Written on one line when it holds only simple statements: `true` when it holds one
   * (`route 0/0 next-hop 10.0.0.1;`, `then accept;`), `'all'` whatever their number
   * (`any emergency;`, `route-filter 10.0.0.0/8 exact accept;`).
   */
  oneliner?: boolean | 'all';
  /** Container written together with its child: `family inet { ... }`. */
  flat?: boolean;
  /**
   * Container that takes a bare value into this leaf (`autonomous-system 65010;` →
   * `as-number`): from the YANG, whose first statement of the container is that leaf.
   */
  positional?: string;
  /** Junos writes the positional leaf as the container's value (`autonomous-system 65010;`). */
  bare?: boolean;
  /** Whether `name` is a statement of this container (YANG rules; a positional value is not). */
  hasChild?: (name: string) => boolean;
}

const list = (path: string, extra: Partial<Rule> = {}): Rule => ({ path, kind: 'list', ...extra });
const leafList = (path: string): Rule => ({ path, kind: 'leaf-list' });
const leaf = (path: string): Rule => ({ path, kind: 'leaf' });
const container = (path: string, extra: Partial<Rule> = {}): Rule => ({ path, kind: 'container', ...extra });

const APPLY = ['apply-groups', 'apply-groups-except', 'apply-macro'];

export const RULES: Rule[] = [
  // Anywhere
  leafList('apply-groups'),
  leafList('apply-groups-except'),
  list('apply-macro'),
  container('family', { flat: true }),
  // Containers whose last word could pass for a value in `set` form (`set system services netconf ssh`)
  ...[
    'services/netconf', 'services/ssh', 'services/telnet', 'services/ftp', 'services/rest',
    'services/web-management', 'services/outbound-https', 'services/extension-service',
    'netconf/ssh', 'web-management/http', 'web-management/https', 'system/login',
    'system/syslog', 'system/ntp', 'system/root-authentication', 'user/authentication',
    'family/inet', 'family/inet6', 'family/iso', 'family/mpls', 'family/ethernet-switching',
    'family/bridge', 'family/inet-vpn', 'family/inet6-vpn', 'family/evpn', 'family/l2vpn',
    'family/vpls', 'family/any', 'protocols/bgp', 'protocols/ospf', 'protocols/ospf3',
    'protocols/isis', 'protocols/lldp', 'protocols/lldp-med', 'protocols/ldp', 'protocols/mpls',
    'protocols/rsvp', 'protocols/pim', 'protocols/igmp-snooping', 'protocols/rstp',
    'protocols/evpn', 'protocols/bfd', 'protocols/l2circuit', 'protocols/router-advertisement',
    'routing-options/static', 'routing-options/aggregate', 'routing-options/generate',
    'security/zones', 'security/policies', 'security/screen', 'security/nat',
    'zones/security-zone/host-inbound-traffic', 'interfaces/host-inbound-traffic',
    'system/services', 'policies/policy/policy/match', 'policies/policy/policy/then',
    'global/policy/match', 'global/policy/then', 'then/permit', 'ids-option/icmp', 'ids-option/ip',
    'ids-option/tcp', 'ids-option/udp', 'system/archival', 'system/archival/configuration',
    'system/license', 'system/license/autoupdate', 'system/static-host-mapping',
    'area/interface/bfd-liveness-detection',
    'system/services/ssh',
    'rib/static', 'instance/routing-options', 'instance/protocols',
  ].map((p) => container(p)),
  ...['system', 'chassis', 'services', 'security', 'interfaces', 'snmp', 'forwarding-options',
    'routing-options', 'protocols', 'policy-options', 'class-of-service', 'firewall',
    'routing-instances', 'vlans', 'access', 'applications', 'event-options', 'bridge-domains',
    'switch-options', 'virtual-chassis'].map((p) => container(`/${p}`)),
  // Root lists
  list('/groups', { wrapped: true }),
  list('/logical-systems', { wrapped: true }),
  // interfaces
  list('/interfaces/interface', {
    hidden: true,
    except: [...APPLY, 'interface-range', 'interface-set', 'traceoptions', 'stacked-interface-set'],
  }),
  list('/interfaces/interface-range'),
  list('interface-range/member'),
  list('interface/unit'),
  container('interface/hold-time', { oneliner: 'all' }),
  // One line each on Junos, though their YANG containers say nothing of it.
  container('area/stub', { oneliner: 'all' }),
  container('file/archive', { oneliner: 'all' }),
  container('/system/syslog/archive', { oneliner: 'all' }),
  list('family/inet/address'),
  list('family/inet6/address'),
  list('family/iso/address'),
  list('family/mpls/filter'),
  leafList('ethernet-switching/vlan/members'),
  // system
  list('/system/login/user'),
  list('/system/login/class'),
  leafList('/system/login/class/permissions'),
  list('/system/name-server', { wrapped: true }),
  leafList('/system/domain-search'),
  leafList('/system/authentication-order'),
  list('/system/radius-server', { wrapped: true }),
  list('/system/tacplus-server', { wrapped: true }),
  list('/system/ntp/server', { oneliner: 'all' }),
  list('/system/ntp/peer', { oneliner: 'all' }),
  list('/system/ntp/broadcast', { oneliner: 'all' }),
  list('/system/ntp/source-address', { oneliner: 'all' }),
  container('/system/ntp/threshold', { oneliner: 'all' }),
  list('/system/syslog/file'),
  list('/system/syslog/host'),
  list('/system/syslog/user'),
  list('syslog/file/contents', { hidden: true, oneliner: 'all', except: ['archive', 'structured-data', 'match', 'explicit-priority'] }),
  list('syslog/host/contents', { hidden: true, oneliner: 'all', except: ['port', 'facility-override', 'source-address', 'match', 'structured-data', 'explicit-priority', 'log-prefix'] }),
  list('syslog/user/contents', { hidden: true, oneliner: 'all', except: ['match'] }),
  // `console { any critical; }`: a list keyed by facility (YANG), every entry in one block.
  list('/system/syslog/console', { wrapped: true, oneliner: 'all' }),
  list('/system/archival/configuration/archive-sites', { hidden: true }),
  list('/system/static-host-mapping/host', { hidden: true }),
  leafList('/system/static-host-mapping/host/inet'),
  list('/system/services/outbound-https/client'),
  list('outbound-https/client/servers', {
    acceptHidden: true,
    except: [...APPLY, 'device-id', 'secret', 'waittime', 'reconnect-strategy'],
  }),
  leaf('outbound-https/client/device-id'),
  leaf('outbound-https/client/secret'),
  leaf('outbound-https/client/waittime'),
  leaf('outbound-https/client/reconnect-strategy'),
  leaf('outbound-https/client/servers/port'),
  leaf('outbound-https/client/servers/trusted-cert'),
  list('/system/extensions/extension-service/application/file'),
  leaf('extension-service/application/file/arguments'),
  leaf('extension-service/application/file/username'),
  leafList('web-management/http/interface'),
  leafList('web-management/https/interface'),
  // security: `address h1 10.1.0.0/24;` (zone and global address books), the prefix bare
  list('address-book/address', { positional: 'ip-prefix', bare: true }),
  // snmp
  list('/snmp/community'),
  list('/snmp/community/clients', { wrapped: true, oneliner: 'all' }),
  list('/snmp/trap-group'),
  list('/snmp/trap-group/targets'),
  // routing
  list('/routing-instances/instance', { hidden: true, except: [...APPLY] }),
  list('/routing-instances/instance/interface'),
  list('static/route', { oneliner: true }),
  list('/routing-options/rib'),
  leafList('static/route/next-hop'),
  list('static/route/qualified-next-hop'),
  list('aggregate/route', { oneliner: true }),
  list('generate/route', { oneliner: true }),
  list('protocols/bgp/group'),
  list('protocols/bgp/neighbor'),
  list('bgp/group/neighbor'),
  leafList('bgp/export'),
  leafList('bgp/import'),
  leafList('bgp/group/export'),
  leafList('bgp/group/import'),
  leafList('bgp/group/neighbor/export'),
  leafList('bgp/group/neighbor/import'),
  leafList('bgp/group/allow'),
  list('protocols/ospf/area'),
  list('protocols/ospf3/area'),
  list('area/interface'),
  list('area/area-range'),
  leafList('ospf/export'),
  leafList('ospf/import'),
  list('protocols/isis/interface'),
  list('protocols/ldp/interface'),
  list('protocols/mpls/interface'),
  list('protocols/mpls/label-switched-path'),
  list('protocols/rsvp/interface'),
  list('protocols/lldp/interface'),
  list('protocols/lldp-med/interface'),
  list('protocols/pim/interface'),
  list('protocols/igmp/interface'),
  list('protocols/rstp/interface'),
  list('protocols/vstp/vlan'),
  list('protocols/router-advertisement/interface'),
  list('protocols/vrrp/interface'),
  list('protocols/bfd/interface'),
  list('protocols/l2circuit/neighbor'),
  list('l2circuit/neighbor/interface'),
  list('protocols/evpn/vni-options/vni'),
  // policy-options
  list('/policy-options/policy-statement'),
  list('policy-statement/term'),
  list('/policy-options/prefix-list'),
  list('/policy-options/prefix-list/prefix-list-item', { hidden: true, except: [...APPLY] }),
  list('/policy-options/community', { oneliner: true }),
  leafList('/policy-options/community/members'),
  list('/policy-options/as-path'),
  list('from/route-filter', { keys: [{ element: 'address' }], oneliner: 'all' }),
  list('from/prefix-list'),
  list('from/prefix-list-filter', { keys: [{ element: 'list_name' }], oneliner: 'all' }),
  leafList('policy-statement/from/protocol'),
  leafList('term/from/protocol'),
  leafList('policy-statement/from/community'),
  leafList('policy-statement/term/from/community'),
  leafList('from/policy'),
  leafList('policy-statement/from/neighbor'),
  leafList('policy-statement/term/from/neighbor'),
  leafList('policy-statement/from/interface'),
  leafList('policy-statement/term/from/interface'),
  container('policy-statement/from', { oneliner: true }),
  container('policy-statement/then', { oneliner: true }),
  container('policy-statement/to', { oneliner: true }),
  container('term/from', { oneliner: true }),
  container('term/then', { oneliner: true }),
  container('term/to', { oneliner: true }),
  // firewall
  list('/firewall/filter'),
  list('/firewall/policer'),
  list('/firewall/family/inet/filter'),
  list('/firewall/family/inet6/filter'),
  list('/firewall/family/any/filter'),
  list('/firewall/family/ethernet-switching/filter'),
  list('/firewall/family/bridge/filter'),
  list('/firewall/family/mpls/filter'),
  list('/firewall/family/vpls/filter'),
  list('filter/term'),
  list('filter/term/from/source-address', { wrapped: true, oneliner: 'all' }),
  list('filter/term/from/destination-address', { wrapped: true, oneliner: 'all' }),
  list('filter/term/from/address', { wrapped: true, oneliner: 'all' }),
  list('filter/term/from/prefix-list', { wrapped: true, oneliner: 'all' }),
  list('filter/term/from/source-prefix-list', { wrapped: true, oneliner: 'all' }),
  list('filter/term/from/destination-prefix-list', { wrapped: true, oneliner: 'all' }),
  leafList('filter/term/from/protocol'),
  leafList('filter/term/from/next-header'),
  leafList('filter/term/from/port'),
  leafList('filter/term/from/source-port'),
  leafList('filter/term/from/destination-port'),
  leafList('filter/term/from/icmp-type'),
  leafList('filter/term/from/tcp-flags'),
  leafList('filter/input-list'),
  leafList('filter/output-list'),
  // security (SRX)
  list('/security/zones/security-zone'),
  list('/security/zones/functional-zone/management/interfaces', { wrapped: true }),
  list('security-zone/interfaces', { wrapped: true }),
  list('host-inbound-traffic/system-services', { wrapped: true }),
  list('host-inbound-traffic/protocols', { wrapped: true }),
  list('/security/policies/policy', {
    hidden: true,
    keys: [
      { element: 'from-zone-name', keyword: 'from-zone' },
      { element: 'to-zone-name', keyword: 'to-zone' },
    ],
  }),
  list('/security/policies/policy/policy'),
  list('/security/policies/global/policy'),
  leafList('policy/match/source-address'),
  leafList('policy/match/destination-address'),
  leafList('policy/match/application'),
  leafList('policy/match/from-zone'),
  leafList('policy/match/to-zone'),
  list('/security/screen/ids-option'),
  list('/security/address-book'),
  list('address-book/address'),
  list('address-book/address-set'),
  list('address-set/address'),
  list('/security/nat/source/rule-set'),
  list('/security/nat/destination/rule-set'),
  list('/security/nat/static/rule-set'),
  list('/security/nat/source/pool'),
  list('/security/nat/destination/pool'),
  list('rule-set/rule'),
  list('/security/ike/proposal'),
  list('/security/ike/policy'),
  list('/security/ike/gateway'),
  list('/security/ipsec/proposal'),
  list('/security/ipsec/policy'),
  list('/security/ipsec/vpn'),
  list('/applications/application'),
  list('/applications/application-set'),
  list('/applications/application-set/application', { oneliner: true }),
  // l2
  list('/vlans/vlan', { hidden: true, except: [...APPLY] }),
  list('/bridge-domains/domain', { hidden: true, except: [...APPLY] }),
  list('/vlans/vlan/interface'),
  // class-of-service
  list('/class-of-service/interfaces/interface', { hidden: true, except: [...APPLY] }),
  list('/class-of-service/forwarding-classes/class', { oneliner: true }),
  list('/class-of-service/forwarding-classes/queue', { oneliner: true }),
  list('/class-of-service/schedulers/scheduler', { hidden: true }),
  list('/class-of-service/scheduler-maps/scheduler-map', { hidden: true }),
  list('/event-options/policy'),
  list('/chassis/fpc'),
  list('/chassis/fpc/pic'),
];

/** Statements allowed at the top of a configuration; anything else is a syntax error as on Junos. */
export const TOP_LEVEL = new Set([
  'version', 'groups', 'apply-groups', 'apply-groups-except', 'apply-macro', 'system', 'chassis',
  'services', 'security', 'interfaces', 'snmp', 'forwarding-options', 'routing-options',
  'protocols', 'policy-options', 'class-of-service', 'firewall', 'routing-instances', 'vlans',
  'logical-systems', 'access', 'access-profile', 'accounting-options', 'applications',
  'bridge-domains', 'ethernet-switching-options', 'event-options', 'multi-chassis', 'poe',
  'switch-options', 'virtual-chassis', 'dynamic-profiles', 'jsrc', 'schedulers', 'tenants',
  'smtp', 'diameter', 'fabric', 'multicast-snooping-options', 'protection-group', 'rest',
  'session-limit-group', 'unified-edge', 'wlan', 'openconfig-bgp', 'vmhost', 'chassis',
]);

/** Statement names that are empty leaves wherever they appear, used when several statements share a line. */
export const FLAGS = new Set([
  'disable', 'passive', 'discard', 'reject', 'accept', 'permit', 'deny', 'orlonger', 'longer',
  'exact', 'receive', 'primary', 'preferred', 'next-term', 'next-policy', 'no-readvertise',
  'enable', 'any', 'emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'none',
  'tcp-rst', 'world-readable', 'no-world-readable', 'vlan-tagging', 'flexible-vlan-tagging',
  'all', 'syslog', 'log', 'sample', 'no-resolve', 'ping', 'ssh', 'telnet', 'http', 'https',
  'netconf', 'snmp', 'bgp', 'ospf', 'dhcp', 'traceroute', 'ntp', 'dns', 'ike', 'bfd', 'ldp',
  'rsvp', 'pim', 'vrrp', 'lldp', 'rip', 'isis', 'ospf3', 'router-discovery', 'xnm-ssl', 'xnm-clear-text',
]);

/** Leaves that Junos marks `## SECRET-DATA` in text output. */
export const SECRET_LEAVES = new Set([
  'encrypted-password', 'secret', 'authentication-key', 'pre-shared-key', 'ascii-text',
  'hexadecimal', 'simple-password', 'md5',
]);

interface CompiledRule extends Rule {
  segs: string[];
  anchored: boolean;
}

const BY_NAME = new Map<string, CompiledRule[]>();
const HIDDEN: CompiledRule[] = [];
for (const r of RULES) {
  const anchored = r.path.startsWith('/');
  const segs = r.path.replace(/^\//, '').split('/');
  const c: CompiledRule = { ...r, segs, anchored };
  const last = segs[segs.length - 1];
  const arr = BY_NAME.get(last) ?? [];
  // More specific (longer) patterns first.
  arr.push(c);
  arr.sort((a, b) => b.segs.length - a.segs.length);
  BY_NAME.set(last, arr);
  if (r.hidden || r.acceptHidden) HIDDEN.push(c);
}

/** Drops the prefix that makes a path relative to a root-like hierarchy (group, logical system). */
export function normalisePath(path: ElementPath): ElementPath {
  let p = path;
  for (;;) {
    if (p.length > 1 && (p[0] === 'groups' || p[0] === 'logical-systems')) p = p.slice(1);
    else return p;
  }
}

function matches(rule: CompiledRule, path: ElementPath): boolean {
  const n = rule.segs.length;
  if (path.length < n) return false;
  if (rule.anchored && path.length !== n) return false;
  for (let i = 0; i < n; i++) if (rule.segs[n - 1 - i] !== path[path.length - 1 - i]) return false;
  return true;
}

/**
 * The rule for the statement at this element path (its last element), if any: the table
 * above, else what Juniper's YANG says of it (yangRule).
 */
export function ruleFor(path: ElementPath): Rule | undefined {
  if (path.length === 0) return undefined;
  const p = normalisePath(path);
  const cands = BY_NAME.get(p[p.length - 1]);
  return cands?.find((r) => matches(r, p)) ?? yangRule(p);
}

const yangCache = new Map<string, Rule | null>();
const YANG_CACHE_MAX = 50000;

/**
 * The shape Juniper's YANG gives a statement the table does not list: a list (its keys;
 * lists of one key only, later keys of the others are keywords the table spells out), a
 * leaf-list, a leaf, a flag or a container (with the leaf that takes its bare value). The
 * families are asked in turn (mx, then srx, ex, qfx), each loaded on first need.
 */
export function yangRule(p: ElementPath): Rule | undefined {
  const key = p.join('/');
  const hit = yangCache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let rule: Rule | undefined;
  for (const family of FAMILIES) {
    let n: SchemaNode | undefined;
    try {
      n = loadSchema(family).walk(p);
    } catch {
      n = undefined;
    }
    if (!n) continue;
    rule = ruleOfNode(key, n);
    break;
  }
  if (yangCache.size < YANG_CACHE_MAX) yangCache.set(key, rule ?? null);
  return rule;
}

/**
 * Whether Junos writes a container's first leaf as its value: when that leaf is the
 * container's first statement in the YANG (about 300 statements: autonomous-system,
 * input/output filters, bandwidth, ...), and a few whose YANG puts apply-groups first.
 */
export function writesBare(path: string, n: SchemaNode): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (KEYWORD_FIRST.has(last) || NAMED_FIRST.has(last)) return false;
  if (VALUE_LEAF.has(last)) return true;
  const first = n.childNames()[0];
  if (first !== undefined && n.child(first)?.kind === 'leaf') return true;
  return BARE_AFTER_APPLY.has(last);
}

/**
 * Containers Junos writes with a bare value though their YANG lists apply-groups first:
 * `vrf-target target:1:1;`, BGP's `loops 4;` and prefix-limit `teardown 99;`.
 */
const BARE_AFTER_APPLY = new Set(['vrf-target', 'loops', 'teardown']);

/** Containers whose first leaf Junos writes with its name: OSPF's `stub default-metric 100;`. */
const NAMED_FIRST = new Set(['stub']);

/**
 * Containers whose first leaf Junos writes with its keyword, though the YANG puts it first:
 * `hold-time up 200 down 100;` (interfaces), not `hold-time 200 { down 100; }`; syslog's
 * `archive size 65536 files 30;`.
 */
const KEYWORD_FIRST = new Set(['hold-time', 'archive']);

/**
 * Containers whose value leaf is not their first statement in the YANG: `802.3ad ae0;` is
 * `<ieee-802.3ad><bundle>ae0</bundle></ieee-802.3ad>` (the YANG puts `lacp` first).
 */
const VALUE_LEAF = new Map([['ieee-802.3ad', 'bundle']]);

/** The leaf that takes container NAME's bare value (`as-number` of autonomous-system), if any. */
export function valueLeaf(name: string, n: SchemaNode): string | undefined {
  if (n.kind !== 'container') return undefined;
  return VALUE_LEAF.get(name) ?? n.valueChild();
}

/**
 * Statements whose text and set name differs from their XML/JSON element (a YANG name
 * cannot begin with a digit): `ether-options { 802.3ad ae0; }` is `<ieee-802.3ad>`.
 */
const TEXT_NAMES = new Map([['ieee-802.3ad', '802.3ad']]);
const ELEMENT_NAMES = new Map([...TEXT_NAMES].map(([e, t]) => [t, e]));

/** A statement's name as text and set form write it. */
export function textName(element: string): string {
  return TEXT_NAMES.get(element) ?? element;
}

/** The element a statement word of text or set form names (`802.3ad` → `ieee-802.3ad`). */
export function elementName(word: string): string {
  return ELEMENT_NAMES.get(word) ?? word;
}

function ruleOfNode(path: string, n: SchemaNode): Rule | undefined {
  switch (n.kind) {
    case 'list': {
      const keys = n.keys;
      if (keys.length === 1) return { path, kind: 'list', keys: [{ element: keys[0] }] };
      return multiKeyRule(path, n);
    }
    case 'leaf-list':
      return { path, kind: 'leaf-list' };
    case 'leaf':
      return { path, kind: 'leaf' };
    case 'flag':
      return { path, kind: 'flag' };
    default: {
      // A container Junos writes with a bare value takes one into its first leaf (after
      // apply-groups), in and out (writesBare); others take only their statements.
      const positional = writesBare(path, n) ? valueLeaf(path.slice(path.lastIndexOf('/') + 1), n) : undefined;
      return { path, kind: 'container', ...(positional ? { positional, bare: true } : {}), hasChild: (name) => n.child(name) !== undefined };
    }
  }
}

/**
 * A list of several keys, from its YANG keys. Junos writes each key after its name
 * (`virtual-link neighbor-id 10.0.0.1 transit-area 0.0.0.1`, `address-range low A high B`,
 * `drop-profile-map loss-priority low protocol any`), except a first key Junos names with
 * an underscore or after the list itself (`mac 00:11:22:33:44:55 remote-vtep 192.0.2.1`),
 * and keys that are all enumerations (`vmhost-syslog-object any notice`). Lists whose later
 * keys are a match type and its value (`choice-ident`: route-filter and its kin) keep their
 * table rows and keywords (undefined here).
 */
function multiKeyRule(path: string, n: SchemaNode): Rule | undefined {
  const keys = n.keys;
  if (keys.includes('choice-ident')) return undefined;
  const list = path.slice(path.lastIndexOf('/') + 1);
  const allEnums = keys.every((k) => (n.child(k)?.enumValues().length ?? 0) > 0);
  const defs: KeyDef[] = keys.map((k, i) => {
    const positional = allEnums || (i === 0 && (k.includes('_') || k === list));
    return positional ? { element: k } : { element: k, keyword: k };
  });
  return { path, kind: 'list', keys: defs };
}

export function keysOf(rule: Rule | undefined): KeyDef[] {
  return rule?.keys ?? [{ element: 'name' }];
}

/** Lists directly under this parent path whose keyword may be absent in text and set form. */
export function hiddenListsUnder(parentPath: ElementPath): Rule[] {
  const p = normalisePath(parentPath);
  return HIDDEN.filter((r) => {
    const name = r.segs[r.segs.length - 1];
    return matches(r, [...p, name]);
  });
}

export function isTopLevel(name: string): boolean {
  return TOP_LEVEL.has(name);
}
