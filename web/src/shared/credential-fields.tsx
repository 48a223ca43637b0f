/** The login-name and password fields every sign-in form shows (portal and phone alike). */
export function CredentialFields({
  identifier,
  setIdentifier,
  password,
  setPassword,
}: {
  identifier: string;
  setIdentifier: (value: string) => void;
  password: string;
  setPassword: (value: string) => void;
}) {
  return (
    <>
      <label>
        Login name or email
        <input
          name="identifier"
          autocomplete="username"
          value={identifier}
          onInput={(e) => setIdentifier(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
    </>
  );
}
