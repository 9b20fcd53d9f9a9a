/**
 * Problems found while reading configuration input, and their Junos rpc-error form.
 */
import type { ConfigTree } from './tree.js';
import { RpcError } from '../../netconf/rpc-error.js';

export interface ConfigProblem {
  /** Junos wording: `syntax error`, `error recovery ignores input until this point`, ... */
  message: string;
  /** The offending token, as Junos puts it in <bad-element>. */
  badElement?: string;
  /** 1-based line of the input (text and set forms). */
  line?: number;
  /** Hierarchy where it happened, e.g. `[edit system services]`. */
  path?: string;
}

/** Thrown by the parsers; `problems` holds every error found (Junos reports them all). */
export class ConfigSyntaxError extends Error {
  /** `partial`: what was read around the problems (a partial load keeps it, as Junos does). */
  constructor(readonly problems: ConfigProblem[], readonly partial?: ConfigTree) {
    super(describe(problems[0]));
    this.name = 'ConfigSyntaxError';
  }

  /** One line per problem, for a configuration file: `FILE:LINE: syntax error: TOKEN`. */
  describe(source = 'input'): string {
    return this.problems.map((p) => `${source}:${p.line ?? '?'}: ${describe(p)}`).join('\n');
  }

  /** The rpc-errors Junos answers a bad load with. */
  toRpcErrors(): RpcError[] {
    return this.problems.map(
      (p) =>
        new RpcError({
          type: 'protocol',
          tag: 'operation-failed',
          message: p.message,
          path: p.path,
          badElement: p.badElement,
        }),
    );
  }
}

function describe(p: ConfigProblem | undefined): string {
  if (!p) return 'configuration error';
  const where = p.path ? ` at ${p.path}` : '';
  return p.badElement !== undefined ? `${p.message}: ${p.badElement}${where}` : `${p.message}${where}`;
}

/** `[edit a b c]` from path words. */
export function editPath(words: readonly string[]): string {
  return words.length ? `[edit ${words.join(' ')}]` : '[edit]';
}

export function asRpcErrors(err: unknown): RpcError[] {
  if (err instanceof ConfigSyntaxError) return err.toRpcErrors();
  if (err instanceof RpcError) return [err];
  throw err;
}

/**
 * Several rpc-errors answered together (a load with many syntax errors, a commit check
 * with many problems). Behaves as its first error; toXml() renders them all.
 */
export class RpcErrorList extends RpcError {
  constructor(readonly errors: RpcError[]) {
    super(errors[0].info);
    this.name = 'RpcErrorList';
  }

  override toXml(): string {
    return this.errors.map((e) => e.toXml()).join('\n');
  }
}

/** Throws the given errors as one RpcError (an RpcErrorList when there are several). */
export function throwAll(errors: RpcError[]): never {
  if (errors.length === 1) throw errors[0];
  throw new RpcErrorList(errors);
}
