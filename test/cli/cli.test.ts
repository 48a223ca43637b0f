import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { runCli } from '../../src/cli/index.ts';
import type { Io } from '../../src/cli/output.ts';
import { openStore } from '../../src/store/index.ts';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.ts';
import { TEST_KEK } from '../support/harness.ts';

describe('portcullis CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-cli-'));
  const env = {
    PORTCULLIS_DATA_DIR: dir,
    PORTCULLIS_KEK: TEST_KEK,
    PORTCULLIS_ARGON2_MEMORY_KIB: '8192',
    PORTCULLIS_ARGON2_TIME_COST: '1',
    NODE_ENV: 'test',
  };

  async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io = (json: boolean): Io => ({
      json,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readStdin: async () => {
        let s = '';
        for await (const c of Readable.from([stdin])) s += c;
        return s;
      },
    });
    const code = await runCli(args, io, env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('migrate applies the migrations once', async () => {
    assert.deepEqual(await run(['migrate', '--json']), {
      code: 0,
      out: JSON.stringify({ applied: MIGRATION_NAMES }),
      err: '',
    });
    assert.equal((await run(['migrate'])).out, 'database is up to date');
  });

  test('user add with a password from stdin, then list as JSON', async () => {
    const added = await run(
      ['user', 'add', 'grace', '--email', 'grace@example.com', '--password-stdin', '--json'],
      'a long enough passphrase 9\n',
    );
    assert.equal(added.code, 0);
    const user = JSON.parse(added.out);
    assert.equal(user.loginName, 'grace');
    assert.equal(user.generatedPassword, undefined);
    const list = JSON.parse((await run(['user', 'list', '--json'])).out);
    assert.ok(list.some((u: { loginName: string }) => u.loginName === 'grace'));
  });

  test('user add without a password generates one and shows it once', async () => {
    const added = await run(['user', 'add', 'henry', '--json']);
    assert.equal(added.code, 0);
    assert.match(JSON.parse(added.out).generatedPassword, /^[A-Za-z0-9_-]{20}$/);
  });

  test('a weak password is refused with its reason and exit code 1', async () => {
    const r = await run(['user', 'add', 'ivan', '--password-stdin'], 'password1234');
    assert.equal(r.code, 1);
    assert.match(r.err, /^PASSWORD_COMMON:/);
  });

  test('lock, unlock and disable by login name; an unknown user exits 3', async () => {
    assert.match((await run(['user', 'lock', 'grace', '--reason', 'suspicious'])).out, /status: locked/);
    assert.match((await run(['user', 'unlock', 'grace'])).out, /status: active/);
    assert.match((await run(['user', 'disable', 'grace'])).out, /status: disabled/);
    assert.equal((await run(['user', 'lock', 'nobody'])).code, 3);
  });

  test('session list and revoke of an unknown session', async () => {
    assert.equal((await run(['session', 'list'])).out, '(none)');
    const r = await run(['session', 'revoke', 'ses_doesnotexist']);
    assert.equal(r.code, 3);
    assert.match(r.err, /SESSION_NOT_FOUND/);
  });

  test('app add registers a third-party app with its secret shown once; list; remove; bad input exits 2', async () => {
    const added = await run([
      'app',
      'add',
      'chart-app',
      '--name',
      'Chart App',
      '--redirect-uri',
      'https://charts.example/callback',
      '--redirect-uri',
      'http://127.0.0.1:7000/cb',
      '--json',
    ]);
    assert.equal(added.code, 0, added.err);
    const app = JSON.parse(added.out);
    assert.deepEqual(app.redirectUris, ['https://charts.example/callback', 'http://127.0.0.1:7000/cb']);
    assert.equal(app.kind, 'confidential');
    assert.match(app.clientSecret, /^pca_[A-Za-z0-9_-]{43}$/);
    const store = openStore(`sqlite:${join(dir, 'portcullis.sqlite')}`);
    const rows = await sql<{
      payload: string;
    }>`select payload from oauth_store where id = 'chart-app'`.execute(store.db);
    await store.close();
    assert.equal(rows.rows.length, 1);
    assert.ok(!rows.rows[0]!.payload.includes(app.clientSecret), 'the secret is stored sealed');

    const pub = await run([
      'app',
      'add',
      'phone-app',
      '--name',
      'Phone',
      '--redirect-uri',
      'https://p.example/cb',
      '--public',
    ]);
    assert.equal(pub.code, 0);
    assert.doesNotMatch(pub.out, /clientSecret/);
    assert.equal(
      (await run(['app', 'add', 'phone-app', '--name', 'Again', '--redirect-uri', 'https://p.example/cb']))
        .code,
      1,
    );
    const bad = await run([
      'app',
      'add',
      'x',
      '--name',
      'X',
      '--redirect-uri',
      'http://evil.example/cb#frag',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /\/clientId: /);
    assert.match(bad.err, /\/redirectUris\/0: a redirect URI has no fragment/);
    const plain = await run([
      'app',
      'add',
      'plain-app',
      '--name',
      'P',
      '--redirect-uri',
      'http://evil.example/cb',
    ]);
    assert.equal(plain.code, 2);
    assert.match(plain.err, /https, or http on a loopback address/);
    const list = JSON.parse((await run(['app', 'list', '--json'])).out);
    assert.deepEqual(
      list.map((c: { clientId: string; kind: string }) => [c.clientId, c.kind]),
      [
        ['chart-app', 'confidential'],
        ['phone-app', 'public'],
      ],
    );
    const rotated = JSON.parse((await run(['app', 'rotate', 'chart-app', '--json'])).out);
    assert.match(rotated.clientSecret, /^pca_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(rotated.clientSecret, app.clientSecret);
    const publicRotate = await run(['app', 'rotate', 'phone-app']);
    assert.equal(publicRotate.code, 1);
    assert.match(publicRotate.err, /^OAUTH_CLIENT_PUBLIC:/);
    assert.match((await run(['app', 'remove', 'phone-app'])).out, /grantsRevoked: 0/);
    assert.equal((await run(['app', 'remove', 'phone-app'])).code, 3);
  });

  test('audit tail shows the events and verify exits 0, then 1 naming the first broken link after tampering', async () => {
    const tail = await run(['audit', 'tail', '--limit', '5', '--json']);
    assert.equal(JSON.parse(tail.out).length, 5);
    assert.match((await run(['audit', 'verify'])).out, /^audit chain intact: \d+ events verified$/);
    const store = openStore(`sqlite:${join(dir, 'portcullis.sqlite')}`);
    await sql`update audit_events set reason = 'edited' where seq = 2`.execute(store.db);
    await store.close();
    const broken = await run(['audit', 'verify', '--json']);
    assert.equal(broken.code, 1);
    assert.equal(JSON.parse(broken.out).brokenAt, 2);
  });

  test('usage errors exit 2 and configuration errors exit 4', async () => {
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run(['user', 'add'])).code, 2);
    assert.equal((await run(['--bogus-flag'])).code, 2);
    const out: string[] = [];
    const code = await runCli(
      ['user', 'list'],
      (json) => ({ json, out: (l) => out.push(l), err: (l) => out.push(l), readStdin: async () => '' }),
      {
        ...env,
        PORTCULLIS_PORT: 'x',
      },
    );
    assert.equal(code, 4);
    assert.match(out.join('\n'), /PORTCULLIS_PORT must be a whole number/);
  });
});
