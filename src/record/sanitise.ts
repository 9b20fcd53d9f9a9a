/**
 * Sanitising a captured device: serial numbers, MAC addresses, IP addresses, host names and
 * secrets (`$9$`, crypt hashes, keys, community strings) replaced by stand-ins. The mapping
 * is consistent (one value, one stand-in, everywhere) and prefix-preserving for IPv4 (a /24
 * maps to one /24, the host part kept), so interfaces, routes and neighbours still agree.
 */
import { createHash, randomBytes } from 'node:crypto';
import { encodeSecret9 } from '../junos/identity/secret9.js';

export const CATEGORIES = ['serials', 'macs', 'addresses', 'hostnames', 'secrets'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Addresses that say nothing about a network: loopback, Junos-internal, unspecified, masks, multicast. */
const KEEP_V4 = /^(0\.0\.0\.0|127\.|128\.0\.0\.|255\.|22[4-9]\.|23\d\.|169\.254\.)/;
const V4 = /(?<![\d.])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)/g;
const MAC = /(?<![0-9a-f:])((?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}|(?:[0-9a-f]{4}\.){2}[0-9a-f]{4})(?![0-9a-f:])/gi;
/** IPv6 with `::` or all eight groups (times like 12:30:00 have neither). */
const V6 = /(?<![0-9a-f:.])((?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?|::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*))(?![0-9a-f:])/gi;
const HASH = /\$(?:1|5|6|2[aby]?)\$[^\s"'<>;]+/g;
const SECRET9 = /\$9\$[^\s"'<>;]+/g;
const SSH_KEY = /\b(ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+)\s+(AAAA[0-9A-Za-z+/]+=*)/g;
const SECRET_ELEMENTS = ['authentication-key', 'pre-shared-key', 'ascii-text', 'simple-password', 'hello-authentication-key', 'shared-secret', 'secret', 'authentication-password', 'privacy-password'];
const SECRET_XML = new RegExp(`(<(${SECRET_ELEMENTS.join('|')})>)([^<]+)(</\\2>)`, 'g');
const SECRET_TEXT = new RegExp(`(^|[\\s{;])(${SECRET_ELEMENTS.join('|')})(\\s+)(?!(?:${SECRET_ELEMENTS.join('|')})\\s)("(?:[^"\\\\]|\\\\.)*"|[^\\s;{}]+)`, 'gm');
const COMMUNITY_XML = /(<community>\s*<name>)([^<]+)(<\/name>)/g;
const COMMUNITY_TEXT = /(^|[\s{;])(community\s+)("(?:[^"\\]|\\.)*"|[^\s;{}]+)(?=\s*[{;])/gm;
const COMMUNITY_JSON = /("community"\s*:\s*\[\s*\{\s*"name"\s*:\s*(?:\{\s*"data"\s*:\s*)?")([^"]+)(")/g;

export interface Replacement {
  category: Category;
  original: string;
  standIn: string;
}

export class Sanitiser {
  private readonly map = new Map<string, Replacement>();
  private readonly counters: Record<string, number> = {};
  private readonly keepCats: Set<string>;
  private readonly keepValues: Set<string>;
  /** Literal values learnt from structured replies (serials, host names), longest first when applied. */
  private literals: { value: string; category: Category }[] = [];
  private readonly key = randomBytes(16);
  private readonly nets = new Map<string, string>();
  readonly counts: Record<Category, number> = { serials: 0, macs: 0, addresses: 0, hostnames: 0, secrets: 0 };

  /** keep: categories (serials, macs, addresses, hostnames, secrets) and/or literal values left as they are. */
  constructor(keep: string[] = []) {
    this.keepCats = new Set(keep.filter((k) => (CATEGORIES as readonly string[]).includes(k)));
    this.keepValues = new Set(keep.filter((k) => !(CATEGORIES as readonly string[]).includes(k)));
  }

  keeps(c: Category): boolean {
    return this.keepCats.has(c);
  }

  /** A value to replace wherever it appears (a serial number, a host name). */
  learn(value: string, category: Category): void {
    const v = value.trim();
    if (!v || v.length < 3 || this.keepCats.has(category) || this.keepValues.has(v)) return;
    if (category === 'serials' && /^(builtin|n\/a|none|unknown|\d{1,3})$/i.test(v)) return;
    if (this.literals.some((l) => l.value === v)) return;
    this.literals.push({ value: v, category });
    this.literals.sort((a, b) => b.value.length - a.value.length);
  }

  private next(category: string): number {
    return (this.counters[category] = (this.counters[category] ?? 0) + 1);
  }

  private standIn(category: Category, original: string, make: () => string): string {
    if (this.keepCats.has(category) || this.keepValues.has(original)) return original;
    const k = `${category}\u0000${original}`;
    const hit = this.map.get(k);
    if (hit) return hit.standIn;
    const standIn = make();
    this.map.set(k, { category, original, standIn });
    this.counts[category]++;
    return standIn;
  }

  /** Same shape (digits stay digits, letters letters), different characters. */
  private shaped(original: string): string {
    const h = createHash('sha256').update(this.key).update(original).digest();
    let i = 0;
    return original.replace(/[A-Za-z0-9]/g, (c) => {
      const b = h[i++ % h.length];
      if (/\d/.test(c)) return String(b % 10);
      return String.fromCharCode((c >= 'a' ? 97 : 65) + (b % 26));
    });
  }

  private v4(net: string, host: string): string {
    if (KEEP_V4.test(`${net}.${host}`) || this.keepValues.has(`${net}.${host}`) || this.keepCats.has('addresses')) return `${net}.${host}`;
    let to = this.nets.get(net);
    if (!to) {
      const n = this.nets.size;
      // 198.18.0.0/15 (benchmarking), then 100.64.0.0/10: never a real customer network.
      to = n < 512 ? `198.${18 + (n >> 8)}.${n & 255}` : `100.${64 + ((n - 512) >> 8)}.${(n - 512) & 255}`;
      this.nets.set(net, to);
    }
    return this.standIn('addresses', `${net}.${host}`, () => `${to}.${host}`);
  }

  /** The text with everything sanitised (idempotent on stand-ins). */
  apply(text: string): string {
    let t = text;
    if (!this.keepCats.has('secrets')) {
      t = t.replace(SECRET9, (m) => this.standIn('secrets', m, () => encodeSecret9(`sanitised-${this.next('s9')}`)));
      t = t.replace(HASH, (m) => this.standIn('secrets', m, () => `$6$sanitise$${this.shaped(m).replace(/[^A-Za-z0-9]/g, '').padEnd(86, 'x').slice(0, 86)}`));
      t = t.replace(SSH_KEY, (_m, type: string, blob: string) => `${type} ${this.standIn('secrets', blob, () => standInKey(type, this.next('key')))}`);
      t = t.replace(SECRET_XML, (_m, open: string, _n: string, v: string, close: string) => `${open}${v.startsWith('$9$') ? v : this.standIn('secrets', v, () => `sanitised-${this.next('plain')}`)}${close}`);
      t = t.replace(SECRET_TEXT, (m, lead: string, name: string, gap: string, v: string) =>
        v.includes('$9$') || v.startsWith('"$') || v === '{' ? m : `${lead}${name}${gap}"${this.standIn('secrets', v.replace(/^"|"$/g, ''), () => `sanitised-${this.next('plain')}`)}"`,
      );
      const community = (v: string) => this.standIn('secrets', v.replace(/^"|"$/g, ''), () => `community-${this.next('community')}`);
      t = t.replace(COMMUNITY_XML, (_m, a: string, v: string, b: string) => `${a}${community(v)}${b}`);
      t = t.replace(COMMUNITY_TEXT, (_m, lead: string, kw: string, v: string) => `${lead}${kw}"${community(v)}"`);
      t = t.replace(COMMUNITY_JSON, (_m, a: string, v: string, b: string) => `${a}${community(v)}${b}`);
    }
    for (const l of this.literals) {
      if (!t.includes(l.value)) continue;
      const re = new RegExp(`(?<![A-Za-z0-9_-])${l.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-])`, 'g');
      t = t.replace(re, (m) =>
        this.standIn(l.category, m, () => (l.category === 'hostnames' ? (m.includes('.') ? `domain-${this.next('domain')}.example.net` : `host-${this.next('host')}`) : this.shaped(m))),
      );
    }
    if (!this.keepCats.has('macs'))
      t = t.replace(MAC, (m) =>
        this.standIn('macs', m.toLowerCase(), () => {
          const n = this.next('mac');
          const hex = `02005e${n.toString(16).padStart(6, '0')}`;
          return m.includes('.') ? `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}` : hex.match(/../g)!.join(m.includes('-') ? '-' : ':');
        }),
      );
    if (!this.keepCats.has('addresses')) {
      t = t.replace(V6, (m) => {
        if (m === '::' || m === '::1' || !/[0-9a-f]/i.test(m) || /^ff0/i.test(m)) return m;
        return this.standIn('addresses', m.toLowerCase(), () => `2001:db8:${this.next('v6').toString(16)}::${/^fe80/i.test(m) ? 'fe80' : '1'}`);
      });
      t = t.replace(V4, (_m, net: string, host: string) => this.v4(net, host));
    }
    return t;
  }

  /** What was replaced: per category, how many and the stand-ins (never the originals). */
  report(): Record<Category, { replaced: number; standIns: string[] }> {
    const out = {} as Record<Category, { replaced: number; standIns: string[] }>;
    for (const c of CATEGORIES) {
      const standIns = [...this.map.values()].filter((r) => r.category === c).map((r) => r.standIn);
      out[c] = { replaced: standIns.length, standIns: standIns.slice(0, 200) };
    }
    return out;
  }

  /** Original -> stand-in (for the user only: never written into the profile). */
  mapping(): Replacement[] {
    return [...this.map.values()];
  }
}

/** A well-formed public key blob of the type, from a counter (the key of nobody). */
function standInKey(type: string, n: number): string {
  const str = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const body = createHash('sha256').update(`sanitised-key-${n}`).digest();
  return Buffer.concat([str(Buffer.from(type)), str(body)]).toString('base64');
}
