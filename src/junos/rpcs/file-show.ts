/** file-show (`file show NAME`): a profile file, or /etc/resolv.conf written from the active configuration. */
import { RpcError } from '../../netconf/rpc-error.js';
import type { ConfigSession } from '../config/api.js';
import { child, elements, escapeAttr, escapeText, parseXml, textOf, type XmlElement } from '../../netconf/xml.js';
import type { RpcHandler, RpcModule } from './types.js';
import { devicePath, FileError, filesOf } from '../files/index.js';

function fileNotFound(p: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: `could not resolve file: ${p}` });
}

const RESOLV_CONF = new Set(['/etc/resolv.conf', '/var/etc/resolv.conf']);

/**
 * /etc/resolv.conf as Junos writes it from [edit system domain-name, domain-search,
 * name-server] of the active configuration (PyEZ reads it for the domain fact).
 */
function resolvConf(config: ConfigSession): string {
  let root: XmlElement;
  try {
    const filter = parseXml('<configuration><system><domain-name/><domain-search/><name-server/></system></configuration>');
    root = elements(parseXml(`<r xmlns:junos="urn:x-junos">${config.getConfiguration({ database: 'committed', format: 'xml', filter })}</r>`))[0] ?? parseXml('<configuration/>');
  } catch (err) {
    if (err instanceof RpcError) return '';
    throw err;
  }
  const system = child(root, 'system');
  if (!system) return '';
  const lines: string[] = [];
  const domain = child(system, 'domain-name');
  if (domain) lines.push(`domain ${textOf(domain).trim()}`);
  const search = elements(system).filter((e) => e.name === 'domain-search').map((e) => textOf(e).trim());
  if (search.length) lines.push(`search ${search.join(' ')}`);
  for (const ns of elements(system).filter((e) => e.name === 'name-server')) {
    const name = child(ns, 'name');
    lines.push(`nameserver ${textOf(name ?? ns).trim()}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

const handler: RpcHandler = async ({ device, op, config, user }) => {
  const f = child(op, 'filename');
  const p = f ? textOf(f).trim() : '';
  if (!p) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <filename>', badElement: 'filename' });
  let content = device.profile.files.get(p) ?? (RESOLV_CONF.has(p) ? resolvConf(config) : undefined);
  if (content === undefined) {
    // The device's file system (files/): stored files and the syslog.
    try {
      content = (await filesOf(device).read(devicePath(p, `/var/home/${user}`))).toString('utf8');
    } catch (err) {
      if (err instanceof FileError && err.code !== 'ENOENT') throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: err.message });
      if (!(err instanceof FileError)) throw err;
    }
  }
  if (content === undefined) throw fileNotFound(p);
  const size = Buffer.byteLength(content, 'utf8');
  return `<file-content filename="${escapeAttr(p)}" junos:seconds="${Math.floor(device.bootTime / 1000)}" filesize="${size}" encoding="text">\n${escapeText(content)}</file-content>`;
};

export const fileShow: RpcModule = {
  name: 'file-show',
  handler,
  cli: [{ words: 'file show', args: [{ positional: 'filename', required: true }] }],
  text: (reply) => textOf(elements(reply)[0]),
};
