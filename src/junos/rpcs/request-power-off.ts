/** request-power-off (`request system power-off ...`): as halt; the next boot reports a power cycle. */
import { shutdownModule } from './request-reboot.js';

export const requestPowerOff = shutdownModule('request-power-off', 'power-off', 'power-off');
