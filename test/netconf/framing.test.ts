import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeChunks, encodeMessage, FrameDecoder, type FrameEvent } from '../../src/netconf/framing.js';

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

/** Every way of cutting `stream` into three pieces (two cuts), fed to a fresh decoder. */
function everyTwoCuts(stream: Buffer, mode: 'eom' | 'chunked', expect: string[], max?: number): void {
  for (let a = 0; a <= stream.length; a++) {
    for (let b = a; b <= stream.length; b++) {
      const dec = new FrameDecoder(max);
      dec.mode = mode;
      const evs = feed(dec, [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
      assert.deepEqual(bodies(evs), expect, `cuts at ${a} and ${b}`);
    }
  }
}

test('end-of-message framing: marker split across three pushes at every pair of offsets, with false starts', () => {
  // `]` and `]]>]]` runs just before the marker: a decoder that restarts its search wrongly
  // after a partial match, or loses the bytes before a split marker, fails here.
  const stream = Buffer.from('<a>]</a>]]]>]]><b>]]>]]</b>]]>]]>]]>]]>\n<c/>]]>]]>');
  everyTwoCuts(stream, 'eom', ['<a>]</a>]', '<b>]]>]]</b>', '', '\n<c/>']);
});

test('end-of-message framing: one byte per push and 1 KiB pushes give the same messages as one push', () => {
  const msgs = ['<rpc>' + 'x]'.repeat(3000) + '</rpc>', '\n<?xml version="1.0"?><rpc/>', '\n' + ']'.repeat(2000)];
  const stream = Buffer.from(msgs.map((m) => m + ']]>]]>').join(''));
  for (const step of [1, 5, 6, 7, 1024, stream.length]) {
    const parts: Buffer[] = [];
    for (let i = 0; i < stream.length; i += step) parts.push(stream.subarray(i, i + step));
    assert.deepEqual(bodies(feed(new FrameDecoder(), parts)), msgs, `step ${step}`);
  }
});

test('end-of-message framing: an oversized message with its marker split at every offset is dropped whole', () => {
  const stream = Buffer.from(`<rpc>${'y'.repeat(40)}</rpc>]]>]]><ok/>]]>]]>`);
  everyTwoCuts(stream, 'eom', ['<oversize>', '<ok/>'], 20);
  // Exactly at the limit is still a message.
  everyTwoCuts(Buffer.from('0123456789]]>]]>'), 'eom', ['0123456789'], 10);
  everyTwoCuts(Buffer.from('0123456789A]]>]]>'), 'eom', ['<oversize>'], 10);
});

test('chunked framing: chunk headers and end marker split across three pushes at every pair of offsets', () => {
  const stream = Buffer.concat([encodeChunks('<rpc><a/></rpc>', 4), Buffer.from('\n#3\n]]>\n##\n')]);
  everyTwoCuts(stream, 'chunked', ['<rpc><a/></rpc>', ']]>']);
});

test('a switch to chunked framing inside one push applies to the very next byte', () => {
  const dec = new FrameDecoder();
  const got: string[] = [];
  dec.push(Buffer.concat([Buffer.from('<hello/>]]>]]>'), encodeChunks('<rpc/>', 2)]), (e) => {
    got.push(e.kind === 'message' ? e.body.toString() : e.kind);
    dec.mode = 'chunked';
  });
  assert.deepEqual(got, ['<hello/>', '<rpc/>']);
});

test('reassembly copies each byte a bounded number of times (linear, not quadratic), both framings', () => {
  // Counted, not timed: every byte Buffer.concat produces while a 4 MiB message arrives in
  // 1 KiB pushes (as Juniper's sample NMS sends a big load-configuration).
  const size = 4 * 1024 * 1024;
  const text = '<rpc>' + 'z'.repeat(size) + '</rpc>';
  const concat = Buffer.concat;
  for (const mode of ['eom', 'chunked'] as const) {
    const framed = mode === 'eom' ? Buffer.from(text + ']]>]]>') : encodeChunks(text, 1024);
    const dec = new FrameDecoder(64 * 1024 * 1024);
    dec.mode = mode;
    let copied = 0;
    let got = -1;
    Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
      const b = concat(list, total);
      copied += b.length;
      return b;
    }) as typeof Buffer.concat;
    try {
      for (let i = 0; i < framed.length; i += 1024) dec.push(framed.subarray(i, i + 1024), (e) => (got = e.kind === 'message' ? e.body.length : -2));
    } finally {
      Buffer.concat = concat;
    }
    assert.equal(got, Buffer.byteLength(text), mode);
    assert.ok(copied < 2 * framed.length, `${mode}: ${copied} bytes copied for a ${framed.length}-byte message`);
  }
});
