/**
 * `node dist/bench/config-load.js [--units 5000,10000,20000] [--format text|xml|set] [--state]`:
 * time and memory of loading a configuration with many interface units into the
 * candidate, then validate, commit (on disk with --state), and render it back (text and xml).
 * Prints one line per size and step, and the cost per unit, so growth shows at a glance.
 * Always exits 0 (figures, not assertions).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createConfigDatastore } from '../src/junos/config/index.js';
import { parseXml } from '../src/netconf/xml.js';
import { loadSchema } from '../src/schema/index.js';

const { values } = parseArgs({ options: { units: { type: 'string' }, format: { type: 'string' }, state: { type: 'boolean' }, steps: { type: 'string' } } });
const sizes = (values.units ?? '5000,10000,20000').split(',').map(Number);
const format = (values.format ?? 'text') as 'text' | 'xml' | 'set';

export function unitsConfig(units: number, form: 'text' | 'xml' | 'set'): string {
  const parts: string[] = [];
  for (let i = 0; i < units; i++) {
    const ifd = `ge-0/${Math.floor(i / 16384) % 8}/${Math.floor(i / 16384 / 8)}`;
    const unit = i % 16384;
    const addr = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
    // Units other than 0 and vlan-ids need a tagged interface (a commit rule of Junos).
    if (unit === 0) {
      if (form === 'set') parts.push(`set interfaces ${ifd} flexible-vlan-tagging\n`);
      else if (form === 'xml') parts.push(`<interface><name>${ifd}</name><flexible-vlan-tagging/></interface>`);
      else parts.push(`interfaces { ${ifd} { flexible-vlan-tagging; } }\n`);
    }
    if (form === 'set') parts.push(`set interfaces ${ifd} unit ${unit} vlan-id ${(unit % 4000) + 1}\nset interfaces ${ifd} unit ${unit} family inet address ${addr}\n`);
    else if (form === 'xml') parts.push(`<interface><name>${ifd}</name><unit><name>${unit}</name><vlan-id>${(unit % 4000) + 1}</vlan-id><family><inet><address><name>${addr}</name></address></inet></family></unit></interface>`);
    else parts.push(`interfaces { ${ifd} { unit ${unit} { vlan-id ${(unit % 4000) + 1}; family inet { address ${addr}; } } } }\n`);
  }
  if (form === 'xml') return `<configuration><interfaces>${parts.join('')}</interfaces></configuration>`;
  return parts.join('');
}

if (process.argv[1]?.endsWith("config-load.js")) await main();
async function main() {
const schema = loadSchema('junos');
for (const units of sizes) {
  const dir = values.state ? fs.mkdtempSync(path.join(os.tmpdir(), 'ncgd-bench-load-')) : undefined;
  try {
    const content = unitsConfig(units, format);
    const ds = await createConfigDatastore({ ...(dir ? { stateDir: dir } : {}), schema, initialConfig: { format: 'text', content: 'system { host-name bench; }' } });
    const s = ds.openSession(1, 'bench');
    const rssBefore = process.memoryUsage().rss;
    const step = async (name: string, fn: () => unknown) => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = fn();
      if (r && typeof (r as { saved?: Promise<unknown> }).saved?.then === 'function') await (r as { saved: Promise<unknown> }).saved;
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      console.log(`${String(units).padStart(7)} units ${format} ${name.padEnd(10)} ${ms.toFixed(0).padStart(7)} ms  cpu ${cpuMs.toFixed(0).padStart(7)} ms  ${((cpuMs * 1000) / units).toFixed(1).padStart(6)} us/unit (cpu)  rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
    };
    await step('load', () => s.load({ action: 'merge', format, ...(format === 'xml' ? { xml: parseXml(content) } : { text: content }) }));
    await step('validate', () => s.validate());
    await step('commit', () => s.commit({ log: 'bench' }));
    await step('show text', () => s.getConfiguration({ database: 'committed', format: 'text' }));
    await step('show xml', () => s.getConfiguration({ database: 'committed', format: 'xml' }));
    await step('show set', () => s.getConfiguration({ database: 'committed', format: 'set' }));
    void rssBefore;
    s.close();
    await ds.close();
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
}
