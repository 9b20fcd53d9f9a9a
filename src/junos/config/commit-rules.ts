/**
 * What Junos' daemons refuse at commit beyond the YANG (rpd, dcd, flowd, l2ald): one table
 * of rules, each with the families it applies to and the wording of its error. Every rule
 * reads the configuration with groups applied and inactive statements left out, and
 * answers the errors of `validate`, `commit check` and every commit (followed by
 * `configuration check-out failed`, commit-check.ts).
 *
 * A rule is a row: { id, what, families?, check(view) → violations }. To add one, add a
 * row; COMMIT_RULES is the list `show`n by the README.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { editPath } from './errors.js';
import type { ConfigNode, ConfigTree } from './tree.js';

/** One refusal: the hierarchy (error-path), the statement (bad-element) and the message. */
export interface Violation {
  path: string[];
  statement: string;
  message: string;
}

/**
 * Who refuses it on Junos: mgd's own constraint checks (the commit ends `commit failed:
 * (statements constraint check failed)`; `commit check`: `configuration check-out failed:
 * (statements constraint check failed)`), or a daemon at check-out (`configuration
 * check-out failed`).
 */
export type RuleKind = 'constraint' | 'daemon';

export interface CommitRule {
  id: string;
  /** What Junos refuses, in a few words (README). */
  what: string;
  /** Junos families it applies to (mx `junos`, srx `junos-es`, ex `junos-ex`, qfx `junos-qfx`); all when absent. */
  families?: string[];
  kind: RuleKind;
  /**
   * Where the wording was seen as a real Junos printed it (a URL, with what it confirms),
   * or `unconfirmed` with what was looked for: docs/netconf.md lists both.
   */
  source: string;
  check(v: ConfigView): Violation[];
}

/** The configuration as the rules read it: active statements only. */
export class ConfigView {
  constructor(readonly root: ConfigNode, readonly family: string) {}

  kids(n: ConfigNode | undefined, name: string): ConfigNode[] {
    return n ? n.children.filter((c) => c.name === name && !c.inactive) : [];
  }

  one(n: ConfigNode | undefined, ...path: string[]): ConfigNode | undefined {
    let cur = n;
    for (const p of path) cur = this.kids(cur, p)[0];
    return cur;
  }

  leaf(n: ConfigNode | undefined, name: string): string | undefined {
    const c = this.kids(n, name)[0];
    if (!c) return undefined;
    if (c.kind === 'leaf') return c.value;
    // A container that takes a bare value (`autonomous-system` → as-number).
    const first = c.children[0];
    return first?.kind === 'leaf' ? first.value : undefined;
  }

  values(n: ConfigNode | undefined, name: string): string[] {
    return this.kids(n, name).map((c) => (c.kind === 'entry' ? c.keys?.[0]?.value : c.value) ?? '').filter(Boolean);
  }

  has(n: ConfigNode | undefined, name: string): boolean {
    return this.kids(n, name).length > 0;
  }

  key(n: ConfigNode): string {
    return n.keys?.[0]?.value ?? '';
  }

  /** Every interface unit: [interface entry, unit entry]. */
  units(): [ConfigNode, ConfigNode][] {
    const out: [ConfigNode, ConfigNode][] = [];
    for (const ifd of this.kids(this.one(this.root, 'interfaces'), 'interface')) {
      for (const u of this.kids(ifd, 'unit')) out.push([ifd, u]);
    }
    return out;
  }

  /** Names of what a hierarchy defines (`policy-options policy-statement` → its names). */
  names(...path: string[]): Set<string> {
    const last = path[path.length - 1];
    const parent = this.one(this.root, ...path.slice(0, -1));
    return new Set(this.kids(parent, last).map((c) => this.key(c)));
  }

  /** Every node named `name` under `n`, with the words of its hierarchy. */
  findAll(n: ConfigNode, name: string, words: string[] = [], out: { node: ConfigNode; words: string[] }[] = [], depth = 0): { node: ConfigNode; words: string[] }[] {
    if (depth > 64) return out;
    for (const c of n.children) {
      if (c.inactive) continue;
      if (c.name === name) out.push({ node: c, words });
      if (c.children.length) this.findAll(c, name, [...words, ...wordsOf(c)], out, depth + 1);
    }
    return out;
  }
}

