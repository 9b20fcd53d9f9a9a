/**
 * `nc-grpc-device lab ...`: labs in the spirit of ConfD netsim and containerlab, thin over
 * the device command (src/cli/lab/lab.ts): up, down, create, start, stop, list, status, cli,
 * exec, netconf, save, inventory, credentials, destroy.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError, RuntimeError } from '../../errors.js';
import type { InventoryDevice } from '../../status/types.js';
import { formatInventory, INVENTORY_FORMATS, type InventoryFormat } from '../inventory.js';
import { readLabFile } from '../lab/lab-file.js';
import { defaultLabsDir, Lab, listLabs } from '../lab/lab.js';
import { connectDevice, execOnDevice } from '../lab/lab-ssh.js';
import { applyStartupConfigs } from '../lab/startup-config.js';
import { ProgressLine } from '../progress.js';

interface LabArgs {
  'labs-dir'?: string;
  file?: string;
  name?: string;
  device?: string;
  command?: string[];
  format?: InventoryFormat;
  json?: boolean;
  out?: string;
  'with-password'?: boolean;
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

/** Runs one cli command, or an interactive cli on this terminal; resolves with the exit code. */
async function cliSession(lab: Lab, d: InventoryDevice, command: string | undefined): Promise<number> {
  const c = await connectDevice(lab, d);
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
  const c = await connectDevice(lab, d);
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

/** A lab named on the command line, or by its file (`lab down core.yaml`). */
function labByNameOrFile(labsDir: string, which: string): Lab {
  if (/\.(ya?ml|json)$/i.test(which) && existsSync(which)) return new Lab(labsDir, readLabFile(which).name);
  return new Lab(labsDir, which);
}

/** Starts a lab with a progress line on stderr, then loads its startup configuration (first start only). */
async function startLab(lab: Lab): Promise<string> {
  const line = new ProgressLine(process.stderr);
  try {
    const inv = await lab.start(60_000, (t) => line.update(t));
    const configured = await applyStartupConfigs(lab, inv.devices, (t) => line.update(t));
    line.clear();
    const extra = configured ? `, startup configuration committed on ${configured} device${configured === 1 ? '' : 's'}` : '';
    const metrics = lab.spec().metrics;
    const page = metrics ? `\nlab ${lab.name} page: http://127.0.0.1:${metrics.port}/ (metrics at /metrics)` : '';
    return `lab ${lab.name} started: pid ${inv.pid}, ${inv.devices.length} devices, log ${lab.logFile}${extra}${page}\n`;
  } catch (err) {
    line.clear();
    throw err;
  }
}

/** Runs `command` on every device of a running lab (a few at a time); prints each output under its device's name. */
async function execAll(lab: Lab, command: string, out: (s: string) => void): Promise<number> {
  const { running, devices } = await lab.devices();
  if (!running) throw new RuntimeError(`lab ${lab.name} is not running (nc-grpc-device lab start ${lab.name})`);
  const reachable = devices.filter((d) => d.ssh);
  if (!reachable.length) throw new UsageError(`lab ${lab.name} has no SSH faces (its file says ssh: none)`);
  const results = new Array<{ code: number; out: string; err: string } | Error>(reachable.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < reachable.length) {
      const i = next++;
      results[i] = await execOnDevice(lab, reachable[i], command).catch((e: Error) => e);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, reachable.length) }, worker));
  let failed = 0;
  reachable.forEach((d, i) => {
    const r = results[i];
    out(`=== ${d.hostname} ===\n`);
    if (r instanceof Error) {
      failed++;
      out(`error: ${r.message}\n`);
      return;
    }
    if (r.code !== 0 || /^error: /m.test(r.out)) failed++;
    out(r.out.endsWith('\n') || !r.out ? r.out : `${r.out}\n`);
    if (r.err) process.stderr.write(`${d.hostname}: ${r.err}`);
  });
  return failed ? 1 : 0;
}

/** Saves every device's committed configuration to DIR/<host name>.conf. */
async function saveAll(lab: Lab, dir: string, out: (s: string) => void): Promise<void> {
  const { running, devices } = await lab.devices();
  if (!running) throw new RuntimeError(`lab ${lab.name} is not running (nc-grpc-device lab start ${lab.name})`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const d of devices.filter((x) => x.ssh)) {
    const r = await execOnDevice(lab, d, 'show configuration | no-more');
    if (r.code !== 0) throw new RuntimeError(`${d.hostname}: show configuration failed: ${(r.err || r.out).trim().split('\n')[0]}`);
    const file = path.join(dir, `${d.hostname}.conf`);
    writeFileSync(file, r.out, { mode: 0o600 });
    out(`wrote ${file}\n`);
  }
}

