/**
 * `nc-grpc-device inventory`: what NMS tools import for a running fleet (Ansible inventory
 * YAML or INI, CSV, JSON), read from the fleet's control socket.
 */
import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { controlRequest, controlSocketPath } from '../../status/control.js';
import type { Inventory } from '../../status/types.js';
import { formatInventory, INVENTORY_FORMATS, type InventoryFormat } from '../inventory.js';

interface InventoryArgs {
  control?: string;
  'state-dir'?: string;
  /** One of INVENTORY_FORMATS (checked). */
  format: string;
  out?: string;
  'ansible-user'?: string;
  'ansible-connection'?: string;
}

function isInventoryFormat(f: string): f is InventoryFormat {
  return (INVENTORY_FORMATS as readonly string[]).includes(f);
}

/** The inventory of the fleet whose control socket is `path`. */
export function fetchInventory(path: string): Promise<Inventory> {
  return controlRequest<Inventory>(path, 'GET', '/inventory');
}

export const inventoryCommand: CommandModule<object, InventoryArgs> = {
  command: 'inventory',
  describe: 'Write the inventory of a running fleet for NMS tools: Ansible (YAML or INI), CSV or JSON',
  builder: (y: Argv<object>) =>
    y
      .option('control', { type: 'string', describe: "the fleet's control socket path" })
      .option('state-dir', { type: 'string', describe: 'the state directory given to the fleet (its control.sock is used)' })
      .option('format', { type: 'string', choices: INVENTORY_FORMATS, default: 'ansible-yaml', describe: 'output format' })
      .option('out', { type: 'string', describe: 'write to this file (mode 0600) instead of stdout' })
      .option('ansible-user', { type: 'string', describe: 'ansible_user of every host' })
      .option('ansible-connection', { type: 'string', describe: 'ansible_connection', defaultDescription: 'ansible.netcommon.netconf' })
      .conflicts('control', 'state-dir'),
  handler: async (args) => {
    if (args.control !== undefined && !args.control) throw new UsageError('--control needs a socket path');
    const format = args.format;
    if (!isInventoryFormat(format)) throw new UsageError(`--format takes ${INVENTORY_FORMATS.join(', ')}`);
    const inv = await fetchInventory(args.control ?? controlSocketPath(args['state-dir']));
    const text = formatInventory(inv, format, { user: args['ansible-user'], connection: args['ansible-connection'] });
    if (args.out) writeFileSync(args.out, text, { mode: 0o600 });
    else process.stdout.write(text);
  },
};
