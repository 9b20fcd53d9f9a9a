/**
 * Commit-time checks the emulator can make without a full Junos schema.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { type ConfigNode, type ConfigTree } from './tree.js';

/**
 * Problems that make a commit fail. Today: `apply-groups` naming a group that is not
 * defined (Junos refuses such a commit; the exact wording here is not confirmed).
 */
export function validateTree(tree: ConfigTree): RpcError[] {
  const groups = new Set(tree.root.children.filter((c) => c.name === 'groups' && c.kind === 'entry').map((c) => c.keys?.[0]?.value));
  const errors: RpcError[] = [];
  const visit = (n: ConfigNode, words: string[]): void => {
    for (const c of n.children) {
      if (c.inactive) continue;
      if (c.name === 'apply-groups' && c.kind === 'leaf') {
        if (!groups.has(c.value)) {
          errors.push(
            new RpcError({
              type: 'protocol',
              tag: 'operation-failed',
              message: `apply-group '${c.value}' is not defined`,
              path: words.length ? `[edit ${words.join(' ')}]` : '[edit]',
            }),
          );
        }
      }
      if (c.name === 'groups' && c.kind === 'entry') continue;
      visit(c, [...words, c.name, ...(c.keys ?? []).map((k) => k.value)]);
    }
  };
  visit(tree.root, []);
  return errors;
}
