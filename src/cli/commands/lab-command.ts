/**
 * `nc-grpc-device lab ...`: labs in the spirit of ConfD netsim and containerlab, thin over
 * the device command (src/cli/lab/lab.ts): create, start, stop, list, status, cli, netconf,
 * inventory, destroy.
 */
import type { Argv, CommandModule } from 'yargs';
import { Client } from 'ssh2';
import { UsageError, RuntimeError } from '../../errors.js';
import { fingerprintOf } from '../../ssh/users.js';
import type { InventoryDevice } from '../../status/types.js';
import { formatInventory, INVENTORY_FORMATS, type InventoryFormat } from '../inventory.js';
import { readLabFile } from '../lab/lab-file.js';
import { defaultLabsDir, Lab, listLabs } from '../lab/lab.js';

interface LabArgs {
  'labs-dir'?: string;
  file?: string;
  name?: string;
  device?: string;
  command?: string[];
  format?: InventoryFormat;
  json?: boolean;
}

const labOf = (a: LabArgs): Lab => new Lab(a['labs-dir'] ?? defaultLabsDir(), a.name!);

/** One table: a row per device, LAB first. */
export function labTable(rows: { lab: string; running: boolean; pid?: number; devices: InventoryDevice[] }[]): string {
  const header = ['LAB', 'DEVICE', 'N', 'PROFILE', 'MODEL', 'SERIAL', 'DEVICE-ID', 'STATE', 'SSH'];
  const body = rows.flatMap((r) =>
    r.devices.map((d) => [r.lab, d.hostname, String(d.n), d.profile, d.model, d.serial, d.deviceIds.join(',') || '-', !r.running ? 'stopped' : d.states.join(',') || 'up', d.ssh ? `${d.ssh.host}:${d.ssh.port}` : '-']),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [header, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/** An SSH connection to a lab device's face, its host key checked against the fingerprint the device reports. */
function connect(lab: Lab, d: InventoryDevice): Promise<Client> {
  const { username, password } = lab.login();
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c));
    c.once('error', (err) => reject(new RuntimeError(`cannot reach ${d.hostname} at ${d.ssh!.host}:${d.ssh!.port}: ${err.message}`)));
    c.connect({
      host: d.ssh!.host,
      port: d.ssh!.port,
      username,
      password,
      readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => !d.ssh!.fingerprint || fingerprintOf(key) === d.ssh!.fingerprint,
    });
  });
}

/** Runs one cli command, or an interactive cli on this terminal; resolves with the exit code. */
async function cliSession(lab: Lab, d: InventoryDevice, command: string | undefined): Promise<number> {
  const c = await connect(lab, d);
  return new Promise((resolve, reject) => {
    const done = (code: number) => {
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
      c.end();
      resolve(code);
    };
    if (command !== undefined) {
      c.exec(command, (err, ch) => {
        if (err) return reject(new RuntimeError(err.message));
        let code = 0;
        ch.on('exit', (x: number | null) => (code = x ?? 1));
        ch.pipe(process.stdout, { end: false });
        ch.stderr.pipe(process.stderr, { end: false });
        ch.on('close', () => done(code));
      });
      return;
    }
    const tty = process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows, term: process.env.TERM ?? 'vt100' } : false;
    c.shell(tty || {}, (err, ch) => {
      if (err) return reject(new RuntimeError(err.message));
      if (process.stdin.isTTY) process.stdin.setRawMode(true);
      process.stdin.pipe(ch);
      ch.pipe(process.stdout, { end: false });
      process.stdout.on('resize', () => ch.setWindow(process.stdout.rows, process.stdout.columns, 0, 0));
      ch.on('close', () => done(0));
    });
  });
}

/** A NETCONF session on stdin/stdout, over the device's SSH face (subsystem netconf). */
async function netconfSession(lab: Lab, d: InventoryDevice): Promise<number> {
  const c = await connect(lab, d);
  return new Promise((resolve, reject) => {
    c.subsys('netconf', (err, ch) => {
      if (err) return reject(new RuntimeError(err.message));
      process.stdin.pipe(ch);
      ch.pipe(process.stdout, { end: false });
      ch.on('close', () => {
        process.stdin.unpipe(ch);
        process.stdin.pause();
        c.end();
        resolve(0);
      });
    });
  });
}

const withName = (y: Argv<object>) => y.positional('name', { type: 'string', describe: 'lab name', demandOption: true });

