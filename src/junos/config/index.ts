/**
 * The Junos configuration model and datastore: public surface.
 */
export * from './api.js';
export { ConfigTree, type ConfigNode, type NodeKind, type KeyValue, childrenNamed, leafValue, entryName, nodesEqual } from './tree.js';
export { RULES, TOP_LEVEL, ruleFor, type Rule, type KeyDef } from './schema.js';
export { ConfigSyntaxError, type ConfigProblem } from './errors.js';
export { parseText, renderText, quote, type TextRenderOptions } from './text.js';
export { parseSet, applySetLine, applySetText, renderSet } from './set.js';
export { parseXmlConfig, renderXml, XNM_NS, type XmlRenderOptions } from './xml-config.js';
export { parseJson, renderJson, type JsonRenderOptions } from './json.js';
export { mergeTree, updateTree, moveStatement, schemaOrder, type MergeOptions, type OrderedByUser } from './merge.js';
export { diffTrees } from './diff.js';
export { filterTree } from './filter.js';
export { expandGroups, type ExpandOptions } from './groups.js';
export { createConfigDatastore, type JunosDatastore, type CommitEvent } from './datastore.js';
