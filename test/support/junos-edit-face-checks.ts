/**
 * Junos edit semantics over every face: the same NETCONF exchange, run by each face's test
 * (outbound HTTPS, stdio, SSH with ncclient), and the checks of its replies:
 *  - a partial load keeps the good statements and reports the bad one (`<load-error-count>`);
 *  - the schema decides the XML shape (`autonomous-system` holds `as-number`);
 *  - a delete naming a list without a key (`<address delete="delete"/>`, JSON
 *    `[{"@": {"operation": "delete"}}]`, text `delete: address;`) removes every entry;
 *  - `load override` with an error replaces the candidate with the good part of its input and
 *    reports the bad statement, as Junos' text loader does (`load complete (1 errors)`).
 */
import assert from 'node:assert/strict';

const loadSet = (lines: string) => `<load-configuration action="set" format="text"><configuration-set>${lines}</configuration-set></load-configuration>`;
const editConfig = (body: string) => `<edit-config><target><candidate/></target><config><configuration>${body}</configuration></config></edit-config>`;

/** The RPC bodies (without `<rpc>`), in order. */
export const EDIT_FACE_RPCS = [
  loadSet(
    'set interfaces ge-0/0/3 unit 0 family inet address 10.30.0.1/24\nset interfaces ge-0/0/3 unit 0 family inet address 10.31.0.1/24\n' +
      'set system bogus-statement 1\nset routing-options autonomous-system 65010\n' +
      'set policy-options prefix-list pl-a 10.0.0.0/8\nset policy-options prefix-list pl-b 10.1.0.0/16',
  ),
  '<get-configuration><configuration><routing-options/></configuration></get-configuration>',
  editConfig('<interfaces><interface><name>ge-0/0/3</name><unit><name>0</name><family><inet><address delete="delete"/></inet></family></unit></interface></interfaces>'),
  '<load-configuration action="merge" format="json"><configuration-json>{"configuration":{"policy-options":{"prefix-list":[{"@":{"operation":"delete"}}]}}}</configuration-json></load-configuration>',
  '<load-configuration action="merge" format="text"><configuration-text>snmp { location rack-7; no-such-thing 3; }</configuration-text></load-configuration>',
  '<get-configuration format="set"/>',
  '<load-configuration action="override" format="text"><configuration-text>system {\n    host-name over-1;\n    bogus-x 7;\n}\nsnmp {\n    location rack-9;\n}\n</configuration-text></load-configuration>',
  '<get-configuration format="set"/>',
];

/** Checks the replies to EDIT_FACE_RPCS (one string per RPC, in order). */
export function checkEditFaceReplies(replies: string[], face: string): void {
  assert.ok(replies.length >= EDIT_FACE_RPCS.length, `${face}: ${replies.length} replies`);
  const [partial, xml, keyless, jsonDelete, partialText, set, override, overridden] = replies;
  assert.match(partial, /<bad-element>bogus-statement<\/bad-element>/, `${face}: ${partial}`);
  assert.match(partial, /<load-error-count>1<\/load-error-count>/, `${face}: ${partial}`);
  assert.match(xml, /<autonomous-system>\s*<as-number>65010<\/as-number>\s*<\/autonomous-system>/, `${face}: ${xml}`);
  assert.doesNotMatch(keyless, /<rpc-error>/, `${face}: ${keyless}`);
  assert.doesNotMatch(jsonDelete, /<rpc-error>/, `${face}: ${jsonDelete}`);
  assert.match(partialText, /<bad-element>no-such-thing<\/bad-element>/, `${face}: ${partialText}`);
  assert.match(partialText, /<load-error-count>1<\/load-error-count>/, `${face}: ${partialText}`);
  // The good statements of both partial loads are there; the keyless deletes took every entry.
  assert.match(set, /set routing-options autonomous-system 65010\n/, `${face}: ${set}`);
  assert.match(set, /set snmp location rack-7\n/, `${face}: ${set}`);
  assert.doesNotMatch(set, /10\.3[01]\.0\.1|prefix-list|bogus|no-such-thing/, `${face}: ${set}`);
  // load override with an error: the bad statement reported, the candidate is the good part.
  assert.match(override, /<error-path>\[edit system\]<\/error-path>[\s\S]*<bad-element>bogus-x<\/bad-element>/, `${face}: ${override}`);
  assert.match(override, /<load-error-count>1<\/load-error-count>/, `${face}: ${override}`);
  assert.equal(overridden.replace(/<[^>]*>/g, '\n').match(/^set .*$/gm)?.join('\n'), 'set system host-name over-1\nset snmp location rack-9', `${face}: ${overridden}`);
}