export const labCommand: CommandModule<object, LabArgs> = {
  command: 'lab',
  describe: 'Labs of emulated devices in the background: create, start, stop, list, status, cli, netconf, inventory, destroy',
  builder: (y: Argv<object>) =>
    y
      .option('labs-dir', { type: 'string', describe: 'where labs live', defaultDescription: '$NCGD_LABS_DIR or ~/.local/state/nc-grpc-device/labs' })
      .command('create <file>', 'Create a lab from a YAML or JSON file (name, devices, nms, ssh, users)', (c) =>
        c.positional('file', { type: 'string', demandOption: true }).option('name', { type: 'string', describe: "the lab's name, instead of the file's" }), (a) => labAction('create', a as unknown as LabArgs))
      .command('start <name>', 'Start a lab in the background; waits until every device is up', withName, (a) => labAction('start', a as unknown as LabArgs))
      .command('stop <name>', "Stop a lab's devices (its state stays)", withName, (a) => labAction('stop', a as unknown as LabArgs))
      .command('list', 'Every device of every lab, with its state and SSH face, in one table', (c) => c.option('json', { type: 'boolean', default: false }), (a) => labAction('list', a as unknown as LabArgs))
      .command('status <name>', "A lab's devices, with state and SSH face", (c) => withName(c).option('json', { type: 'boolean', default: false }), (a) => labAction('status', a as unknown as LabArgs))
      .command('cli <name> <device> [command..]', "The Junos cli of a lab device (one command, or interactive), over its SSH face", (c) =>
        withName(c).positional('device', { type: 'string', describe: 'host name, number or device-id', demandOption: true }).positional('command', { type: 'string', array: true }), (a) => labAction('cli', a as unknown as LabArgs))
      .command('netconf <name> <device>', 'A NETCONF session with a lab device on stdin/stdout (subsystem netconf over its SSH face)', (c) =>
        withName(c).positional('device', { type: 'string', describe: 'host name, number or device-id', demandOption: true }), (a) => labAction('netconf', a as unknown as LabArgs))
      .command('inventory <name>', "A running lab's inventory for NMS tools", (c) => withName(c).option('format', { type: 'string', choices: INVENTORY_FORMATS, default: 'ansible-yaml' }), (a) => labAction('inventory', a as unknown as LabArgs))
      .command('destroy <name>', 'Stop a lab and remove it with all its state', withName, (a) => labAction('destroy', a as unknown as LabArgs))
      .demandCommand(1) as unknown as Argv<LabArgs>,
  handler: () => {},
};

async function labAction(action: string, args: LabArgs): Promise<void> {
  {
    const labsDir = args['labs-dir'] ?? defaultLabsDir();
    const out = (s: string) => process.stdout.write(s);
    switch (action) {
      case 'create': {
        const spec = readLabFile(args.file!, args.name);
        const lab = new Lab(labsDir, spec.name);
        lab.create(spec);
        out(`lab ${spec.name} created in ${lab.dir} (${spec.devices} devices); start it with: nc-grpc-device lab start ${spec.name}\n`);
        return;
      }
      case 'start': {
        const lab = labOf(args);
        const inv = await lab.start();
        out(`lab ${lab.name} started: pid ${inv.pid}, ${inv.devices.length} devices, log ${lab.logFile}\n`);
        return;
      }
      case 'stop': {
        const lab = labOf(args);
        lab.spec();
        out((await lab.stop()) ? `lab ${lab.name} stopped\n` : `lab ${lab.name} was not running\n`);
        return;
      }
      case 'list':
      case 'status': {
        const labs = action === 'list' ? listLabs(labsDir) : [labOf(args)];
        const rows = [];
        for (const lab of labs) rows.push({ lab: lab.name, ...(await lab.devices()) });
        if (args.json) out(`${JSON.stringify(rows, null, 2)}\n`);
        else if (!rows.length) out(`no labs in ${labsDir}\n`);
        else out(labTable(rows));
        return;
      }
      case 'cli': {
        const lab = labOf(args);
        const words = (args.command ?? []).map(String);
        process.exitCode = await cliSession(lab, await lab.device(String(args.device)), words.length ? words.join(' ') : undefined);
        return;
      }
      case 'netconf': {
        const lab = labOf(args);
        process.exitCode = await netconfSession(lab, await lab.device(String(args.device)));
        return;
      }
      case 'inventory': {
        const lab = labOf(args);
        const { running, devices } = await lab.devices();
        if (!running) throw new UsageError(`lab ${lab.name} is not running (nc-grpc-device lab start ${lab.name})`);
        out(formatInventory({ pid: lab.pid()!, total: devices.length, devices }, args.format ?? 'ansible-yaml', { user: lab.login().username }));
        return;
      }
      case 'destroy': {
        const lab = labOf(args);
        await lab.destroy();
        out(`lab ${lab.name} destroyed\n`);
        return;
      }
      default:
        throw new UsageError(`unknown lab action ${action} (create, start, stop, list, status, cli, netconf, inventory, destroy)`);
    }
  }
}
