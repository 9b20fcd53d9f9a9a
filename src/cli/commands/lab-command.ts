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

/** The option every lab command has (the parent's). */
type LabsDir = { 'labs-dir': string | undefined };
/** The arguments a lab command's option builder gives. */
type LabArgsOf<B> = B extends (y: Argv<LabsDir>) => Argv<infer U> ? U : never;

const labsDirOf = (a: LabsDir): string => a['labs-dir'] ?? defaultLabsDir();
const labOf = (a: LabsDir & { name: string }): Lab => new Lab(labsDirOf(a), a.name);
const out = (s: string) => void process.stdout.write(s);

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

const withName = (y: Argv<LabsDir>) => y.positional('name', { type: 'string', describe: 'lab name', demandOption: true });
const fromFile = (y: Argv<LabsDir>) =>
  y.positional('file', { type: 'string', demandOption: true }).option('name', { type: 'string', describe: "the lab's name, instead of the file's" });
const listOptions = (y: Argv<LabsDir>) => y.option('json', { type: 'boolean', default: false });
const statusOptions = (y: Argv<LabsDir>) => withName(y).option('json', { type: 'boolean', default: false });
const cliOptions = (y: Argv<LabsDir>) =>
  withName(y).positional('device', { type: 'string', describe: 'host name, number or device-id', demandOption: true }).positional('command', { type: 'string', array: true });
const execOptions = (y: Argv<LabsDir>) => withName(y).positional('command', { type: 'string', array: true, demandOption: true });
const saveOptions = (y: Argv<LabsDir>) => withName(y).option('out', { type: 'string', describe: 'directory for the files', defaultDescription: './<lab>-configs' });
const netconfOptions = (y: Argv<LabsDir>) => withName(y).positional('device', { type: 'string', describe: 'host name, number or device-id', demandOption: true });
const inventoryOptions = (y: Argv<LabsDir>) =>
  withName(y)
    .option('format', { type: 'string', choices: INVENTORY_FORMATS, default: 'ansible-yaml' as InventoryFormat })
    .option('with-password', { type: 'boolean', default: false, describe: "include the login's password (ansible_password; Nornir password); else a comment says where it is" });

type Named = LabArgsOf<typeof withName>;

async function up(args: LabArgsOf<typeof fromFile>): Promise<void> {
  const spec = readLabFile(args.file, args.name);
  const lab = new Lab(labsDirOf(args), spec.name);
  if (!lab.exists()) lab.create(spec);
  if (lab.pid()) out(`lab ${lab.name} is running already (pid ${lab.pid()})\n`);
  else out(await startLab(lab));
  out(labTable([{ lab: lab.name, ...(await lab.devices()) }]));
}

async function down(args: Named): Promise<void> {
  const lab = labByNameOrFile(labsDirOf(args), String(args.name));
  await lab.destroy();
  out(`lab ${lab.name} stopped and removed\n`);
}

function create(args: LabArgsOf<typeof fromFile>): void {
  const spec = readLabFile(args.file, args.name);
  const lab = new Lab(labsDirOf(args), spec.name);
  lab.create(spec);
  out(`lab ${spec.name} created in ${lab.dir} (${spec.devices} devices); start it with: nc-grpc-device lab start ${spec.name}\n`);
}

async function stop(args: Named): Promise<void> {
  const lab = labOf(args);
  lab.spec();
  out((await lab.stop()) ? `lab ${lab.name} stopped\n` : `lab ${lab.name} was not running\n`);
}

/** Every lab (list) or one (status): a table, or JSON. */
async function show(labsDir: string, labs: Lab[], json: boolean): Promise<void> {
  const rows = [];
  for (const lab of labs) rows.push({ lab: lab.name, ...(await lab.devices()) });
  if (json) out(`${JSON.stringify(rows, null, 2)}\n`);
  else if (!rows.length) out(`no labs in ${labsDir}\n`);
  else out(labTable(rows));
}