function wordsOf(c: ConfigNode): string[] {
  if (c.kind !== 'entry') return [c.name];
  // Lists Junos writes without their keyword.
  const hidden = c.name === 'interface' || c.name === 'instance' || c.name === 'vlan' || c.name === 'prefix-list-item';
  return [...(hidden ? [] : [c.name]), ...(c.keys ?? []).map((k) => k.value)];
}

/** Largest MTU per media of each family (Junos: the PIC's maximum; 256 the smallest). */
const MTU_MAX: Record<string, Record<string, number>> = {
  junos: { ge: 9192, xe: 9192, et: 9192, ae: 9192, fe: 1514, lo: 65535, irb: 9192 },
  'junos-es': { ge: 9192, xe: 9192, et: 9192, ae: 9192, fe: 1518, reth: 9192, lo: 65535, irb: 9192 },
  'junos-ex': { ge: 9216, xe: 9216, et: 9216, mge: 9216, ae: 9216, lo: 65535, irb: 9216 },
  'junos-qfx': { ge: 9216, xe: 9216, et: 9216, ae: 9216, lo: 65535, irb: 9216 },
};

const L3_FAMILIES = ['inet', 'inet6', 'iso', 'mpls'];

export const COMMIT_RULES: CommitRule[] = [
  {
    id: 'bgp-peer-as',
    what: 'an external BGP neighbor without peer-as (neighbor or group)',
    kind: 'daemon',
    source: 'unconfirmed: rpd wording from memory of Junos; no public capture found (batfish PR 9358, https://github.com/batfish/batfish/pull/9358, confirms the check, not its text)',
    check(v) {
      const out: Violation[] = [];
      const scan = (bgp: ConfigNode | undefined, base: string[]) => {
        for (const g of v.kids(bgp, 'group')) {
          const internal = v.leaf(g, 'type') === 'internal';
          for (const n of v.kids(g, 'neighbor')) {
            if (internal || v.leaf(n, 'peer-as') || v.leaf(g, 'peer-as') || v.leaf(bgp, 'peer-as')) continue;
            out.push({
              path: [...base, 'protocols', 'bgp', 'group', v.key(g)],
              statement: `neighbor ${v.key(n)}`,
              message: `Error in neighbor ${v.key(n)} of group ${v.key(g)}:\npeer AS number must be configured for an external peer`,
            });
          }
        }
      };
      scan(v.one(v.root, 'protocols', 'bgp'), []);
      for (const ri of v.kids(v.one(v.root, 'routing-instances'), 'instance')) scan(v.one(ri, 'protocols', 'bgp'), [v.key(ri)]);
      return out;
    },
  },
  {
    id: 'bgp-internal-as',
    what: 'an internal BGP group without routing-options autonomous-system',
    kind: 'daemon',
    source: 'unconfirmed: no public capture of the rpd message found (searched Juniper docs, GitHub issues of Ansible/PyEZ/Terraform junos providers)',
    check(v) {
      const ro = v.one(v.root, 'routing-options');
      if (v.leaf(ro, 'autonomous-system') || v.leaf(v.one(ro, 'autonomous-system'), 'as-number')) return [];
      return v.kids(v.one(v.root, 'protocols', 'bgp'), 'group')
        .filter((g) => v.leaf(g, 'type') === 'internal' && v.has(g, 'neighbor'))
        .map((g) => ({ path: ['protocols', 'bgp', 'group', v.key(g)], statement: 'type internal', message: `Error in group ${v.key(g)}:\nautonomous system must be configured for an internal peer` }));
    },
  },
  {
    id: 'mtu-media',
    what: 'a media MTU outside 256 .. the media maximum (ge/xe/et 9192 on MX and SRX, 9216 on EX and QFX)',
    kind: 'daemon',
    source: 'unconfirmed wording; the ranges are Juniper\'s (mtu statement: "256 through 9192 bytes, 256 through 9216 (EX Series switch interfaces)", https://juniper.net/documentation/us/en/software/junos/cli-reference/topics/ref/statement/mtu-edit-interfaces-ni.html)',
    check(v) {
      const out: Violation[] = [];
      const table = MTU_MAX[v.family] ?? MTU_MAX.junos;
      const check = (ifd: ConfigNode, where: string[], n: ConfigNode | undefined) => {
        const raw = v.leaf(n, 'mtu');
        if (raw === undefined || !/^\d+$/.test(raw)) return;
        const media = /^[a-z]+/.exec(v.key(ifd))?.[0] ?? '';
        const max = table[media] ?? 9192;
        const mtu = Number(raw);
        if (mtu < 256 || mtu > max) {
          out.push({ path: where, statement: `mtu ${raw}`, message: `MTU ${raw} is out of range for ${v.key(ifd)}: it must be between 256 and ${max}` });
        }
      };
      for (const ifd of v.kids(v.one(v.root, 'interfaces'), 'interface')) check(ifd, ['interfaces', v.key(ifd)], ifd);
      return out;
    },
  },
  {
    id: 'family-mtu-device',
    what: 'a family MTU larger than the device MTU less its protocol overhead (14, 18 with vlan-tagging, 22 with stacked or flexible tagging)',
    kind: 'daemon',
    source: 'confirmed: [edit interfaces ae0 unit 0 family] \'inet\' "Family MTU 9192 is too large relative to device MTU 1514; Protocol overhead should be 14" (https://github.com/jeremmfr/terraform-provider-junos/issues/451)',
    check(v) {
      const out: Violation[] = [];
      for (const ifd of v.kids(v.one(v.root, 'interfaces'), 'interface')) {
        if (!/^(ge|xe|et|mge|fe|ae|reth)-|^(ae|reth)\d/.test(v.key(ifd))) continue;
        // Once per interface: its units are many (linear in the configuration).
        const raw = v.leaf(ifd, 'mtu');
        const device = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : 1514;
        const overhead = v.has(ifd, 'stacked-vlan-tagging') || v.has(ifd, 'flexible-vlan-tagging') ? 22 : v.has(ifd, 'vlan-tagging') ? 18 : 14;
        for (const u of v.kids(ifd, 'unit')) for (const fam of v.one(u, 'family')?.children ?? []) {
          if (fam.inactive) continue;
          const fm = v.leaf(fam, 'mtu');
          if (fm === undefined || !/^\d+$/.test(fm) || Number(fm) + overhead <= device) continue;
          out.push({
            path: ['interfaces', v.key(ifd), 'unit', v.key(u), 'family'],
            statement: fam.name,
            message: `Family MTU ${fm} is too large relative to device MTU ${device}; Protocol overhead should be ${overhead}`,
          });
        }
      }
      return out;
    },
  },
  {
    id: 'family-ethernet-switching-alone',
    what: 'family ethernet-switching beside a layer-3 family on one unit',
    kind: 'constraint',
    source: 'confirmed on vQFX 21.4R1 ([edit interfaces xe-0/0/0 unit 0 family] \'ethernet-switching\' ... error: commit failed: (statements constraint check failed)), blog "Junos Part I - the basics" (2022) and a QFX5100 capture, both found on GitHub; NETCONF form in internap/fake-switches tests, https://github.com/internap/fake-switches',
    check(v) {
      const out: Violation[] = [];
      for (const [ifd, u] of v.units()) {
        const fam = v.one(u, 'family');
        const l2 = v.has(fam, 'ethernet-switching') || v.has(fam, 'bridge');
        const l3 = L3_FAMILIES.filter((f) => v.has(fam, f));
        if (l2 && l3.length) {
          out.push({
            path: ['interfaces', v.key(ifd), 'unit', v.key(u), 'family'],
            statement: v.has(fam, 'ethernet-switching') ? 'ethernet-switching' : 'bridge',
            message: `Family ${v.has(fam, 'ethernet-switching') ? 'ethernet-switching' : 'bridge'} and rest of the families are mutually exclusive`,
          });
        }
      }
      return out;
    },
  },
  {
    id: 'vlan-tagging-units',
    what: 'a unit other than 0, or a unit vlan-id, on an interface without vlan-tagging (or an encapsulation that allows it)',
    kind: 'daemon',
    source: 'confirmed: "VLAN-ID can only be specified on tagged ethernet interfaces" with error-path [edit interfaces xe-0/0/1] and bad-element "unit 0", followed by configuration check-out failed (https://github.com/Juniper/go-netconf/blob/master/netconf/rpc_test.go, https://github.com/jeremmfr/terraform-provider-junos/issues/217); "Only unit 0 is valid for this encapsulation" (https://github.com/Juniper/ansible-junos-stdlib/issues/858; its path and bad-element are not shown there)',
    check(v) {
      const out: Violation[] = [];
      for (const ifd of v.kids(v.one(v.root, 'interfaces'), 'interface')) {
        const name = v.key(ifd);
        // Logical interfaces that are not Ethernet ports take any unit.
        if (!/^(ge|xe|et|mge|fe|ae|reth)-|^(ge|xe|et|ae)\d/.test(name)) continue;
        const tagged = v.has(ifd, 'vlan-tagging') || v.has(ifd, 'flexible-vlan-tagging') || v.has(ifd, 'stacked-vlan-tagging') || v.has(ifd, 'encapsulation');
        if (tagged) continue;
        for (const u of v.kids(ifd, 'unit')) {
          if (v.key(u) !== '0') {
            out.push({ path: ['interfaces', name], statement: `unit ${v.key(u)}`, message: 'Only unit 0 is valid for this encapsulation' });
          }
          if (v.leaf(u, 'vlan-id') !== undefined) {
            out.push({ path: ['interfaces', name], statement: `unit ${v.key(u)}`, message: 'VLAN-ID can only be specified on tagged ethernet interfaces' });
          }
        }
      }
      return out;
    },
  },
  {
    id: 'zone-interface-once',
    what: 'an interface in two security zones',
    kind: 'daemon',
    source: 'unconfirmed: no public capture of the flowd/mgd message found; Juniper states the rule ("You cannot assign a logical interface to multiple zones", JNCIS-SEC notes, http://rtodto.net/jncis-sec-zones)',
    families: ['junos-es'],
    check(v) {
      const seen = new Map<string, string>();
      const out: Violation[] = [];
      for (const z of v.kids(v.one(v.root, 'security', 'zones'), 'security-zone')) {
        for (const i of v.kids(z, 'interfaces')) {
          const name = v.key(i);
          const other = seen.get(name);
          if (other !== undefined && other !== v.key(z)) {
            out.push({ path: ['security', 'zones', 'security-zone', v.key(z), 'interfaces'], statement: name, message: `Interface ${name} must be in only one zone (it is also in zone ${other})` });
          } else seen.set(name, v.key(z));
        }
      }
      return out;
    },
  },
  {
    id: 'duplicate-address',
    what: 'the same local address on two interfaces (one routing instance)',
    kind: 'daemon',
    source: 'unconfirmed wording (dcd); no public capture found',
    check(v) {
      const out: Violation[] = [];
      const seen = new Map<string, string>();
      for (const [ifd, u] of v.units()) {
        for (const f of ['inet', 'inet6']) {
          for (const a of v.kids(v.one(u, 'family', f), 'address')) {
            const addr = (v.key(a) || '').split('/')[0];
            if (!addr) continue;
            const ifl = `${v.key(ifd)}.${v.key(u)}`;
            const other = seen.get(`${f} ${addr}`);
            if (other !== undefined && other !== ifl) {
              out.push({ path: ['interfaces', v.key(ifd), 'unit', v.key(u), 'family', f], statement: `address ${v.key(a)}`, message: `identical local address is found on different interfaces (${other} and ${ifl})` });
            } else seen.set(`${f} ${addr}`, ifl);
          }
        }
      }
      return out;
    },
  },
  {
    id: 'policy-defined',
    what: 'import/export (and a VRF\'s vrf-import/vrf-export) naming a policy-statement that is not defined',
    kind: 'daemon',
    source: 'confirmed: "error: Policy error: Policy my-policy referenced but not defined" (Junos for Dummies, http://www.dummies.com/how-to/content/how-to-commit-your-junos-configuration.html, quoted at https://how-to-make69.blogspot.com/2016/09/how-to-commit-your-junos-configuration.html)',
    check(v) {
      const defined = v.names('policy-options', 'policy-statement');
      const out: Violation[] = [];
      for (const kw of ['import', 'export', 'vrf-import', 'vrf-export']) {
        for (const { node, words } of v.findAll(v.root, kw)) {
          if (words[0] === 'policy-options' || words[0] === 'groups' || node.kind !== 'leaf') continue;
          for (const name of splitExpr(node.value ?? '')) {
            if (!defined.has(name)) out.push({ path: words, statement: `${kw} ${name}`, message: `Policy error: Policy ${name} referenced but not defined` });
          }
        }
      }
      return out;
    },
  },
  {
    id: 'prefix-list-defined',
    what: 'a policy or filter naming a prefix-list that is not defined',
    kind: 'daemon',
    source: 'unconfirmed: worded as the policy rule above (same rpd policy check); no capture found',
    check(v) {
      const defined = v.names('policy-options', 'prefix-list');
      const out: Violation[] = [];
      for (const name of ['prefix-list', 'prefix-list-filter', 'source-prefix-list', 'destination-prefix-list']) {
        for (const { node, words } of v.findAll(v.root, name)) {
          if (words.length === 1 && words[0] === 'policy-options') continue;
          if (words[0] === 'groups') continue;
          const ref = node.kind === 'entry' ? v.key(node) : node.value;
          if (ref && !defined.has(ref)) out.push({ path: words, statement: `${name} ${ref}`, message: `Policy error: Prefix-list ${ref} referenced but not defined` });
        }
      }
      return out;
    },
  },
  {
    id: 'filter-defined',
    what: 'an interface input/output filter that is not defined',
    kind: 'daemon',
    source: 'unconfirmed wording (dfwd); no public capture found',
    check(v) {
      const fw = v.one(v.root, 'firewall');
      const out: Violation[] = [];
      for (const [ifd, u] of v.units()) {
        for (const fam of v.one(u, 'family')?.children ?? []) {
          const defined = new Set([...v.kids(fw, 'filter'), ...v.kids(v.one(fw, 'family', fam.name), 'filter')].map((f) => v.key(f)));
          const filter = v.one(fam, 'filter');
          const named: [string, string][] = [];
          for (const dir of ['input', 'output']) {
            const name = v.leaf(filter, dir);
            if (name) named.push([dir, name]);
            // input-list/output-list: a chain of filters, each of which must be defined.
            for (const each of v.values(filter, `${dir}-list`)) named.push([`${dir}-list`, each]);
          }
          for (const [stmt, name] of named) {
            if (!defined.has(name)) {
              out.push({ path: ['interfaces', v.key(ifd), 'unit', v.key(u), 'family', fam.name, 'filter'], statement: `${stmt} ${name}`, message: `Referenced filter '${name}' is not defined` });
            }
          }
        }
      }
      return out;
    },
  },
  {
    id: 'vlan-defined',
    what: 'a switching port member naming a VLAN that is not defined',
    kind: 'daemon',
    source: 'unconfirmed wording (l2ald); no public capture found',
    families: ['junos-ex', 'junos-qfx'],
    check(v) {
      const vlans = v.kids(v.one(v.root, 'vlans'), 'vlan');
      const names = new Set(vlans.map((x) => v.key(x)));
      const ids = new Set(vlans.map((x) => v.leaf(x, 'vlan-id')).filter(Boolean) as string[]);
      const out: Violation[] = [];
      for (const [ifd, u] of v.units()) {
        for (const m of v.values(v.one(u, 'family', 'ethernet-switching', 'vlan'), 'members')) {
          if (m === 'all' || names.has(m) || ids.has(m) || /^\d+-\d+$/.test(m)) continue;
          out.push({ path: ['interfaces', v.key(ifd), 'unit', v.key(u), 'family', 'ethernet-switching', 'vlan'], statement: `members ${m}`, message: `VLAN ${m} is not defined` });
        }
      }
      return out;
    },
  },
];

/** A policy expression's names (`[ a b ]` values come as separate leaves; `(a && b)` here). */
function splitExpr(v: string): string[] {
  return v.split(/[\s()&|!]+/).filter((w) => w && w !== '&&' && w !== '||');
}

/** The errors of every rule that applies to `family` (groups already applied by the caller). */
export function daemonChecks(tree: ConfigTree, family: string, constraint?: (e: RpcError) => void): RpcError[] {
  const view = new ConfigView(tree.root, family);
  const out: RpcError[] = [];
  for (const rule of COMMIT_RULES) {
    if (rule.families && !rule.families.includes(family)) continue;
    for (const x of rule.check(view)) {
      const e = new RpcError({ type: 'protocol', tag: 'operation-failed', message: x.message, path: editPath(x.path), badElement: x.statement });
      if (rule.kind === 'constraint') constraint?.(e);
      out.push(e);
    }
  }
  return out;
}
