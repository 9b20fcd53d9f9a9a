/**
 * get-interface-optics-diagnostics-information (`show interfaces diagnostics optics [X]`):
 * digital optical monitoring of the optical ports (xe/et, and ge on MX line cards):
 * readings stable per device and port that drift a little with time, laser off
 * (`- Inf` dBm) on a port that is administratively down. Junos name patterns accepted.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { nameMatcher } from './get-interface-information.js';
import { el, hash32, junosNs, modelOf, param } from './protocol-parts.js';
import type { DeviceView, RpcHandler, RpcModule } from './types.js';

function optical(device: DeviceView, name: string): boolean {
  // A hardware port says its media (profile.json hardware); optics live on fiber ports.
  const media = device.profile.interfaces.find((i) => i.name === name)?.media;
  if (media) return media === 'fiber';
  if (/^(xe|et)-/.test(name)) return true;
  return name.startsWith('ge-') && device.profile.family === 'junos';
}

const dbm = (mw: number) => (mw <= 0 ? '- Inf' : (10 * Math.log10(mw)).toFixed(2));
const ALARMS = ['laser-bias-current', 'laser-tx-power', 'module-temperature', 'module-voltage', 'laser-rx-power'];
const THRESHOLDS: [string, string][] = [
  ['laser-bias-current-high-alarm-threshold', '85.000'],
  ['laser-bias-current-low-alarm-threshold', '15.000'],
  ['laser-tx-power-high-alarm-threshold', '1.5840'],
  ['laser-tx-power-high-alarm-threshold-dbm', '2.00'],
  ['laser-tx-power-low-alarm-threshold', '0.1580'],
  ['laser-tx-power-low-alarm-threshold-dbm', '-8.01'],
  ['module-temperature-high-alarm-threshold', '78 degrees C / 172 degrees F'],
  ['module-temperature-low-alarm-threshold', '-13 degrees C / 9 degrees F'],
  ['module-voltage-high-alarm-threshold', '3.700'],
  ['module-voltage-low-alarm-threshold', '2.900'],
  ['laser-rx-power-high-alarm-threshold', '1.7783'],
  ['laser-rx-power-high-alarm-threshold-dbm', '2.50'],
  ['laser-rx-power-low-alarm-threshold', '0.0100'],
  ['laser-rx-power-low-alarm-threshold-dbm', '-20.00'],
];

const handler: RpcHandler = ({ device, op }) => {
  const { m, seed } = modelOf(device);
  const name = param(op, 'interface-name');
  const wanted = nameMatcher(name);
  const ports = m.interfaces().filter((i) => i.port && optical(device, i.name) && wanted(i.name));
  if (name && ports.length === 0 && !/[*?[]/.test(name)) {
    throw new RpcError({ type: 'protocol', tag: 'operation-failed', severity: 'error', message: `device ${name} not found` });
  }
  const drift = Math.sin(device.now() / 600_000);
  const out = [`<interface-information xmlns="${junosNs(device, 'junos-interface')}" junos:style="normal">`];
  for (const p of ports) {
    const h = hash32(seed, 'optics', p.name);
    const on = p.admin === 'up';
    const bias = on ? 30 + (h % 2000) / 100 + drift : 0;
    const tx = on ? 0.5 + ((h >>> 8) % 500) / 1000 : 0;
    const rx = on && p.oper === 'up' ? 0.3 + ((h >>> 16) % 600) / 1000 + drift / 100 : 0;
    const temp = 35 + (h % 15);
    const volts = 3.25 + ((h >>> 4) % 10) / 100;
    out.push(
      '<physical-interface>',
      el('name', p.name),
      '<optics-diagnostics>',
      el('laser-bias-current', bias.toFixed(3)),
      el('laser-output-power', tx.toFixed(4)),
      el('laser-output-power-dbm', dbm(tx)),
      el('module-temperature', `${temp} degrees C / ${Math.round(temp * 1.8 + 32)} degrees F`),
      el('module-voltage', volts.toFixed(4)),
      el('rx-signal-avg-optical-power', rx.toFixed(4)),
      el('rx-signal-avg-optical-power-dbm', dbm(rx)),
    );
    for (const a of ALARMS) for (const k of ['high-alarm', 'low-alarm', 'high-warn', 'low-warn']) out.push(el(`${a}-${k}`, a === 'laser-rx-power' && k.startsWith('low') && rx === 0 ? 'on' : 'off'));
    for (const [k, v] of THRESHOLDS) out.push(el(k, v));
    out.push('</optics-diagnostics>', '</physical-interface>');
  }
  out.push('</interface-information>');
  return out.join('\n');
};

const LABELS: [string, string][] = [
  ['laser-bias-current', 'Laser bias current'],
  ['laser-tx-power', 'Laser output power'],
  ['module-temperature', 'Module temperature'],
  ['module-voltage', 'Module voltage'],
  ['laser-rx-power', 'Laser receiver power'],
];

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines: string[] = [];
  const row = (label: string, value: string) => `    ${label.padEnd(42)}:  ${value}`;
  for (const p of elements(info)) {
    const d = elements(p).find((e) => e.name === 'optics-diagnostics');
    lines.push(
      `Physical interface: ${t(p, 'name')}`,
      row('Laser bias current', `${t(d, 'laser-bias-current')} mA`),
      row('Laser output power', `${t(d, 'laser-output-power')} mW / ${t(d, 'laser-output-power-dbm')} dBm`),
      row('Module temperature', t(d, 'module-temperature')),
      row('Module voltage', `${t(d, 'module-voltage')} V`),
      row('Receiver signal average optical power', `${t(d, 'rx-signal-avg-optical-power')} mW / ${t(d, 'rx-signal-avg-optical-power-dbm')} dBm`),
    );
    for (const [k, label] of LABELS) {
      for (const [s, l] of [['high-alarm', 'high alarm'], ['low-alarm', 'low alarm'], ['high-warn', 'high warning'], ['low-warn', 'low warning']]) {
        const v = t(d, `${k}-${s}`);
        lines.push(row(`${label} ${l}`, v === 'on' ? 'On' : 'Off'));
      }
    }
  }
  return lines.join('\n');
}

export const getInterfaceOpticsDiagnosticsInformation: RpcModule = {
  name: 'get-interface-optics-diagnostics-information',
  handler,
  cli: [{ words: 'show interfaces diagnostics optics', args: [{ positional: 'interface-name', match: /^[a-z*[]/ }] }],
  text,
};
