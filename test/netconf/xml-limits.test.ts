import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { EmulatedDevice } from '../../src/junos/device.js';
import { parseXml, child, elements, textOf, XmlSyntaxError, DEFAULT_XML_LIMITS } from '../../src/netconf/xml.js';
import { stubDatastore, TestClient } from '../support/netconf-client.js';

// A full collection before each timed run keeps one run from paying for the garbage of the last.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Best of a few runs, in ms of CPU time of this process (not wall time: the machine is
 * shared, and waiting for a core is not cost).
 */
function bestTime(fn: () => void, runs = 5): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = process.cpuUsage();
    fn();
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function parseOrSyntaxError(text: string): void {
  try {
    parseXml(text);
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
  }
}

/** Hostile shapes, each a function of a size n; doubling n doubles the bytes. */
const SHAPES: Record<string, (n: number) => string> = {
  // K prefix declarations on the root, then N elements under it (nested up to the limit, then siblings)
  'namespaces x elements': (n) => {
    const decl = Array.from({ length: n }, (_, i) => ` xmlns:p${i}="urn:x:${i}"`).join('');
    return `<rpc${decl}>` + '<a><p1:b/></a>'.repeat(n) + '</rpc>';
  },
  'redeclared namespaces at every level': (n) => {
    const levels = 200;
    const per = Math.ceil(n / levels);
    const decl = Array.from({ length: per }, (_, i) => ` xmlns:p${i}="urn:y:${i}"`).join('');
    return '<rpc>' + `<x${decl}>`.repeat(levels) + '<p0:leaf/>'.repeat(n) + '</x>'.repeat(levels) + '</rpc>';
  },
  'unclosed tags': (n) => '<a>'.repeat(n),
  'deep then closed': (n) => '<a>'.repeat(n) + '</a>'.repeat(n),
  'many attributes': (n) => '<rpc ' + Array.from({ length: n }, (_, i) => `a${i}="v${i}"`).join(' ') + '/>',
  entities: (n) => '<rpc><t>' + '&amp;&lt;&#x41;&#66;'.repeat(n) + '</t></rpc>',
  'flat siblings': (n) => '<rpc>' + '<e x="1">t</e>'.repeat(n) + '</rpc>',
};

test('parser: each hostile shape costs linear time (2x input costs at most 2.5x time, same run)', () => {
  for (const [name, make] of Object.entries(SHAPES)) {
    // find a size that takes long enough to measure (>= 25 ms), bounded
    let n = 2000;
    let small = make(n);
    bestTime(() => parseOrSyntaxError(make(20_000)), 5); // warm the compiler on this shape
    while (bestTime(() => parseOrSyntaxError(small), 3) < 25 && n < 2_000_000) small = make((n *= 2));
    const big = make(n * 2);
    // interleaved, so a burst of load elsewhere hits both sizes alike; on a busy machine a
    // round can still be unlucky, so up to three rounds, the best ratio counting (a real
    // quadratic cost fails every round: 2x input then costs about 4x)
    let t1 = Infinity;
    let t2 = Infinity;
    for (let round = 0; round < 3 && !(t2 <= 2.5 * t1); round++) {
      t1 = Infinity;
      t2 = Infinity;
      for (let i = 0; i < 5; i++) {
        t1 = Math.min(t1, bestTime(() => parseOrSyntaxError(small), 1));
        t2 = Math.min(t2, bestTime(() => parseOrSyntaxError(big), 1));
      }
    }
    assert.ok(t2 <= 2.5 * t1, `${name}: ${small.length} bytes ${t1.toFixed(1)} ms, ${big.length} bytes ${t2.toFixed(1)} ms (ratio ${(t2 / t1).toFixed(2)})`);
  }
});

test('parser: namespaces resolve by scope, a redeclaration ends with its element', () => {
  const root = parseXml('<r xmlns="urn:d" xmlns:a="urn:a1"><a:x><a:y xmlns:a="urn:a2"><a:z/></a:y><a:w/></a:x><v xmlns=""/><u/></r>');
  assert.equal(root.ns, 'urn:d');
  const [x, v, u] = elements(root);
  assert.equal(x.ns, 'urn:a1');
  const [y, w] = elements(x);
  assert.equal(y.ns, 'urn:a2');
  assert.equal(elements(y)[0].ns, 'urn:a2');
  assert.equal(w.ns, 'urn:a1');
  assert.equal(v.ns, '');
  assert.equal(u.ns, 'urn:d');
  assert.equal(parseXml('<junos:x/>').ns, '', 'an unbound prefix is no error');
});

test('parser: depth and element count are bounded with a clear error; at the limit it parses', () => {
  const depth = DEFAULT_XML_LIMITS.maxDepth;
  assert.equal(textOf(parseXml('<a>'.repeat(depth) + 'deep' + '</a>'.repeat(depth))), 'deep');
  assert.throws(() => parseXml('<a>'.repeat(depth + 1) + '</a>'.repeat(depth + 1)), (e: Error) => e instanceof XmlSyntaxError && /nested deeper than 256 levels/.test(e.message));
  assert.throws(() => parseXml('<a>'.repeat(1_000_000)), /nested deeper than 256 levels/);
  const limits = { maxDepth: 10, maxElements: 100 };
  assert.equal(elements(parseXml('<r>' + '<e/>'.repeat(99) + '</r>', limits)).length, 99);
  assert.throws(() => parseXml('<r>' + '<e/>'.repeat(100) + '</r>', limits), /more than 100 elements/);
});

test('parser fuzz: random documents either parse or fail with XmlSyntaxError, never anything else', () => {
  let seed = 16;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  const parts = ['<a>', '</a>', '<p:b xmlns:p="urn:p">', '</p:b>', '<c x="1" y=\'2\'/>', '&amp;', '&bogus;', '&#0;', '&#x110000;', 'text', '<![CDATA[<x>]]>', '<!-- c -->', '<?pi x?>', '<!DOCTYPE r [<!ENTITY e "v">]>', '<d xmlns="urn:d" xmlns="urn:e">', '<e a="1" a="2">', '<', '>', '"', "'", '\u0000', '\uFFFE', 'xmlns:q="z"', '<q:f/>'];
  for (let i = 0; i < 3000; i++) {
    let doc = '';
    const len = 1 + rnd(40);
    for (let j = 0; j < len; j++) doc += parts[rnd(parts.length)];
    try {
      const root = parseXml(doc);
      assert.equal(typeof root.name, 'string');
    } catch (err) {
      assert.ok(err instanceof XmlSyntaxError, `${JSON.stringify(doc)}: ${(err as Error).stack}`);
    }
  }
});

test('session: a namespace bomb and a million unclosed tags get an rpc-error, and the session goes on', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'lab-r1', datastoreFactory: stubDatastore });
  try {
    const c = new TestClient(dev.openNetconf());
    await c.open();
    const decl = Array.from({ length: 9000 }, (_, i) => ` xmlns:p${i}="urn:x:${i}"`).join('');
    c.send(`<rpc${decl}>` + '<a>'.repeat(9000) + '</a>'.repeat(9000) + '</rpc>');
    const r1 = await c.next();
    const err = child(parseXml(r1), 'rpc-error')!;
    assert.match(textOf(child(err, 'error-message')!), /nested deeper than 256 levels/);
    c.send('<rpc>' + '<a>'.repeat(1_000_000));
    const r2 = await c.next();
    assert.match(r2, /<rpc-error>[\s\S]*nested deeper than 256 levels/);
    assert.match(await c.rpc('<get-software-information/>'), /<software-information>/);
  } finally {
    await dev.close();
  }
});
