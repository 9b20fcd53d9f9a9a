/** request-shell-execute: a few shell commands NMS tools and PyEZ run over NETCONF. */
import { child, elements, escapeText, textOf } from '../../netconf/xml.js';
import type { RpcHandler, RpcModule } from './types.js';

/** A few shell commands NMS tools and PyEZ use; anything else is "not found". */
const handler: RpcHandler = ({ device, op, user }) => {
  const c = child(op, 'command');
  const cmd = c ? textOf(c).trim() : '';
  let out: string;
  if (cmd === 'sysctl -n hw.re.vmhost_mode') out = '0';
  else if (cmd === 'hostname') out = device.hostname;
  else if (cmd === 'whoami') out = user;
  else if (cmd === 'uname') out = 'JUNOS';
  else if (/^echo( |$)/.test(cmd)) out = cmd.slice(5);
  else out = `sh: ${cmd.split(/\s+/)[0]}: not found`;
  return `<output>\n${escapeText(out)}\n</output>`;
};


export const requestShellExecute: RpcModule = {
  name: 'request-shell-execute',
  handler,
  text: (reply) => textOf(elements(reply)[0]).trim(),
};
