/**
 * One configuration exchange over every face: the same NETCONF RPCs, run by each face's
 * test (outbound HTTPS, stdio, SSH), and the checks of its replies: a bad statement refused with the Junos
 * error, new statements in schema order, a commit recorded with its user and client, and an
 * idempotent compare (a single newline).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const loadSet = (lines: string) => `<load-configuration action="set" format="text"><configuration-set>${lines}</configuration-set></load-configuration>`;

/** The RPC bodies (without `<rpc>`), in order. */
export const CONFIG_EXCHANGE = [
  loadSet('set system foo bar'),
  loadSet('set snmp contact noc\nset snmp description faces-1'),
  '<commit-configuration><log>faces exchange</log></commit-configuration>',
  '<get-configuration compare="rollback" rollback="0" format="text"/>',
  '<get-configuration database="committed" format="text"><configuration><snmp/></configuration></get-configuration>',
  '<get-commit-information/>',
];

/** Checks the replies to CONFIG_EXCHANGE (one string per RPC, in order). */
export function checkConfigExchange(replies: string[], user: string, face: string): void {
  assert.ok(replies.length >= CONFIG_EXCHANGE.length, `${face}: ${replies.length} replies`);
  const [bad, load, commit, compare, snmp, history] = replies;
  // A statement the schema does not know: refused as Junos refuses it, nothing loaded.
  assert.match(bad, /<error-severity>error<\/error-severity>/, `${face}: ${bad}`);
  assert.match(bad, /<error-message>\s*syntax error\s*<\/error-message>/, `${face}: ${bad}`);
  assert.match(bad, /<bad-element>foo<\/bad-element>/, `${face}: ${bad}`);
  assert.doesNotMatch(load, /<rpc-error>/, `${face}: ${load}`);
  assert.match(commit, /<commit-success\/>/, `${face}: ${commit}`);
  // Nothing changed since the commit: exactly one newline, as Junos answers.
  assert.match(compare, /<configuration-information>\n<configuration-output>\n<\/configuration-output>\n<\/configuration-information>/, `${face}: ${compare}`);
  // contact was set before description; Junos writes description first (schema order).
  assert.match(snmp, /snmp \{\n {4}description faces-1;\n {4}contact noc;\n\}/, `${face}: ${snmp}`);
  assert.doesNotMatch(snmp, /foo/);
  const first = /<commit-history>([\s\S]*?)<\/commit-history>/.exec(history)?.[1] ?? assert.fail(`${face}: ${history}`);
  assert.match(first, new RegExp(`<user>${user}</user>`), `${face}: ${first}`);
  assert.match(first, /<client>netconf<\/client>/, `${face}: ${first}`);
  assert.match(first, /<log>faces exchange<\/log>/, `${face}: ${first}`);
}

/** The replies in a NETCONF 1.0 transcript (hello first): one string per `]]>]]>`-framed rpc-reply. */
export function repliesOf(transcript: string): string[] {
  return transcript.split(']]>]]>').filter((m) => m.includes('<rpc-reply'));
}

/**
 * Runs `nc-grpc-device netconf` (the stdio face, as user alice on an mx) as a child process,
 * sends `rpcs` and the end of input, and resolves with its exit code and output (killed
 * after 30 s; `defer` stops it if the test ends first).
 */
export async function stdioExchange(mainJs: string, rpcs: readonly string[], defer: (f: () => void) => void): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [mainJs, 'netconf', '--profile', 'mx', '--user', 'alice'], { stdio: ['pipe', 'pipe', 'pipe'] });
  defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end(rpcs.map((r, i) => `<rpc message-id="${i + 1}">${r}</rpc>]]>]]>`).join(''));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, out };
}
