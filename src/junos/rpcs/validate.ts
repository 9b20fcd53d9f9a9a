/** Base NETCONF validate: checks the candidate (a url source is not supported). */
import { RpcError } from '../../netconf/rpc-error.js';
import { child } from '../../netconf/xml.js';
import { okWith } from './config-args.js';
import { throwAll } from '../config/errors.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = async ({ config, op }) => {
  const src = child(op, 'source');
  if (src && child(src, 'url')) throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'url is not supported here', badElement: 'url' });
  const problems = config.validateAsync ? await config.validateAsync() : config.validate();
  const errors = problems.filter((e) => !e.isWarning);
  if (errors.length) throwAll(errors);
  return okWith(problems);
};

export const validate: RpcModule = { name: 'validate', handler };
