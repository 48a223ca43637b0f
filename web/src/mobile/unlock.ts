import { b64url, fromB64url } from './device.ts';

/**
 * The app is unlocked with the phone's platform authenticator (fingerprint,
 * face, or screen lock) through WebAuthn with user verification required. The
 * credential is local to the app: the answer's UV flag gates the device key,
 * and push decisions say `userVerified=true` only after it.
 */
export async function createUnlockCredential(label: string): Promise<string | null> {
  if (!('PublicKeyCredential' in window)) return null;
  const cred = (await navigator.credentials.create({
    publicKey: {
      rp: { name: 'Portcullis Mobile', id: location.hostname },
      user: { id: crypto.getRandomValues(new Uint8Array(16)), name: label, displayName: label },
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: {
        authenticatorAttachment: 'platform',
        userVerification: 'required',
        residentKey: 'discouraged',
      },
      timeout: 60_000,
      attestation: 'none',
    },
  })) as PublicKeyCredential | null;
  return cred ? b64url(cred.rawId) : null;
}

/** True when the platform authenticator verified the user (UV flag, bit 2 of the flags byte). */
export async function unlock(credentialId: string): Promise<boolean> {
  const cred = (await navigator.credentials.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      allowCredentials: [{ type: 'public-key', id: fromB64url(credentialId) }],
      userVerification: 'required',
      rpId: location.hostname,
      timeout: 60_000,
    },
  })) as PublicKeyCredential | null;
  if (!cred) return false;
  const data = new Uint8Array((cred.response as AuthenticatorAssertionResponse).authenticatorData);
  return ((data[32] ?? 0) & 0x04) !== 0;
}
