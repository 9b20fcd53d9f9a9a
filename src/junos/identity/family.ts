/**
 * The software family of a device (which published Junos YANG its RPCs come from): part of
 * its identity, named by its profile or told by its model. rpcs/known-rpcs.ts reads the
 * RPC list of a family.
 */
export type RpcFamily = 'junos' | 'junos-es' | 'junos-ex' | 'junos-qfx';
export const RPC_FAMILIES: readonly RpcFamily[] = ['junos', 'junos-es', 'junos-ex', 'junos-qfx'];

/** The family of a model when its profile names none: EX, QFX, SRX by prefix, else junos (MX, PTX, ...). */
export function familyOfModel(model: string): RpcFamily {
  const m = model.toLowerCase();
  if (m.startsWith('qfx')) return 'junos-qfx';
  if (m.startsWith('ex')) return 'junos-ex';
  if (m.startsWith('srx') || m.startsWith('vsrx')) return 'junos-es';
  return 'junos';
}
