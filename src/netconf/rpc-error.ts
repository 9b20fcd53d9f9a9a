/**
 * A NETCONF <rpc-error> as Junos shapes it. Thrown by RPC handlers and the datastore;
 * the session renders it inside <rpc-reply> (or inside the RPC's own result element,
 * e.g. <load-configuration-results>, where Junos puts it there).
 */
import { escapeText } from './xml.js';

export type ErrorType = 'transport' | 'rpc' | 'protocol' | 'application';
export type ErrorSeverity = 'error' | 'warning';

export interface RpcErrorInfo {
  type: ErrorType;
  /** RFC 6241 error-tag, e.g. operation-failed, invalid-value, unknown-element, lock-denied. */
  tag: string;
  severity?: ErrorSeverity;
  /** The human message; rendered with a leading and trailing newline as Junos does. */
  message: string;
  /** error-path, e.g. `[edit]` or `[edit interfaces ge-0/0/0]`. */
  path?: string;
  /** Element named in <error-info><bad-element>. */
  badElement?: string;
  /** Other <error-info> children, already XML. */
  infoXml?: string;
}

export class RpcError extends Error {
  readonly info: Required<Pick<RpcErrorInfo, 'type' | 'tag' | 'severity'>> & RpcErrorInfo;
  constructor(info: RpcErrorInfo) {
    super(info.message);
    this.name = 'RpcError';
    this.info = { severity: 'error', ...info };
  }

  get isWarning(): boolean {
    return this.info.severity === 'warning';
  }

  /** The <rpc-error> element, unprefixed (ncclient finds it only so), one child per line. */
  toXml(): string {
    const i = this.info;
    const lines = ['<rpc-error>'];
    // Warnings carry only severity, path, message and info on Junos.
    if (i.severity === 'error') {
      lines.push(`<error-type>${i.type}</error-type>`);
      lines.push(`<error-tag>${escapeText(i.tag)}</error-tag>`);
    }
    lines.push(`<error-severity>${i.severity}</error-severity>`);
    if (i.path) lines.push(`<error-path>${escapeText(i.path)}</error-path>`);
    lines.push(`<error-message>\n${escapeText(i.message)}\n</error-message>`);
    if (i.badElement !== undefined || i.infoXml) {
      lines.push('<error-info>');
      if (i.badElement !== undefined) lines.push(`<bad-element>${escapeText(i.badElement)}</bad-element>`);
      if (i.infoXml) lines.push(i.infoXml);
      lines.push('</error-info>');
    }
    lines.push('</rpc-error>');
    return lines.join('\n');
  }
}
