/** get-ospf3-interface-information (`show ospf3 interface [X] [brief|detail|extensive] [instance I] [area A]`): ./ospf-parts-interfaces.ts. */
import { ospfInterfaceModule } from './ospf-parts-interfaces.js';

export const getOspf3InterfaceInformation = ospfInterfaceModule('ospf3');
