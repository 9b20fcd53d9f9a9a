/** TCP port numbers as every face checks them. */

/** A port to dial or to name in a configuration: 1-65535. */
export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** A port to listen on: 1-65535, or 0 for a free one. */
export function isListenPort(n: unknown): n is number {
  return n === 0 || isPort(n);
}

/** A port written as decimal digits (a configuration's or an argument's text), or undefined. */
export function portOfText(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return isPort(n) ? n : undefined;
}