export const labCommand: CommandModule<object, LabArgs> = {
  command: 'lab',
  describe: 'Labs of emulated devices in the background: up, down, create, start, stop, list, status, cli, exec, netconf, save, inventory, credentials, destroy',
  builder: (y: Argv<object>) =>
    y
      .option('labs-dir', { type: 'string', describe: 'where labs live', defaultDescription: '$NCGD_LABS_DIR or ~/.local/state/nc-grpc-device/labs' })
      .command('up <file>', 'Create a lab from its file (unless it exists) and start it: one step', (c) =>
        c.positional('file', { type: 'string', demandOption: true }).option('name', { type: 'string', describe: "the lab's name, instead of the file's" }), (a) => labAction('up', a as unknown as LabArgs))
      .command('down <name>', 'Stop a lab and remove it with its state (the name, or its file)', withName, (a) => labAction('down', a as unknown as LabArgs))
      .command('create <file>', 'Create a lab from a YAML or JSON file (name, devices, nms, ssh, users, configs)', (c) =>
        c.positional('file', { type: 'string', demandOption: true }).option('name', { type: 'string', describe: "the lab's name, instead of the file's" }), (a) => labAction('create', a as unknown as LabArgs))
      .command('start <name>', 'Start a lab in the background; waits until every device is up', withName, (a) => labAction('start', a as unknown as LabArgs))
      .command('stop <name>', "Stop a lab's devices (its state stays)", withName, (a) => labAction('stop', a as unknown as LabArgs))
      .command('list', 'Every device of every lab, with its state and SSH face, in one table', (c) => c.option('json', { type: 'boolean', default: false }), (a) => labAction('list', a as unknown as LabArgs))
      .command('status <name>', "A lab's devices, with state and SSH face", (c) => withName(c).option('json', { type: 'boolean', default: false }), (a) => labAction('status', a as unknown as LabArgs))
      .command('cli <name> <device> [command..]', "The Junos cli of a lab device (one command, or interactive), over its SSH face", (c) =>
        withName(c).positional('device', { type: 'string', describe: 'host name, number or device-id', demandOption: true }).positional('command', { type: 'string', array: true }), (a) => labAction('cli', a as unknown as LabArgs))
      .command('exec <name> <command..>', 'Run one cli command on every device of a lab; each output under its device name (exit 1 if any failed)', (c) =>
        withName(c).positional('command', { type: 'string', array: true, demandOption: true }), (a) => labAction('exec', a as unknown as LabArgs))
      .command('save <name>', "Save every device's committed configuration to DIR/<host name>.conf", (c) =>
        withName(c).option('out', { type: 'string', describe: 'directory for the files', defaultDescription: './<lab>-configs' }), (a) => labAction('save', a as unknown as LabArgs))
      .command('credentials <name>', "The lab's SSH logins (NAME:PASSWORD, one a line): the password a lab file left out was made at random", withName, (a) => labAction('credentials', a as unknown as LabArgs))
      .command('netconf <name> <device>', 'A NETCONF session with a lab device on stdin/stdout (subsystem netconf over its SSH face)', (c) =>
        withName(c).positional('device', { type: 'string', describe: 'host name, number or device-id', demandOption: true }), (a) => labAction('netconf', a as unknown as LabArgs))
      .command('inventory <name>', "A running lab's inventory for NMS tools (Ansible, Nornir, CSV, JSON)", (c) =>
        withName(c)
          .option('format', { type: 'string', choices: INVENTORY_FORMATS, default: 'ansible-yaml' })
          .option('with-password', { type: 'boolean', default: false, describe: "include the login's password (ansible_password; Nornir password); else a comment says where it is" }), (a) => labAction('inventory', a as unknown as LabArgs))
      .command('destroy <name>', 'Stop a lab and remove it with all its state', withName, (a) => labAction('destroy', a as unknown as LabArgs))
      .demandCommand(1) as unknown as Argv<LabArgs>,
  handler: () => {},
};

async function labAction(action: string, args: LabArgs): Promise<void> {
  {
    const labsDir = args['labs-dir'] ?? defaultLabsDir();
    const out = (s: string) => process.stdout.write(s);
    switch (action) {
      case 'up': {
        const spec = readLabFile(args.file!, args.name);
        const lab = new Lab(labsDir, spec.name);
        if (!lab.exists()) lab.create(spec);
        if (lab.pid()) {
          out(`lab ${lab.name} is running already (pid ${lab.pid()})\n`);
        } else out(await startLab(lab));
        out(labTable([{ lab: lab.name, ...(await lab.devices()) }]));
        return;
      }
      case 'down': {
        const lab = labByNameOrFile(labsDir, String(args.name));
        await lab.destroy();
        out(`lab ${lab.name} stopped and removed\n`);
        return;
      }
      case 'exec': {
        const lab = labOf(args);
        process.exitCode = await execAll(lab, (args.command ?? []).map(String).join(' '), out);
        return;
      }
      case 'save': {
        const lab = labOf(args);
        await saveAll(lab, args.out ?? `${lab.name}-configs`, out);
        return;
      }
      case 'credentials': {
        const lab = labOf(args);
        out(`${lab.credentials().join('\n')}\n`);
        return;
      }
      case 'create': {
        const spec = readLabFile(args.file!, args.name);
        const lab = new Lab(labsDir, spec.name);
        lab.create(spec);
        out(`lab ${spec.name} created in ${lab.dir} (${spec.devices} devices); start it with: nc-grpc-device lab start ${spec.name}\n`);
        return;
      }
      case 'start': {
        out(await startLab(labOf(args)));
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
        if (!running) throw new RuntimeError(`lab ${lab.name} is not running (nc-grpc-device lab start ${lab.name})`);
        const login = lab.login();
        const vars = args['with-password']
          ? { user: login.username, password: login.password }
          : { user: login.username, passwordHint: `password of ${login.username}: nc-grpc-device lab credentials ${lab.name} (or --with-password; keep it in a vault: ansible-vault encrypt_string)` };
        out(formatInventory({ pid: lab.pid()!, total: devices.length, devices }, args.format ?? 'ansible-yaml', vars));
        return;
      }
      case 'destroy': {
        const lab = labOf(args);
        await lab.destroy();
        out(`lab ${lab.name} destroyed\n`);
        return;
      }
      default:
        throw new UsageError(`unknown lab action ${action} (up, down, create, start, stop, list, status, cli, exec, netconf, save, inventory, credentials, destroy)`);
    }
  }
}
