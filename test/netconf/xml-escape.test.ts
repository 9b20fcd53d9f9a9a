/**
 * Escaping text and attribute values for the XML the device sends: the special characters
 * become entities, everything else (and text with nothing to escape) comes back as it was.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeAttr, escapeText, parseXml, textOf } from '../../src/netconf/xml.js';

test('escapeText: &, < and > become entities; quotes and plain text stay; the result parses back to the input', () => {
  assert.equal(escapeText('ge-0/0/0.0'), 'ge-0/0/0.0');
  assert.equal(escapeText(''), '');
  assert.equal(escapeText('a & b < c > d "e"'), 'a &amp; b &lt; c &gt; d "e"');
  assert.equal(escapeText('&&<<>>'), '&amp;&amp;&lt;&lt;&gt;&gt;');
  for (const s of ['plain', 'x<y', 'a&b&c', '>', 'ünïcödé & <tags>']) assert.equal(textOf(parseXml(`<t>${escapeText(s)}</t>`)), s);
  // A global regular expression keeps state between calls: the same input twice gives the same answer.
  assert.equal(escapeText('1<2'), '1&lt;2');
  assert.equal(escapeText('1<2'), '1&lt;2');
});

test('escapeAttr: double quotes too; the value parses back', () => {
  assert.equal(escapeAttr('plain'), 'plain');
  assert.equal(escapeAttr('say "hi" & <go>'), 'say &quot;hi&quot; &amp; &lt;go&gt;');
  const el = parseXml(`<t a="${escapeAttr('x "y" <z> & w')}"/>`);
  assert.equal(el.attrs.a, 'x "y" <z> & w');
});
