/** get-ospf-interface-information (`show ospf interface [X] [brief|detail|extensive] [instance I] [area A]`): ./ospf-parts-interfaces.ts. */
import { ospfInterfaceModule } from './ospf-parts-interfaces.js';

export const getOspfInterfaceInformation = ospfInterfaceModule('ospf');
