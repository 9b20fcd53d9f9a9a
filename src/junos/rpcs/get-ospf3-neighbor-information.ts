/** get-ospf3-neighbor-information (`show ospf3 neighbor [ADDRESS|ID] [brief|detail|extensive] [instance I] [area A] [interface X]`): ./ospf-parts-neighbors.ts. */
import { ospfNeighborModule } from './ospf-parts-neighbors.js';

export const getOspf3NeighborInformation = ospfNeighborModule('ospf3');
