/**
 * get-temperature-threshold-information (`show chassis temperature-thresholds`): the fan
 * and alarm thresholds of each temperature sensor of `show chassis environment` (the same
 * names, so NAPALM's get_environment pairs them), Junos's defaults per item kind.
 */
import { elements, parseXml, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { el, junosNs } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';
import { getEnvironmentInformation } from './get-environment-information.js';
import { profileTemplate } from './template.js';

/** fan normal/high speed, yellow/red alarm, fire shutdown (°C) by what the sensor watches. */
function thresholds(name: string): [number, number, number, number, number] {
  if (/Routing Engine|RE/.test(name)) return [75, 80, 85, 95, 102];
  if (/CPU/.test(name)) return [85, 90, 92, 100, 105];
  if (/FPC|PIC|PEM|Power/.test(name)) return [55, 60, 75, 85, 95];
  return [48, 54, 55, 65, 75];
}

const handler: RpcHandler = async (ctx) => {
  const { device } = ctx;
  // The profile's captured environment when it has one, else the built-in one.
  const env = profileTemplate(device, 'get-environment-information') ?? (getEnvironmentInformation.handler ? await getEnvironmentInformation.handler(ctx) : '');
  const body = typeof env === 'string' ? env : '';
  let names: string[] = [];
  try {
    const root = parseXml(`<r>${body}</r>`);
    // Junos writes <class> on the first item of each class only.
    let cls = '';
    for (const e of elements(elements(root)[0] ?? root).filter((x) => x.name === 'environment-item')) {
      cls = t(e, 'class') || cls;
      if (cls === 'Temp') names.push(t(e, 'name'));
    }
  } catch {
    names = [];
  }
  if (!names.length) names = ['Chassis default', 'Routing Engine'];
  const out = [`<temperature-threshold-information xmlns="${junosNs(device, 'junos-chassis')}">`];
  for (const name of names) {
    const [fanNormal, fanHigh, yellow, red, fire] = thresholds(name);
    out.push('<temperature-threshold>', el('name', name), el('fan-normal-speed', fanNormal), el('fan-high-speed', fanHigh), el('yellow-alarm', yellow), el('red-alarm', red), el('fire-shutdown', fire), '</temperature-threshold>');
  }
  out.push('</temperature-threshold-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = [
    '                           Fan speed      Yellow alarm      Red alarm      Fire Shutdown',
    '                          (degrees C)      (degrees C)     (degrees C)      (degrees C)',
    'Item                     Normal  High     Normal           Normal           Normal',
  ];
  for (const x of elements(info).filter((e) => e.name === 'temperature-threshold')) {
    lines.push(`${pad(t(x, 'name'), 25)}${t(x, 'fan-normal-speed').padStart(6)}${t(x, 'fan-high-speed').padStart(6)}${t(x, 'yellow-alarm').padStart(11)}${t(x, 'red-alarm').padStart(17)}${t(x, 'fire-shutdown').padStart(17)}`);
  }
  return lines.join('\n');
}

export const getTemperatureThresholdInformation: RpcModule = {
  name: 'get-temperature-threshold-information',
  handler,
  cli: [{ words: 'show chassis temperature-thresholds' }],
  text,
};
