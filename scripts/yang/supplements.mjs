/**
 * Statements Junos accepts that the published YANG leaves out (hidden or deprecated in
 * Junos' own schema), written as YANG modules augmenting the family's tree. Keep this
 * list short and give for each the evidence that Junos has the statement.
 */
const HEADER = (name) => `module ${name} {
  namespace "urn:nc-grpc-device:supplement:${name}";
  prefix sup;
  import junos-common-ddl-extensions { prefix junos; }
  import junos-common-types { prefix jt; }
`;

/** `system services web-management http`: SRX 21.4 still takes it (the YANG's own must rule on
 *  web-management names ". http"), but the junos-es YANG does not define it. */
const WEB_HTTP = `
  container http {
    presence "enable http";
    description "Unencrypted HTTP connections";
    leaf-list apply-groups { ordered-by user; type string; }
    leaf-list apply-groups-except { ordered-by user; type string; }
    leaf port {
      default "80";
      type union {
        type string { pattern "<.*>|$.*"; }
        type uint16 { range "1 .. 65535"; }
      }
    }
    leaf-list interface {
      ordered-by user;
      type union {
        type jt:interface-name;
        type string { pattern "<.*>|$.*"; }
      }
    }
  }
`;

/** `security policies default-policy { permit-all; }`: Junos writes the default action as a
 *  statement of its own (`<default-policy><deny-all/></default-policy>`, as Ansible's
 *  junos_security_policies_global sends it and reads it back from vSRX, and as `show security
 *  policies` reports it), where the published YANG has an enumeration leaf `default-action`. */
const DEFAULT_POLICY = `
  choice default-action-choice {
    leaf permit-all {
      description "Permit all traffic if no policy match";
      type empty;
    }
    leaf deny-all {
      description "Deny all traffic if no policy match";
      type empty;
    }
  }
`;

export const SUPPLEMENTS = {
  'junos-es': HEADER('junos-es-supplement') + [
    'augment "/configuration/system/services/web-management" {' + WEB_HTTP + '}',
    'augment "/configuration/groups/system/services/web-management" {' + WEB_HTTP + '}',
    'augment "/configuration/security/policies/default-policy" {' + DEFAULT_POLICY + '}',
    'augment "/configuration/groups/security/policies/default-policy" {' + DEFAULT_POLICY + '}',
  ].join('\n') + '\n}\n',
};
