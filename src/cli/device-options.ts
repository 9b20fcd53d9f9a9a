/**
 * The flags of the device command: what a real device takes (outbound-https client, JET
 * arguments) plus the emulator's own (profile, state, SSH face, backends, observability).
 */
import type { Argv } from 'yargs';
import { DEFAULT_PROTOCOL, PROTOCOL_HELP, PROTOCOL_NAMES } from '../wire/contract.js';
import { faultSyntaxList } from '../faults/kinds.js';

export function deviceOptions<T>(y: Argv<T>) {
  return y
    .option('config', { type: 'string', describe: 'Configuration file: Junos syntax (set or curly-brace) or JSON', group: 'Outbound HTTPS:' })
    .option('host', { type: 'string', describe: 'NMS address (hostname or IPv4, as its certificate names it)', group: 'Outbound HTTPS:' })
    .option('port', { type: 'number', describe: 'NMS port', default: undefined, defaultDescription: '443', group: 'Outbound HTTPS:' })
    .option('cert', { type: 'string', describe: "NMS certificate (or its CA's) as one line, with or without BEGIN/END markers", group: 'Outbound HTTPS:' })
    .option('cert-file', { type: 'string', describe: 'NMS certificate (or CA) PEM file', group: 'Outbound HTTPS:' })
    .option('device-id', { type: 'string', describe: 'Device id sent to the NMS', group: 'Outbound HTTPS:' })
    .option('secret', {
      type: 'string',
      describe: 'Shared secret (plain or $9$); with --protocol basic, the handshake string. The flag is visible to other local users in the process list: prefer --secret-file or NCGD_SECRET',
      group: 'Outbound HTTPS:',
    })
    .option('secret-file', { type: 'string', describe: 'File whose first line is the shared secret (or set NCGD_SECRET); with --config, for clients without a secret statement', group: 'Outbound HTTPS:' })
    .option('waittime', { type: 'number', describe: 'Seconds to wait after a full unsuccessful walk of the servers', defaultDescription: '30', group: 'Outbound HTTPS:' })
    .option('reconnect-strategy', { type: 'string', choices: ['in-order', 'sticky'], describe: 'Which server to try first after a lost connection', defaultDescription: 'in-order', group: 'Outbound HTTPS:' })
    .option('protocol', { type: 'string', choices: PROTOCOL_NAMES, describe: PROTOCOL_NAMES.map((p) => PROTOCOL_HELP[p]).join(' or '), defaultDescription: DEFAULT_PROTOCOL, group: 'Outbound HTTPS:' })
    .option('keepalive', { type: 'number', describe: 'HTTP/2 keepalive ping every SECONDS while a call is open; unanswered: the NMS is lost (0: off)', defaultDescription: '300', group: 'Outbound HTTPS:' })
    .option('connect-timeout', { type: 'number', describe: 'Seconds for TCP connect, TLS handshake and HTTP/2 settings before a server counts as down', defaultDescription: '10', group: 'Outbound HTTPS:' })
    .option('instance-id', { type: 'string', describe: 'instance_id sent in Initialize', defaultDescription: 'process id', group: 'Outbound HTTPS:' })
    .option('devices', { type: 'string', describe: 'Run a fleet of N devices (of --profile), or PROFILE:COUNT,... mixed (mx:100,ex:50,srx:20); device-id and host name get -n appended, or {n} replaced', default: '1', group: 'Device:' })
    .option('shard', { type: 'string', describe: 'Run shard I of N (0-based) of the --devices fleet: a stable block of its device numbers (else NCGD_SHARDS with NCGD_SHARD_INDEX, JOB_COMPLETION_INDEX or the pod ordinal)', group: 'Device:' })
    .option('threads', { type: 'string', describe: 'Fleet: threads that run the devices (auto: one per 2,500 devices from 1,000 up, at most one per CPU)', default: 'auto', group: 'Device:' })
    .option('storm', { type: 'boolean', describe: 'Fleet: reconnect in step (every device walks at the same instant, on multiples of waittime), not spread by a random start phase', default: false, group: 'Device:' })
    .option('preconnect', { type: 'boolean', describe: "Keep the next Initialize's connection up in advance from the start (default: only once a device opened a session)", default: false, group: 'Device:' })
    .option('profile', { type: 'string', describe: 'Device profile: mx, ex, srx, or a profile directory', default: 'mx', group: 'Device:' })
    .option('state-dir', { type: 'string', describe: 'Where the device keeps its configuration, rollbacks and SSH host key', group: 'Device:' })
    .option('hostname', { type: 'string', describe: "Device host-name (default from the profile)", group: 'Device:' })
    .option('username', { type: 'string', describe: "Sessions' user, as the JET app's username", defaultDescription: 'nobody', group: 'Device:' })
    .option('allow-root-shell', { type: 'boolean', describe: 'Let shell sessions run as root when the emulator runs as root', default: false, group: 'Device:' })
    .option('shell-prompt', { type: 'boolean', describe: 'Interactive shell sessions (prompt and echo), unlike a device', default: false, group: 'Device:' })
    .option('netconf-command', { type: 'string', describe: 'Spawn this command as the NETCONF server of each session (like `netconf interactive`)', group: 'Backends:' })
    .option('netconf-backend', { type: 'string', describe: 'Bridge NETCONF sessions to ssh://user[:password]@host:port (netconf subsystem)', group: 'Backends:' })
    .option('shell-backend', { type: 'string', describe: 'Bridge shell sessions to ssh://user[:password]@host:port', group: 'Backends:' })
    .option('ssh-key', { type: 'string', describe: 'Private key file for the SSH bridges', group: 'Backends:' })
    .option('ssh-port', { type: 'number', describe: 'Serve NETCONF (subsystem netconf) and the Junos cli over SSH on this port', group: 'SSH face:' })
    .option('ssh-host', { type: 'string', describe: 'Address the SSH face binds (0.0.0.0 for every interface)', default: '127.0.0.1', group: 'SSH face:' })
    .option('ssh-address-range', { type: 'string', describe: 'Fleet: device n listens on this IPv4 address + n-1 (e.g. 127.0.1.1), port --ssh-port; without it device n uses port --ssh-port + n-1', group: 'SSH face:' })
    .option('ssh-user', { type: 'string', array: true, describe: 'SSH login NAME:PASSWORD (repeatable; visible to other local users in the process list: prefer --ssh-user-file or NCGD_SSH_USER)', group: 'SSH face:' })
    .option('ssh-user-file', { type: 'string', describe: 'File of SSH logins, NAME:PASSWORD one a line (or NCGD_SSH_USER, one a line)', group: 'SSH face:' })
    .option('ssh-authorized-keys', { type: 'string', describe: 'authorized_keys file for SSH public-key logins', group: 'SSH face:' })
    .option('fault', {
      type: 'string',
      array: true,
      describe: `Inject a fault (repeatable): ${faultSyntaxList()}`,
      group: 'Faults:',
    })
    .option('control', { type: 'string', describe: 'Control socket for `nc-grpc-device status`', defaultDescription: '<state-dir>/control.sock', group: 'Observability:' })
    .option('metrics-port', { type: 'number', describe: 'Serve Prometheus metrics on this port', group: 'Observability:' })
    .option('metrics-host', { type: 'string', describe: 'Address the metrics server binds (0.0.0.0 in a container)', default: '127.0.0.1', group: 'Observability:' })
    .option('log-format', { type: 'string', choices: ['json', 'pretty'], describe: 'Log format', defaultDescription: 'pretty on a terminal, else json', group: 'Observability:' })
    .option('log-level', { type: 'string', choices: ['trace', 'debug', 'info', 'warn', 'error'], default: 'info', group: 'Observability:' })
    .option('log-file', { type: 'string', describe: 'Also write an outbound_https.log-style file', group: 'Observability:' })
    .option('boot-time', { type: 'number', describe: "Seconds a reboot keeps the device down (default: the profile's boot time)", group: 'Device:' })
    .option('scenario', { type: 'string', describe: 'Run this scenario file (YAML timeline of events) from the start', group: 'Device:' });
}
