import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeChunks, encodeMessage, FrameDecoder, type FrameEvent } from '../src/netconf/framing.js';

function feed(dec: FrameDecoder, parts: Buffer[]): FrameEvent[] {
  const out: FrameEvent[] = [];
  for (const p of parts) dec.push(p, (e) => out.push(e));
  return out;
}
const bodies = (evs: FrameEvent[]) => evs.map((e) => (e.kind === 'message' ? e.body.toString('utf8') : `<${e.kind}>`));

test('end-of-message framing: marker split at every byte position', () => {
  const stream = Buffer.from('<rpc><a/></rpc>]]>]]><rpc><b/></rpc>]]>]]>');
  for (let cut = 1; cut < stream.length; cut++) {
    const dec = new FrameDecoder();
    const evs = feed(dec, [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.deepEqual(bodies(evs), ['<rpc><a/></rpc>', '<rpc><b/></rpc>'], `cut at ${cut}`);
  }
});

test('end-of-message framing: one byte per read, and several messages in one read', () => {
  const stream = Buffer.from('<x>é</x>]]>]]>\n<y/>]]>]]>\n<z/>]]>]]>');
  const dec = new FrameDecoder();
  const evs = feed(dec, [...stream].map((b) => Buffer.from([b])));
  assert.deepEqual(bodies(evs), ['<x>é</x>', '\n<y/>', '\n<z/>']);
  assert.deepEqual(bodies(feed(new FrameDecoder(), [stream])), ['<x>é</x>', '\n<y/>', '\n<z/>']);
});

test('chunked framing: multi-chunk message with multibyte UTF-8 split inside characters', () => {
  const text = '<rpc><x>' + 'żółw—日本語'.repeat(20) + '</x></rpc>';
  const framed = Buffer.concat([encodeChunks(text, 7), encodeChunks('<rpc><y/></rpc>', 1000)]);
  for (const step of [1, 2, 3, 5, 13, 64, framed.length]) {
    const dec = new FrameDecoder();
    dec.mode = 'chunked';
    const parts: Buffer[] = [];
    for (let i = 0; i < framed.length; i += step) parts.push(framed.subarray(i, i + step));
    assert.deepEqual(bodies(feed(dec, parts)), [text, '<rpc><y/></rpc>'], `step ${step}`);
  }
});

test('chunked framing: header split at every byte position, byte counts are bytes', () => {
  const framed = Buffer.from('\n#4\nab€\n#2\ncd\n##\n'.replace('ab€', 'a€'), 'utf8');
  // '€' is 3 bytes, so "a€" is 4 bytes.
  for (let cut = 1; cut < framed.length; cut++) {
    const dec = new FrameDecoder();
    dec.mode = 'chunked';
    assert.deepEqual(bodies(feed(dec, [framed.subarray(0, cut), framed.subarray(cut)])), ['a€cd'], `cut ${cut}`);
  }
});

test('chunked framing: a broken header is a framing error and stops decoding', () => {
  const dec = new FrameDecoder();
  dec.mode = 'chunked';
  const evs = feed(dec, [Buffer.from('\n#x\nab\n##\n'), Buffer.from('\n#2\nab\n##\n')]);
  assert.equal(evs.length, 1);
  assert.equal(evs[0].kind, 'framing-error');
});

test('oversized message is dropped and the next one still arrives (both framings)', () => {
  const big = '<rpc>' + 'x'.repeat(5000) + '</rpc>';
  const dec = new FrameDecoder(1000);
  const stream = Buffer.from(`${big}]]>]]><rpc><ok/></rpc>]]>]]>`);
  const parts: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 97) parts.push(stream.subarray(i, i + 97));
  assert.deepEqual(bodies(feed(dec, parts)), ['<oversize>', '<rpc><ok/></rpc>']);

  const cdec = new FrameDecoder(1000);
  cdec.mode = 'chunked';
  const cs = Buffer.concat([encodeChunks(big, 300), encodeChunks('<rpc><ok/></rpc>', 4)]);
  const cparts: Buffer[] = [];
  for (let i = 0; i < cs.length; i += 33) cparts.push(cs.subarray(i, i + 33));
  assert.deepEqual(bodies(feed(cdec, cparts)), ['<oversize>', '<rpc><ok/></rpc>']);
});

test('encodeMessage frames for each mode', () => {
  assert.equal(encodeMessage('<a/>', 'eom').toString(), '<a/>\n]]>]]>\n');
  const c = encodeMessage('<a>é</a>', 'chunked').toString('utf8');
  assert.equal(c, '\n#10\n<a>é</a>\n\n##\n');
});
