/**
 * The flags of the device command, derived from the device's settings
 * (src/device/settings.ts): one yargs option per setting, with its help, group and default.
 */
import type { Argv, Options } from 'yargs';
import { DEVICE_SETTINGS, flagOf, settingsFromParsed, SETTING_NAMES, type DeviceSettings, type SettingSpec } from '../device/settings.js';

function yargsOption(s: SettingSpec): Options {
  const o: Options = { type: s.kind === 'strings' ? 'string' : s.kind, group: s.group };
  if (s.kind === 'strings') o.array = true;
  if (s.describe !== undefined) o.describe = s.describe;
  if (s.choices) o.choices = [...s.choices];
  if (s.default !== undefined) o.default = s.default;
  if (s.defaultDescription !== undefined) o.defaultDescription = s.defaultDescription;
  return o;
}

/** Declares every device setting as a flag of `y`. */
export function deviceOptions<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const name of SETTING_NAMES) out = out.option(flagOf(name), yargsOption(DEVICE_SETTINGS[name]));
  return out;
}

/** The device settings of a parsed command line. */
export function deviceSettingsOf(args: Readonly<Record<string, unknown>>): DeviceSettings {
  return settingsFromParsed(args);
}
