/**
 * Ansible (Debian's `ansible` package, which bundles the `junipernetworks.junos` and
 * `ansible.netcommon` collections) driving a device over its SSH face with the
 * `ansible.netcommon.netconf` connection (or `ansible.netcommon.network_cli`, the emulated cli
 * over an SSH shell): installs the package when missing and allowed,
 * writes a private inventory, ansible.cfg and playbook into a temp directory, runs
 * `ansible-playbook` with a bounded time and reads its JSON output task by task.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PYTHON, ensureDebianPackages, ensureDebianPython } from './debian-python.js';
import type { Harness } from './agent-harness.js';
import { spawnSshDevice } from './ssh-harness.js';

export const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
/** Where Debian's `ansible` package puts the Junos collection. */
const JUNOS_COLLECTION = '/usr/lib/python3/dist-packages/ansible_collections/junipernetworks/junos';
const INSTALL_TIMEOUT_MS = 900_000;

let ready: Promise<string | null> | undefined;

function present(): boolean {
  if (!existsSync(ANSIBLE_PLAYBOOK) || !existsSync(JUNOS_COLLECTION)) return false;
  return existsSync(PYTHON);
}

/**
 * Null when ansible-playbook, the Junos collection and ncclient (the netconf connection's
 * library) are there; as root it installs Debian's `ansible` and `python3-ncclient` first,
 * under the same apt lock as the Python clients. Otherwise the reason, to skip with.
 */
export function ansibleReady(): Promise<string | null> {
  ready ??= (async () => {
    const why = await ensureDebianPackages(
      present,
      `test -x ${ANSIBLE_PLAYBOOK} && test -d ${JUNOS_COLLECTION}`,
      ['ansible'],
      'the Ansible tests',
      INSTALL_TIMEOUT_MS,
    );
    if (why) return why;
    return ensureDebianPython('ncclient', ['python3-ncclient'], 'the Ansible netconf connection');
  })();
  return ready;
}

/** The device's SSH face as Ansible reaches it. */
export interface AnsibleTarget {
  port: number;
  user: string;
  password: string;
}

/** One task's outcome for the one host. */
export interface TaskResult {
  name: string;
  changed: boolean;
  failed: boolean;
  skipped: boolean;
  msg?: string;
  /** The module's whole result (stdout_lines, ansible_facts, commands, ...). */
  result: Record<string, unknown>;
}

export interface PlaybookRun {
  tasks: TaskResult[];
  /** ansible-playbook's exit status (2 when a task failed). */
  code: number | null;
  /** Wall time of the run, for the report (never asserted). */
  ms: number;
  stderr: string;
}

/**
 * Runs TASKS (Ansible task objects) as one play against the target over the netconf connection
 * (or network_cli), optionally all in check mode. The playbook is written as JSON (which YAML reads). Rejects when ansible-playbook
 * cannot run or its output is not the JSON callback's; a failed task is a result, not a
 * rejection.
 */
export async function runPlaybook(
  target: AnsibleTarget,
  tasks: Record<string, unknown>[],
  opts: PlaybookOptions = {},
): Promise<PlaybookRun> {
  const runs = await runPlaybookOn({ device: target }, tasks, opts);
  return runs.device!;
}

export interface PlaybookOptions {
  check?: boolean;
  timeoutMs?: number;
  connection?: 'netconf' | 'network_cli';
  /**
   * Ansible's play strategy: `linear` (the default: every host finishes a task before any
   * starts the next) or `free` (each host runs through the tasks at its own pace, so tasks
   * limited by `when:` to different hosts run side by side).
   */
  strategy?: 'linear' | 'free';
}

/**
 * Runs TASKS as one play against several targets at once (one inventory host each, named by
 * the keys of TARGETS; Ansible works on them in parallel) and gives each host's run. A task
 * may use `when: inventory_hostname == 'srx'` and the like to run on some hosts only; on the
 * others it is a skipped result.
 */
