/**
 * request-package-add (`request system software add PACKAGE [validate | no-validate]
 * [reboot]`), request-package-validate, request-package-rollback and
 * request-package-checks-pending-install: the device's software (../life/software.ts).
 * Each answers `<output>` and `<package-result>` (0 success) as Junos does; PyEZ's SW reads both.
 */
import { child, elements, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';
import { devicePath } from '../files/index.js';
import { softwareOf, type PackageResult } from '../life/software.js';
import { bootOf } from '../life/boot.js';
import { fileParam } from './file-copy.js';
import { t } from './formats.js';
import type { RpcContext, RpcModule } from './types.js';

function answer(r: PackageResult): string {
  return `<output>${escapeText(r.output)}</output>\n<package-result>${r.ok ? 0 : 1}</package-result>`;
}

const text = (reply: XmlElement) => `${elements(reply).filter((e) => e.name === 'output').map((e) => textOf(e).trim()).filter(Boolean).join('\n')}\n`;

const software = (ctx: RpcContext) => softwareOf(ctx.device);
const packagePath = (ctx: RpcContext) => devicePath(fileParam(ctx.op, 'package-name'), `/var/home/${ctx.user}`);

export const requestPackageAdd: RpcModule = {
  name: 'request-package-add',
  handler: async (ctx) =>
    answer(await software(ctx).add(packagePath(ctx), { validate: child(ctx.op, 'validate') !== undefined, reboot: child(ctx.op, 'reboot') !== undefined, user: ctx.user })),
  cli: [
    {
      words: 'request system software add',
      args: [{ flag: 'validate' }, { flag: 'no-validate' }, { flag: 'reboot' }, { flag: 're0' }, { flag: 're1' }, { flag: 'force' }, { positional: 'package-name', required: true }],
    },
  ],
  text,
};

export const requestPackageValidate: RpcModule = {
  name: 'request-package-validate',
  handler: async (ctx) => answer(await software(ctx).validate(packagePath(ctx))),
  cli: [{ words: 'request system software validate', args: [{ positional: 'package-name', required: true }] }],
  text,
};

export const requestPackageRollback: RpcModule = {
  name: 'request-package-rollback',
  handler: async (ctx) => {
    const r = await software(ctx).rollback();
    if (child(ctx.op, 'reboot') !== undefined && r.ok) {
      bootOf(ctx.device).request({ kind: 'reboot', user: ctx.user, message: 'software rollback' });
    }
    return answer(r);
  },
  cli: [{ words: 'request system software rollback', args: [{ flag: 'reboot' }, { flag: 'force' }] }],
  text,
};

export const requestPackageChecksPendingInstall: RpcModule = {
  name: 'request-package-checks-pending-install',
  handler: (ctx) => answer(software(ctx).pendingCheck()),
  text: (reply) => t(reply, 'output'),
};
