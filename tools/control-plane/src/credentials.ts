import { generateKeyPairSync, randomBytes } from 'node:crypto'

/** Key material and the admin identity of one control plane. */
export interface PlaneCredentials {
  /** PKCS#8 PEM; the API server signs service-account tokens with it (`--service-account-signing-key-file`). */
  readonly serviceAccountPrivateKeyPem: string
  /** SPKI PEM; the API server verifies service-account tokens with it (`--service-account-key-file`). */
  readonly serviceAccountPublicKeyPem: string
  /** Bearer token of the `admin` user in group `system:masters` (static token file). */
  readonly adminToken: string
}

/** Generates a fresh service-account signing key pair (RSA 2048) and a random admin token. */
export function generateCredentials(): PlaneCredentials {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
  return { serviceAccountPrivateKeyPem: privateKey, serviceAccountPublicKeyPem: publicKey, adminToken: randomBytes(24).toString('hex') }
}

/**
 * Content of the `--token-auth-file`: `token,user,uid,"group1,group2"` per line.
 * The static token authenticator is still supported in 1.35 and spares us client certificates.
 */
export function renderTokenAuthFile(adminToken: string): string {
  return `${adminToken},admin,admin-uid,"system:masters"\n`
}
