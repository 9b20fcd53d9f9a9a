/**
 * A lab's startup configuration (`configs:` in its file): at the lab's first start each
 * device loads its files (`all` first, then its own, by host name or number) and commits,
 * over NETCONF on its SSH face, as `load merge` + `commit` would on the device. Done once: the
 * committed configuration lives on in the lab's state; a marker file says it was applied.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError } from '../../errors.js';
import type { InventoryDevice } from '../../status/types.js';
import type { Lab } from './lab.js';
import { netconfOnDevice } from './lab-ssh.js';

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The load-configuration RPC for a file: set commands, XML or curly-brace text. */
export function loadRpc(text: string): string {
  const body = text.trim();
  if (body.startsWith('<')) return `<load-configuration action="merge" format="xml">${body}</load-configuration>`;
  if (/^(set|delete|deactivate|activate)\s/m.test(body) && !/[{}]/.test(body)) {
    return `<load-configuration action="set" format="text"><configuration-set>${escapeXml(body)}</configuration-set></load-configuration>`;
  }
  return `<load-configuration action="merge" format="text"><configuration-text>${escapeXml(body)}</configuration-text></load-configuration>`;
}

/** The files for a device: `all`, then its host name or number. */
export function filesFor(configs: Record<string, string>, d: InventoryDevice): string[] {
  return ['all', d.hostname, String(d.n)].filter((k, i, a) => a.indexOf(k) === i && configs[k] !== undefined).map((k) => configs[k]);
}

/** The first rpc-error of severity error in a reply, as one line. */
function replyError(reply: string): string | undefined {
  for (const m of reply.matchAll(/<rpc-error>([\s\S]*?)<\/rpc-error>/g)) {
    if (/<error-severity>\s*warning\s*<\/error-severity>/.test(m[1])) continue;
    const msg = /<error-message>([\s\S]*?)<\/error-message>/.exec(m[1])?.[1]?.trim() ?? 'rpc-error';
    const where = /<bad-element>([\s\S]*?)<\/bad-element>/.exec(m[1])?.[1]?.trim();
    return where ? `${msg} (${where})` : msg;
  }
  if (/<load-error-count>\s*[1-9]/.test(reply)) return 'the configuration did not load';
  return undefined;
}

/** Applies the startup configuration once; returns how many devices got one. */
export async function applyStartupConfigs(lab: Lab, devices: InventoryDevice[], progress: (text: string) => void = () => {}): Promise<number> {
  const configs = lab.spec().configs;
  const marker = path.join(lab.dir, 'configs-applied');
  if (!configs || existsSync(marker)) return 0;
  let done = 0;
  const targets = devices.filter((d) => filesFor(configs, d).length > 0);
  for (const d of targets) {
    progress(`lab ${lab.name}: startup configuration ${done + 1}/${targets.length} (${d.hostname})`);
    const files = filesFor(configs, d);
    const rpcs = [...files.map((f) => loadRpc(readFileSync(f, 'utf8'))), '<commit-configuration><log>lab startup configuration</log></commit-configuration>'];
    const replies = await netconfOnDevice(lab, d, rpcs);
    replies.forEach((r, i) => {
      const e = replyError(r);
      if (e) throw new RuntimeError(`lab ${lab.name}: ${d.hostname}: ${i < files.length ? path.basename(files[i]) : 'commit'}: ${e}`);
    });
    done++;
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`, { mode: 0o600 });
  return done;
}
