/**
 * get-firewall-policies (`show security policies [from-zone A to-zone B] [policy-name P]
 * [detail]`, SRX): each configured zone pair's policies in order, with their match
 * conditions and action, and the global policies; the default policy last.
 */
import { elements, textOf, type XmlElement } from '../../netconf/xml.js';
import { syntaxError } from './cli-words.js';
import { t } from './formats.js';
import { committedConfig, nameOf, walk } from './reply-parts.js';
import { el, junosNs, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const ACTIONS = ['permit', 'deny', 'reject'];

const handler: RpcHandler = ({ device, op, config }) => {
  if (device.profile.family !== 'junos-es') throw syntaxError('get-firewall-policies');
  const cfg = committedConfig(config);
  const from = param(op, 'from-zone');
  const to = param(op, 'to-zone');
  const pname = param(op, 'policy-name');
  const out = [`<security-policies xmlns="${junosNs(device, 'junos-policy')}" junos:style="brief">`];
  const permitAll = walk(cfg, 'security', 'policies', 'default-policy', 'permit-all').length > 0;
  out.push('<default-policy>', el('default-action', permitAll ? 'permit-all' : 'deny-all'), '</default-policy>');
  let index = 4;
  const emit = (p: XmlElement, seq: number) => {
    const m = walk(p, 'match')[0];
    const list = (n: string, tag: string, inner: string) => walk(m, n).map((x) => `<${tag}>${el(inner, textOf(x).trim())}</${tag}>`);
    const action = ACTIONS.find((a) => walk(p, 'then', a).length) ?? 'deny';
    out.push(
      '<policies>',
      '<policy-information>',
      el('policy-name', nameOf(p)),
      el('policy-state', walk(p, 'inactive').length ? 'disabled' : 'enabled'),
      el('policy-identifier', index++),
      el('scope-policy-identifier', 0),
      el('policy-sequence-number', seq),
      ...list('source-address', 'source-addresses', 'source-address-name'),
      ...list('destination-address', 'destination-addresses', 'destination-address-name'),
      ...list('application', 'applications', 'application-name'),
      '<policy-action>', el('action-type', action), '</policy-action>',
      '</policy-information>',
      '</policies>',
    );
  };
  for (const ctx of walk(cfg, 'security', 'policies', 'policy')) {
    const f = t(ctx, 'from-zone-name');
    const z = t(ctx, 'to-zone-name');
    if ((from && from !== f) || (to && to !== z)) continue;
    out.push('<security-context>', '<context-information>', el('source-zone-name', f), el('destination-zone-name', z), '</context-information>');
    walk(ctx, 'policy').forEach((p, i) => {
      if (!pname || pname === nameOf(p)) emit(p, i + 1);
    });
    out.push('</security-context>');
  }
  const global = walk(cfg, 'security', 'policies', 'global', 'policy');
  if (global.length && !from && !to) {
    out.push('<security-context>', '<context-information>', '<global-context/>', '</context-information>');
    global.forEach((p, i) => {
      if (!pname || pname === nameOf(p)) emit(p, i + 1);
    });
    out.push('</security-context>');
  }
  out.push('</security-policies>');
  return out.join('\n');
};

function names(p: XmlElement, wrap: string, inner: string): string {
  return elements(p).filter((e) => e.name === wrap).map((e) => t(e, inner)).join(', ');
}

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = [`Default policy: ${t(elements(info).find((e) => e.name === 'default-policy'), 'default-action')}`, 'Pre ID default policy: permit-all'];
  for (const ctx of elements(info).filter((e) => e.name === 'security-context')) {
    const ci = elements(ctx).find((e) => e.name === 'context-information');
    lines.push(ci && t(ci, 'source-zone-name') ? `From zone: ${t(ci, 'source-zone-name')}, To zone: ${t(ci, 'destination-zone-name')}` : 'Global policies:');
    for (const p of elements(ctx).filter((e) => e.name === 'policies')) {
      const pi = elements(p).find((e) => e.name === 'policy-information') as XmlElement;
      lines.push(
        `  Policy: ${t(pi, 'policy-name')}, State: ${t(pi, 'policy-state')}, Index: ${t(pi, 'policy-identifier')}, Scope Policy: ${t(pi, 'scope-policy-identifier')}, Sequence number: ${t(pi, 'policy-sequence-number')}`,
        `    Source addresses: ${names(pi, 'source-addresses', 'source-address-name')}`,
        `    Destination addresses: ${names(pi, 'destination-addresses', 'destination-address-name')}`,
        `    Applications: ${names(pi, 'applications', 'application-name')}`,
        `    Action: ${t(elements(pi).find((e) => e.name === 'policy-action'), 'action-type')}`,
      );
    }
  }
  return lines.join('\n');
}

export const getFirewallPolicies: RpcModule = {
  name: 'get-firewall-policies',
  handler,
  cli: [{ words: 'show security policies', args: [{ keyword: 'from-zone' }, { keyword: 'to-zone' }, { keyword: 'policy-name' }, { flag: 'detail' }] }],
  text,
};
