/**
 * hp.certification's one business method (hp_growth/models/hp_certification.py):
 * `action_revoke` is `self.write({'state': 'revoked'})`, so it asks what a write asks (the write
 * ACL: operators and admins; members read only) and revoking a revoked or expired certification
 * again is no error. REST's POST /ops/certifications/{id}/revoke and hp.certification.action_revoke
 * over RPC both run this with their own writer.
 */
export interface CertificationWriter {
  write(ids: readonly number[], vals: { state: 'revoked' }): Promise<void>;
}

export async function revokeCertifications(writer: CertificationWriter, ids: readonly number[]): Promise<true> {
  await writer.write(ids, { state: 'revoked' });
  return true;
}
