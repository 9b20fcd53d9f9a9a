/** request-halt (`request system halt ...`): the device goes down and stays down until powered on (the `reboot` event). */
import { shutdownModule } from './request-reboot.js';

export const requestHalt = shutdownModule('request-halt', 'halt', 'halt');
