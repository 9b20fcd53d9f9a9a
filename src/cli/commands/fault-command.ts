/**
 * `nc-grpc-device fault`: changes a running device's injected faults through its control
 * socket (add, clear, list), or drops all its connections at once.
 */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { FaultSpecError, parseFault } from '../../faults/faults.js';
import { faultSyntaxList } from '../../faults/kinds.js';
import { controlRequest, controlSocketPath } from '../../status/control.js';

const ACTIONS = ['add', 'clear', 'list', 'drop-connections'] as const;
type Action = (typeof ACTIONS)[number];

interface FaultArgs {
  action: string;
  specs?: string[];
  control?: string;
  'state-dir'?: string;
}

function printFaults(faults: string[]): void {
  process.stdout.write(faults.length ? `${faults.join('\n')}\n` : 'no faults injected\n');
}

export const faultCommand: CommandModule<object, FaultArgs> = {
  command: 'fault [action] [specs..]',
  describe: "Inject faults into a running device: add SPEC..., clear, list, drop-connections",
  builder: (y: Argv<object>) =>
    y
      .positional('action', { type: 'string', default: 'list', describe: `what to do: ${ACTIONS.join(', ')}` })
      .positional('specs', {
        type: 'string',
        array: true,
        describe: `fault specs for add: ${faultSyntaxList(' ')}`,
      })
      .option('control', { type: 'string', describe: "the agent's control socket path" })
      .option('state-dir', { type: 'string', describe: 'the state directory given to the agent (its control.sock is used)' })
      .conflicts('control', 'state-dir'),
  handler: async (args) => {
    if (args.control !== undefined && !args.control) throw new UsageError('--control needs a socket path');
    if (args['state-dir'] !== undefined && !args['state-dir']) throw new UsageError('--state-dir needs a directory');
    const action = args.action as Action;
    if (!ACTIONS.includes(action)) throw new UsageError(`unknown fault action "${args.action}" (use ${ACTIONS.join(', ')})`);
    const specs = (args.specs ?? []).map(String);
    if (action === 'add') {
      if (!specs.length) throw new UsageError('fault add needs at least one SPEC, e.g. fault add output-delay=200');
      for (const spec of specs) {
        try {
          parseFault(spec);
        } catch (err) {
          if (err instanceof FaultSpecError) throw new UsageError(err.message);
          throw err;
        }
      }
    } else if (specs.length) {
      throw new UsageError(`fault ${action} takes no specs (got "${specs[0]}")`);
    }
    const path = args.control ?? controlSocketPath(args['state-dir']);
    switch (action) {
      case 'list':
        printFaults((await controlRequest<{ faults: string[] }>(path, 'GET', '/faults')).faults);
        break;
      case 'add':
        printFaults((await controlRequest<{ faults: string[] }>(path, 'POST', '/faults', { add: specs })).faults);
        break;
      case 'clear':
        printFaults((await controlRequest<{ faults: string[] }>(path, 'POST', '/faults', { clear: true })).faults);
        break;
      case 'drop-connections': {
        const { sessions } = await controlRequest<{ sessions: number }>(path, 'POST', '/drop-connections');
        process.stdout.write(`connections dropped (${sessions} session${sessions === 1 ? '' : 's'} cut)\n`);
        break;
      }
    }
  },
};
