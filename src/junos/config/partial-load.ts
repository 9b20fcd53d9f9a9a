/**
 * Partial loads, as Junos does them: a load whose input has errors keeps every good
 * statement and reports each bad one (the cli says `load complete (1 errors)`,
 * load-configuration answers the rpc-errors and `<load-error-count>`). A bad statement is
 * one that does not read (syntax) or that the schema refuses (unknown statement, bad value);
 * everything else of the same input is loaded.
 *
 *  - setLines: `set`/`delete`/... lines, each read and checked on its own (linear in the
 *    input), applied when good;
 *  - goodPart: a tree read from text, XML or JSON, without its statements at fault.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { editPath } from './errors.js';
import type { Schema } from '../../schema/index.js';
import { ConfigSyntaxError } from './errors.js';
import type { Placer } from './order.js';
import { withoutProblems, toRpcError } from './schema-check.js';
import { applySetLine } from './set.js';
import { conformTree } from './shape.js';
import { ConfigTree, type ConfigNode } from './tree.js';
import { ChildIndex } from './child-index.js';

export interface PartialResult {
  warnings: RpcError[];
  errors: RpcError[];
}

/**
 * Applies set-form lines to `tree`, skipping the lines that do not read or that the schema
 * refuses; returns their errors (and the warnings of the good ones).
 */
export function setLines(tree: ConfigTree, text: string, schema: Schema | undefined, place?: Placer): PartialResult {
  const out: PartialResult = { warnings: [], errors: [] };
  const lines = text.split(/\r?\n/);
  // One index for the whole load: each line finds its place without a scan (linear in the input).
  const index = new ChildIndex();
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx];
    if (!line.trim()) continue;
    try {
      if (schema && /^\s*set\s/.test(line)) {
        // Checked alone first: a statement the schema refuses is not applied.
        const alone = new ConfigTree();
        applySetLine(alone, line, idx + 1);
        const { problems } = withoutProblems(schema, conformTree(alone, schema).root);
        if (problems.length) {
          out.errors.push(...problems.map(toRpcError));
          // Junos keeps what the line says before the refused word (`set protocols ospf
          // topology default metric 1` leaves `topology default`).
          const prefix = validPrefix(line, problems[0].badElement, schema);
          if (prefix) out.warnings.push(...applySetLine(tree, prefix, idx + 1, place, index));
          continue;
        }
      }
      out.warnings.push(...applySetLine(tree, line, idx + 1, place, index));
    } catch (e) {
      if (e instanceof ConfigSyntaxError) out.errors.push(...e.toRpcErrors());
      else throw e;
    }
  }
  return out;
}

/** The words of a set line before `bad`, when they make a statement the schema takes on its own. */
function validPrefix(line: string, bad: string, schema: Schema): string | undefined {
  const words = line.trim().split(/\s+/);
  const at = words.indexOf(bad.split(/\s+/)[0], 2);
  if (at < 3) return undefined;
  const prefix = words.slice(0, at).join(' ');
  try {
    const alone = new ConfigTree();
    applySetLine(alone, prefix, 0);
    return withoutProblems(schema, conformTree(alone, schema).root).problems.length ? undefined : prefix;
  } catch {
    return undefined;
  }
}

/**
 * Reads a load's input with `parse`; on syntax errors keeps what was read around them.
 * With a schema, the input takes the schema's shape and loses the statements it refuses.
 */
export function goodPart(parse: () => ConfigTree, schema: Schema | undefined): { tree: ConfigTree; errors: RpcError[] } {
  let tree: ConfigTree;
  const errors: RpcError[] = [];
  try {
    tree = parse();
  } catch (e) {
    if (!(e instanceof ConfigSyntaxError) || !e.partial) throw e;
    tree = e.partial;
    errors.push(...e.toRpcErrors());
  }
  if (!schema) return { tree, errors };
  conformTree(tree, schema);
  const before = countChildren(tree.root);
  const { root, problems } = withoutProblems(schema, tree.root);
  errors.push(...problems.map(toRpcError));
  if (problems.length) dropEmptied(root, before, [], errors);
  return { tree: new ConfigTree(root), errors };
}

/** Children count of every node with children, to tell which containers a removal emptied. */
function countChildren(root: ConfigNode): WeakMap<ConfigNode, number> {
  const m = new WeakMap<ConfigNode, number>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop() as ConfigNode;
    if (n.children.length) m.set(n, n.children.length);
    stack.push(...n.children);
  }
  return m;
}

/**
 * Removes the containers left empty by the removal of their bad statements (nothing else),
 * each with Junos' warning `statement has no contents; ignored`. A list entry stays, named
 * by its key (Junos keeps `topology default;` when `metric` under it was refused).
 */
function dropEmptied(n: ConfigNode, before: WeakMap<ConfigNode, number>, words: string[], out: RpcError[], depth = 0): void {
  if (depth > 200) return;
  for (const c of n.children) dropEmptied(c, before, c.kind === 'entry' ? [...words, c.name, ...(c.keys ?? []).map((k) => k.value)] : [...words, c.name], out, depth + 1);
  n.children = n.children.filter((c) => {
    const emptied = c.children.length === 0 && (before.get(c) ?? 0) > 0 && c.kind === 'container' && !c.op;
    if (emptied) out.push(new RpcError({ type: 'protocol', tag: 'operation-failed', severity: 'warning', message: 'statement has no contents; ignored', path: editPath(words), badElement: c.name }));
    return !emptied;
  });
}
