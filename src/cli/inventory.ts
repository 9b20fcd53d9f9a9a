/**
 * What NMS tools import for a running fleet, from its control socket's `GET /inventory`:
 * an Ansible inventory (YAML or INI, grouped by profile, with ansible_host, ansible_port,
 * ansible_network_os and ansible_connection host vars), a Nornir SimpleInventory hosts file,
 * CSV, or JSON.
 */
import type { Inventory, InventoryDevice } from '../status/types.js';

export const INVENTORY_FORMATS = ['ansible-yaml', 'ansible-ini', 'nornir', 'csv', 'json'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export interface AnsibleVars {
  /** ansible_network_os, default junipernetworks.junos.junos. */
  networkOs?: string;
  /** ansible_connection, default ansible.netcommon.netconf (or ansible.netcommon.network_cli). */
  connection?: string;
  /** ansible_user, when given. */
  user?: string;
  /** ansible_password (Nornir: password), only when asked for: an inventory is often shared. */
  password?: string;
  /** Where the password is, as a comment at the top (YAML, INI, Nornir) when it is not included. */
  passwordHint?: string;
}

/** A name Ansible takes as a group: letters, digits and underscores. */
function groupName(profile: string): string {
  const g = profile.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(g) ? `_${g}` : g;
}

function hostVars(d: InventoryDevice, a: AnsibleVars): [string, string | number][] {
  const vars: [string, string | number][] = [];
  if (d.ssh) vars.push(['ansible_host', d.ssh.host], ['ansible_port', d.ssh.port]);
  vars.push(['ansible_network_os', a.networkOs ?? 'junipernetworks.junos.junos'], ['ansible_connection', a.connection ?? 'ansible.netcommon.netconf']);
  if (a.user) vars.push(['ansible_user', a.user]);
  if (a.password !== undefined) vars.push(['ansible_password', a.password]);
  vars.push(['junos_model', d.model], ['junos_serial', d.serial]);
  if (d.deviceIds.length) vars.push(['outbound_device_id', d.deviceIds.join(',')]);
  return vars;
}

function byProfile(inv: Inventory): Map<string, InventoryDevice[]> {
  const groups = new Map<string, InventoryDevice[]>();
  for (const d of inv.devices) {
    const g = groupName(d.profile);
    groups.set(g, [...(groups.get(g) ?? []), d]);
  }
  return groups;
}

/** A YAML scalar: JSON's quoting is YAML too. */
const y = (v: string | number): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function iniValue(v: string | number): string {
  const s = String(v);
  return /[\s"'=#;]/.test(s) ? JSON.stringify(s) : s;
}

/** The password hint as comment lines (none when the password is included). */
function hint(a: AnsibleVars): string[] {
  return a.password === undefined && a.passwordHint ? [`# ${a.passwordHint}`] : [];
}

/** The inventory in one of INVENTORY_FORMATS. */
export function formatInventory(inv: Inventory, format: InventoryFormat, a: AnsibleVars = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(inv, null, 2)}\n`;
    case 'csv': {
      const header = ['name', 'n', 'profile', 'model', 'serial', 'device_id', 'state', 'ssh_host', 'ssh_port'];
      // The state as `lab list` shows it: an SSH-only device is `up`.
      const rows = inv.devices.map((d) => [d.hostname, d.n, d.profile, d.model, d.serial, d.deviceIds.join(' '), d.states.join(' ') || (d.ssh ? 'up' : '-'), d.ssh?.host ?? '', d.ssh?.port ?? '']);
      return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
    }
    case 'nornir': {
      // Nornir's SimpleInventory hosts.yaml: platform junos (NAPALM, Netmiko's juniper_junos, PyEZ).
      const out = hint(a);
      for (const d of inv.devices) {
        out.push(`${y(d.hostname)}:`);
        if (d.ssh) out.push(`  hostname: ${y(d.ssh.host)}`, `  port: ${d.ssh.port}`);
        if (a.user) out.push(`  username: ${y(a.user)}`);
        if (a.password !== undefined) out.push(`  password: ${y(a.password)}`);
        out.push('  platform: junos', '  data:', `    profile: ${y(d.profile)}`, `    model: ${y(d.model)}`, `    serial: ${y(d.serial)}`);
        if (d.deviceIds.length) out.push(`    outbound_device_id: ${y(d.deviceIds.join(','))}`);
      }
      return out.join('\n') + '\n';
    }
    case 'ansible-ini': {
      const out: string[] = hint(a);
      for (const [g, devices] of byProfile(inv)) {
        out.push(`[${g}]`);
        for (const d of devices) out.push([d.hostname, ...hostVars(d, a).map(([k, v]) => `${k}=${iniValue(v)}`)].join(' '));
        out.push('');
      }
      return out.join('\n');
    }
    case 'ansible-yaml': {
      const out = [...hint(a), 'all:', '  children:'];
      for (const [g, devices] of byProfile(inv)) {
        out.push(`    ${g}:`, '      hosts:');
        for (const d of devices) {
          out.push(`        ${y(d.hostname)}:`);
          for (const [k, v] of hostVars(d, a)) out.push(`          ${k}: ${y(v)}`);
        }
      }
      return out.join('\n') + '\n';
    }
  }
}
