/**
 * get-chassis-inventory (`show chassis hardware`). Answered by the profile's
 * rpc/get-chassis-inventory.xml template; a profile without one lacks the command.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import type { RpcModule } from './types.js';

function inventoryText(inv: XmlElement): string {
  const lines = ['Hardware inventory:', 'Item             Version  Part number  Serial number     Description'];
  const walk = (el: XmlElement, depth: number) => {
    const name = `${'  '.repeat(depth)}${t(el, 'name')}`;
    lines.push(`${pad(name, 17)}${pad(t(el, 'version'), 9)}${pad(t(el, 'part-number'), 13)}${pad(t(el, 'serial-number'), 18)}${t(el, 'description')}`.trimEnd());
    for (const c of elements(el).filter((e) => /^chassis(-sub)*-module$/.test(e.name))) walk(c, depth + 1);
  };
  for (const ch of elements(inv).filter((e) => e.name === 'chassis')) walk(ch, 0);
  return lines.join('\n');
}

export const getChassisInventory: RpcModule = {
  name: 'get-chassis-inventory',
  cli: [{ words: 'show chassis hardware' }],
  text: (reply) => inventoryText(elements(reply)[0]),
};