export async function runPlaybookOn(
  targets: Record<string, AnsibleTarget>,
  tasks: Record<string, unknown>[],
  opts: PlaybookOptions = {},
): Promise<Record<string, PlaybookRun>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-ansible-'));
  const timeoutMs = opts.timeoutMs ?? 180_000;
  try {
    for (const sub of ['tmp', 'collections', 'pc', 'home']) mkdirSync(path.join(dir, sub), { mode: 0o700 });
    const hosts: Record<string, Record<string, unknown>> = {};
    for (const [name, target] of Object.entries(targets)) {
      hosts[name] = {
        ansible_host: '127.0.0.1',
        ansible_port: target.port,
        ansible_user: target.user,
        ansible_password: target.password,
        ansible_connection: `ansible.netcommon.${opts.connection ?? 'netconf'}`,
        ansible_network_os: 'junipernetworks.junos.junos',
        ansible_python_interpreter: PYTHON,
      };
    }
    writeFileSync(path.join(dir, 'inventory.json'), JSON.stringify({ junos: { hosts } }), { mode: 0o600 });
    writeFileSync(
      path.join(dir, 'ansible.cfg'),
      [
        '[defaults]',
        'host_key_checking = False',
        'retry_files_enabled = False',
        `local_tmp = ${path.join(dir, 'tmp')}`,
        'stdout_callback = json',
        'gathering = explicit',
        `forks = ${Math.max(5, Object.keys(targets).length)}`,
        '[persistent_connection]',
        'connect_timeout = 60',
        'command_timeout = 60',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const play = [{ hosts: 'junos', gather_facts: false, ...(opts.strategy ? { strategy: opts.strategy } : {}), tasks }];
    writeFileSync(path.join(dir, 'playbook.yml'), JSON.stringify(play, null, 1), { mode: 0o600 });
    const args = ['-i', path.join(dir, 'inventory.json'), path.join(dir, 'playbook.yml'), ...(opts.check ? ['--check'] : [])];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      // A HOME and collections/tmp paths of its own: nothing of the user's ~/.ansible is read or written.
      HOME: path.join(dir, 'home'),
      ANSIBLE_HOME: path.join(dir, 'home'),
      ANSIBLE_CONFIG: path.join(dir, 'ansible.cfg'),
      ANSIBLE_COLLECTIONS_PATH: path.join(dir, 'collections'),
      ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'),
      ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: path.join(dir, 'pc'),
      ANSIBLE_STDOUT_CALLBACK: 'json',
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
    };
    const started = Date.now();
    const r = await new Promise<{ code: number | null; out: string; err: string; killed: boolean }>((resolve, reject) => {
      // Its own process group: on a timeout the persistent connection process goes too.
      const child = spawn(ANSIBLE_PLAYBOOK, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let out = '';
      let err = '';
      let killed = false;
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const timer = setTimeout(() => {
        killed = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err, killed });
      });
    });
    const ms = Date.now() - started;
    if (r.killed) throw new Error(`ansible-playbook did not finish in ${timeoutMs} ms:\n${r.err.slice(-1500)}\n${r.out.slice(-1500)}`);
    let parsed: { plays?: { tasks: { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[] }[] };
    try {
      parsed = JSON.parse(r.out.slice(r.out.indexOf('{')));
    } catch {
      throw new Error(`ansible-playbook exited ${r.code} without JSON output:\n${r.err.slice(-2000)}\n${r.out.slice(-2000)}`);
    }
    const runs: Record<string, PlaybookRun> = {};
    for (const name of Object.keys(targets)) runs[name] = { tasks: [], code: r.code, ms, stderr: r.err };
    for (const p of parsed.plays ?? []) {
      for (const t of p.tasks) {
        for (const name of Object.keys(targets)) {
          // Under the free strategy a task is reported once per batch of hosts that ran it.
          if (opts.strategy === 'free' && !t.hosts[name]) continue;
          const res = t.hosts[name] ?? {};
          runs[name]!.tasks.push({
            name: t.task.name,
            changed: res.changed === true,
            failed: res.failed === true,
            skipped: res.skipped === true,
            ...(res.msg !== undefined ? { msg: String(res.msg) } : {}),
            result: res,
          });
        }
      }
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The result of the task named NAME; throws (with what ran) when there is none. */
export function task(run: PlaybookRun, name: string): TaskResult {
  const t = run.tasks.find((x) => x.name === name);
  if (!t) throw new Error(`no task ${name} in the run: ${run.tasks.map((x) => x.name).join(', ')}\n${run.stderr.slice(-1500)}`);
  return t;
}

/** A task's outcome in one line, for assertion messages. */
export function describe(t: TaskResult): string {
  const r = t.result;
  return `${t.name}: changed=${t.changed} failed=${t.failed} msg=${t.msg ?? ''} ${String(r.module_stderr ?? '').slice(-600)}`;
}

/**
 * A device process (profile mx, `hostname`) with its SSH face on 127.0.0.1 for user lab,
 * as Ansible's target; stop() ends it with SIGTERM and waits for the exit (the Harness
 * kills it, should a test end before stop()).
 */
export async function startAnsibleDevice(h: Harness, hostname: string, profile = 'mx'): Promise<{ target: AnsibleTarget; stop(): Promise<void> }> {
  // Seven of them start side by side (startAnsibleDevices): a minute, on a busy machine.
  const { child, port } = await spawnSshDevice(h, ['--ssh-user', 'lab:Lab-pw123', '--profile', profile, '--hostname', hostname, '--state-dir', h.tempDir()], 60_000);
  return {
    target: { port, user: 'lab', password: 'Lab-pw123' },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Every shipped profile, each the name of its inventory host in startAnsibleDevices(). */
export const ALL_PROFILES = ['mx', 'mx10003', 'ex', 'ex9208', 'qfx', 'srx', 'srx4100'] as const;

/**
 * One device process per profile (hostnames `<prefix>-<profile>`), started side by side; the
 * targets are keyed by profile name, for runPlaybookOn(). stop() ends them all.
 */
export async function startAnsibleDevices(
  h: Harness,
  prefix: string,
  profiles: readonly string[] = ALL_PROFILES,
  opts: { inTurn?: boolean } = {},
): Promise<{ targets: Record<string, AnsibleTarget>; stop(): Promise<void> }> {
  // In turn: several devices loading their schemas at once can outlast the SSH face's
  // start-up wait on a busy machine.
  const started: Awaited<ReturnType<typeof startAnsibleDevice>>[] = [];
  if (opts.inTurn) for (const p of profiles) started.push(await startAnsibleDevice(h, `${prefix}-${p}`, p));
  else started.push(...(await Promise.all(profiles.map((p) => startAnsibleDevice(h, `${prefix}-${p}`, p)))));
  const targets: Record<string, AnsibleTarget> = {};
  profiles.forEach((p, i) => (targets[p] = started[i]!.target));
  return { targets, stop: async () => void (await Promise.all(started.map((s) => s.stop()))) };
}

/**
 * The profiles a resource-module test file runs on: `NCGD_ANSIBLE_PROFILES=mx,ex` names them;
 * `NCGD_ANSIBLE_ALL_PROFILES=1` takes all seven (the whole module × profile matrix, several
 * times the suite's Ansible time on two cores); otherwise DEFAULTS, a router and a switch or
 * firewall chosen by each file, so the suite stays within its time budget.
 */
export function ansibleProfiles(defaults: readonly string[]): readonly string[] {
  const named = process.env.NCGD_ANSIBLE_PROFILES;
  if (named) return named.split(',').filter((p) => (ALL_PROFILES as readonly string[]).includes(p));
  if (process.env.NCGD_ANSIBLE_ALL_PROFILES === '1') return ALL_PROFILES;
  return defaults;
}
