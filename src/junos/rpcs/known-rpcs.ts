/**
 * The operational RPCs a real Junos device of a family has, and their input parameters:
 * data/rpcs/<family>.json.gz, generated from Juniper's published YANG by
 * scripts/yang/gen-rpcs.mjs. The registry uses it to tell an RPC Junos lacks (syntax
 * error) from a real one this emulator does not answer, and to reject a parameter the
 * real RPC does not take.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { RPC_FAMILIES, type RpcFamily } from '../identity/family.js';

/** Kind of an RPC input parameter: `flag` an empty element, `leaf` a value. */
export type RpcParamKind = 'flag' | 'leaf' | 'leaf-list' | 'container';


interface RpcList {
  release: string;
  family: string;
  rpcs: Record<string, Record<string, RpcParamKind>>;
}

/** data/rpcs of the repository, from dist/src/junos/rpcs or src/junos/rpcs. */
function rpcsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../../data/rpcs'), path.resolve(here, '../../../data/rpcs')];
  return candidates.find((p) => fs.existsSync(path.join(p, 'junos.json.gz'))) ?? candidates[0];
}

const cache = new Map<string, Map<string, Record<string, RpcParamKind>>>();

/** Every RPC of the family with its parameters; read on first use, shared by the process. */
export function knownRpcs(family: RpcFamily): Map<string, Record<string, RpcParamKind>> {
  let m = cache.get(family);
  if (!m) {
    if (!RPC_FAMILIES.includes(family)) throw new Error(`unknown RPC family '${family}' (one of ${RPC_FAMILIES.join(', ')})`);
    const file = path.join(rpcsDir(), `${family}.json.gz`);
    let data: RpcList;
    try {
      data = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as RpcList;
    } catch (e) {
      throw new Error(`cannot read the RPC list ${file}: ${(e as Error).message}`);
    }
    m = new Map(Object.entries(data.rpcs));
    cache.set(family, m);
  }
  return m;
}
