import { BerWriter, type Client } from 'ldapts';

/** RFC 3062 LDAP Password Modify extended operation. */
export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';

/**
 * The request value: PasswdModifyRequestValue ::= SEQUENCE { userIdentity [0] OCTET STRING OPTIONAL,
 * oldPasswd [1] OCTET STRING OPTIONAL, newPasswd [2] OCTET STRING OPTIONAL }. ldapts has no helper,
 * so we encode it ourselves (context-specific primitive tags 0x80, 0x81, 0x82).
 */
export function passwordModifyValue(input: {
  userDn: string;
  oldPassword: string;
  newPassword: string;
}): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeString(input.userDn, 0x80);
  writer.writeString(input.oldPassword, 0x81);
  writer.writeString(input.newPassword, 0x82);
  writer.endSequence();
  return writer.buffer;
}

/** Sends the password-modify operation on a connection already bound as the user. */
export async function passwordModify(
  client: Client,
  input: { userDn: string; oldPassword: string; newPassword: string },
): Promise<void> {
  await client.exop(PASSWORD_MODIFY_OID, passwordModifyValue(input));
}
