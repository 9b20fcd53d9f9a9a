/**
 * Spellings that other tools use for our flags, accepted as they are typed there.
 */

/** JET argument strings use single dashes (-host -port -cert): accept them as long flags. */
const JET_FLAGS = /^-(host|port|cert|cert-file|device-id|secret)(=.*)?$/;

/** Juniper's request_session.py takes `-d DEVICE -sk SECRET -s TYPE`: accepted by `session`. */
const REQUEST_SESSION_FLAGS: Record<string, string> = { '-sk': '--secret', '-s': '--type' };

export function normalizeArgv(argv: string[]): string[] {
  if (argv[0] === 'session') return argv.map((a) => REQUEST_SESSION_FLAGS[a] ?? a);
  return argv.map((a) => (JET_FLAGS.test(a) ? `-${a}` : a));
}