async function cli(args: LabArgsOf<typeof cliOptions>): Promise<void> {
  const lab = labOf(args);
  const words = (args.command ?? []).map(String);
  process.exitCode = await cliSession(lab, await lab.device(String(args.device)), words.length ? words.join(' ') : undefined);
}

async function inventory(args: LabArgsOf<typeof inventoryOptions>): Promise<void> {
  const lab = labOf(args);
  const { running, devices } = await lab.devices();
  if (!running) throw new RuntimeError(`lab ${lab.name} is not running (nc-grpc-device lab start ${lab.name})`);
  const login = lab.login();
  const vars = args['with-password']
    ? { user: login.username, password: login.password }
    : { user: login.username, passwordHint: `password of ${login.username}: nc-grpc-device lab credentials ${lab.name} (or --with-password; keep it in a vault: ansible-vault encrypt_string)` };
  out(formatInventory({ pid: lab.pid()!, total: devices.length, devices }, args.format, vars));
}

async function destroy(args: Named): Promise<void> {
  const lab = labOf(args);
  await lab.destroy();
  out(`lab ${lab.name} destroyed\n`);
}

const labCommands = (y: Argv<object>) =>
  y
    .option('labs-dir', { type: 'string', describe: 'where labs live', defaultDescription: '$NCGD_LABS_DIR or ~/.local/state/nc-grpc-device/labs' })
    .command('up <file>', 'Create a lab from its file (unless it exists) and start it: one step', fromFile, up)
    .command('down <name>', 'Stop a lab and remove it with its state (the name, or its file)', withName, down)
    .command('create <file>', 'Create a lab from a YAML or JSON file (name, devices, nms, ssh, users, configs)', fromFile, create)
    .command('start <name>', 'Start a lab in the background; waits until every device is up', withName, async (a) => out(await startLab(labOf(a))))
    .command('stop <name>', "Stop a lab's devices (its state stays)", withName, stop)
    .command('list', 'Every device of every lab, with its state and SSH face, in one table', listOptions, (a) => show(labsDirOf(a), listLabs(labsDirOf(a)), a.json))
    .command('status <name>', "A lab's devices, with state and SSH face", statusOptions, (a) => show(labsDirOf(a), [labOf(a)], a.json))
    .command('cli <name> <device> [command..]', 'The Junos cli of a lab device (one command, or interactive), over its SSH face', cliOptions, cli)
    .command('exec <name> <command..>', 'Run one cli command on every device of a lab; each output under its device name (exit 1 if any failed)', execOptions, async (a) => {
      process.exitCode = await execAll(labOf(a), a.command.map(String).join(' '), out);
    })
    .command('save <name>', "Save every device's committed configuration to DIR/<host name>.conf", saveOptions, async (a) => {
      const lab = labOf(a);
      await saveAll(lab, a.out ?? `${lab.name}-configs`, out);
    })
    .command('credentials <name>', "The lab's SSH logins (NAME:PASSWORD, one a line): the password a lab file left out was made at random", withName, (a) => out(`${labOf(a).credentials().join('\n')}\n`))
    .command('netconf <name> <device>', 'A NETCONF session with a lab device on stdin/stdout (subsystem netconf over its SSH face)', netconfOptions, async (a) => {
      const lab = labOf(a);
      process.exitCode = await netconfSession(lab, await lab.device(String(a.device)));
    })
    .command('inventory <name>', "A running lab's inventory for NMS tools (Ansible, Nornir, CSV, JSON)", inventoryOptions, inventory)
    .command('destroy <name>', 'Stop a lab and remove it with all its state', withName, destroy)
    .demandCommand(1);

export const labCommand: CommandModule<object, LabsDir> = {
  command: 'lab',
  describe: 'Labs of emulated devices in the background: up, down, create, start, stop, list, status, cli, exec, netconf, save, inventory, credentials, destroy',
  builder: labCommands,
  handler: () => {},
};
