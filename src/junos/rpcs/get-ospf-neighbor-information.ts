/** get-ospf-neighbor-information (`show ospf neighbor [ADDRESS|ID] [brief|detail|extensive] [instance I] [area A] [interface X]`): ./ospf-parts-neighbors.ts. */
import { ospfNeighborModule } from './ospf-parts-neighbors.js';

export const getOspfNeighborInformation = ospfNeighborModule('ospf');
