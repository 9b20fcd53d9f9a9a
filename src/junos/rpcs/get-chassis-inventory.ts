/**
 * get-chassis-inventory (`show chassis hardware`). The profile's rpc/get-chassis-inventory.xml
 * template gives the chassis frame (routing engines, power, fans, the FPCs' own part
 * numbers); the line cards' PICs and their transceivers follow the profile's hardware data
 * (identity/hardware.ts): one PIC per `hardware` row, under its FPC, with its description,
 * and one `Xcvr N` per fiber port (N the port number), so modules and ports match what
 * `show interfaces` and the optics show. A transceiver the template lists keeps its captured
 * part number and description; the others are the model's usual optic for the port's speed.
 * A profile without the template lacks the command.
 */
import { elements, parseXml, serialize, textOf, type XmlElement } from '../../netconf/xml.js';
import { serialFor } from '../identity/profile.js';
import type { PicHardware } from '../identity/hardware.js';
import { pad, t } from './formats.js';
import type { DeviceView, RpcModule } from './types.js';

const MODULE = /^chassis(-sub)*-module$/;

/** The usual optic of a fiber port at a speed: description and Juniper part number. */
const OPTICS: Record<string, [string, string]> = {
  '1000mbps': ['SFP-SX', '740-011613'],
  '10Gbps': ['SFP+-10G-SR', '740-031980'],
  '25Gbps': ['SFP28-25G-SR', '740-065630'],
  '40Gbps': ['QSFP+-40G-SR4', '740-032986'],
  '100Gbps': ['QSFP-100GBASE-SR4', '740-058734'],
};

/** A PIC of XFP cages takes XFP optics. */
const XFP: [string, string] = ['XFP-10G-SR', '740-014279'];

function inventoryText(inv: XmlElement): string {
  const lines = ['Hardware inventory:', 'Item             Version  Part number  Serial number     Description'];
  const walk = (el: XmlElement, depth: number) => {
    const name = `${'  '.repeat(depth)}${t(el, 'name')}`;
    lines.push(`${pad(name, 17)}${pad(t(el, 'version'), 9)}${pad(t(el, 'part-number'), 13)}${pad(t(el, 'serial-number'), 18)}${t(el, 'description')}`.trimEnd());
    for (const c of elements(el).filter((e) => MODULE.test(e.name))) walk(c, depth + 1);
  };
  for (const ch of elements(inv).filter((e) => e.name === 'chassis')) walk(ch, 0);
  return lines.join('\n');
}

function mk(name: string, fields: [string, string][], indent: string): XmlElement {
  const children: XmlElement['children'] = [];
  for (const [k, v] of fields) children.push(`\n${indent}  `, { name: k, prefix: '', ns: '', attrs: {}, children: [v] });
  children.push(`\n${indent}`);
  return { name, prefix: '', ns: '', attrs: {}, children };
}

const nameOf = (el: XmlElement) => t(el, 'name');
const modules = (el: XmlElement) => elements(el).filter((e) => MODULE.test(e.name));
const subLevel = (name: string) => name.replace('chassis-', 'chassis-sub-');

/** The PIC modules anywhere under an FPC (on MX they sit under a MIC). */
function picsUnder(fpc: XmlElement): { pic: XmlElement; parent: XmlElement }[] {
  const out: { pic: XmlElement; parent: XmlElement }[] = [];
  const walk = (el: XmlElement, depth: number) => {
    if (depth > 4) return;
    for (const m of modules(el)) {
      if (/^PIC \d+$/.test(nameOf(m))) out.push({ pic: m, parent: el });
      else walk(m, depth + 1);
    }
  };
  walk(fpc, 0);
  return out;
}

function fillPic(device: DeviceView, pic: XmlElement, hw: PicHardware): void {
  const desc = elements(pic).find((e) => e.name === 'description');
  if (desc) desc.children = [hw.description ?? textOf(desc)];
  const captured = new Map(modules(pic).filter((m) => /^Xcvr \d+$/.test(nameOf(m))).map((m) => [nameOf(m), m]));
  pic.children = pic.children.filter((c) => typeof c === 'string' || !/^Xcvr /.test(nameOf(c)) || !MODULE.test(c.name));
  while (typeof pic.children[pic.children.length - 1] === 'string') pic.children.pop();
  const level = subLevel(pic.name);
  for (const r of hw.ports) {
    if (r.media !== 'fiber') continue;
    for (let i = 0; i < r.count; i++) {
      const port = (r.from ?? 0) + i;
      const name = `Xcvr ${port}`;
      const [d, part] = /XFP/.test(hw.description ?? '') ? XFP : OPTICS[r.speed ?? ''] ?? OPTICS['10Gbps'];
      const own = captured.get(name);
      const x = own ?? mk(level, [
        ['name', name],
        ['version', 'REV 01'],
        ['part-number', part],
        ['serial-number', serialFor('@@@####', `${device.identity ?? device.hostname}/xcvr/${hw.fpc}/${hw.pic}/${port}`)],
        ['description', d],
      ], '');
      pic.children.push('\n', x);
    }
  }
  pic.children.push('\n');
}

/** The template's inventory with the PICs and transceivers of the profile's hardware. */
export function completeInventory(device: DeviceView, template: string): string {
  const hw = device.profile.hardware;
  if (!hw?.length) return template;
  const root = parseXml(`<r xmlns:junos="http://xml.juniper.net/junos/*/junos">${template}</r>`);
  const inv = elements(root)[0];
  const chassis = inv && elements(inv).find((e) => e.name === 'chassis');
  if (!chassis) return template;
  for (const fpcNo of [...new Set(hw.map((h) => h.fpc))]) {
    let fpc = modules(chassis).find((m) => nameOf(m) === `FPC ${fpcNo}`);
    if (!fpc) {
      fpc = mk('chassis-module', [['name', `FPC ${fpcNo}`], ['description', device.profile.model.toUpperCase()]], '');
      chassis.children.push('\n', fpc);
    }
    const present = picsUnder(fpc);
    const wanted = hw.filter((h) => h.fpc === fpcNo);
    // PICs the hardware does not have are not in the box.
    for (const { pic, parent } of present) {
      if (!wanted.some((h) => nameOf(pic) === `PIC ${h.pic}`)) parent.children = parent.children.filter((c) => c !== pic);
    }
    for (const h of wanted) {
      let pic = present.find((p) => nameOf(p.pic) === `PIC ${h.pic}`)?.pic;
      if (!pic) {
        pic = mk(subLevel(fpc.name), [['name', `PIC ${h.pic}`], ['part-number', 'BUILTIN'], ['serial-number', 'BUILTIN'], ['description', h.description ?? '']], '');
        fpc.children.push('\n', pic);
      }
      fillPic(device, pic, h);
    }
  }
  return serialize(inv);
}

export const getChassisInventory: RpcModule = {
  name: 'get-chassis-inventory',
  cli: [{ words: 'show chassis hardware' }],
  completesTemplate: (ctx, template) => completeInventory(ctx.device, template),
  text: (reply) => inventoryText(elements(reply)[0]),
};
