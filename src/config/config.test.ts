import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from './index.ts';
import { loadRawConfig } from './load.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'pc-config-'));
const KEK = `k1:${Buffer.alloc(32, 1).toString('base64')}`;

test('defaults give the embedded development setup on port 8080 with SQLite in the data folder', () => {
  const dir = tmp();
  const cfg = resolveConfig(loadRawConfig({ PORTCULLIS_DATA_DIR: dir }));
  assert.equal(cfg.port, 8080);
  assert.equal(cfg.databaseUrl, `sqlite:${join(dir, 'portcullis.sqlite')}`);
  assert.equal(cfg.portalIdleSeconds, 900);
  assert.equal(cfg.portalAbsoluteSeconds, 43200);
  assert.ok(Object.isFrozen(cfg));
});

test('every problem is reported at once', () => {
  try {
    loadRawConfig({
      PORTCULLIS_PORT: 'eighty',
      PORTCULLIS_LOG_LEVEL: 'loud',
      PORTCULLIS_LOGIN_MAX_FAILURES: '500',
      PORTCULLIS_TYPO: '1',
    });
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems.sort(), [
      'PORTCULLIS_LOGIN_MAX_FAILURES must be between 3 and 100',
      'PORTCULLIS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      'PORTCULLIS_PORT must be a whole number',
      'unknown setting PORTCULLIS_TYPO',
    ]);
  }
});

test('a configuration file is read, overlaid by the environment, and unknown keys in it are rejected', () => {
  const dir = tmp();
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ PORTCULLIS_PORT: 9000, PORTCULLIS_HOST: '0.0.0.0' }));
  const cfg = loadRawConfig({ PORTCULLIS_CONFIG_FILE: file, PORTCULLIS_HOST: '127.0.0.2' });
  assert.equal(cfg.port, 9000);
  assert.equal(cfg.host, '127.0.0.2');
  writeFileSync(file, JSON.stringify({ PORTCULLIS_PORTT: 9000 }));
  assert.throws(() => loadRawConfig({ PORTCULLIS_CONFIG_FILE: file }), /unknown setting "PORTCULLIS_PORTT"/);
});

test('an idle limit longer than the absolute limit is refused', () => {
  assert.throws(
    () =>
      loadRawConfig({ PORTCULLIS_PORTAL_IDLE_SECONDS: '7200', PORTCULLIS_PORTAL_ABSOLUTE_SECONDS: '3600' }),
    /PORTAL_IDLE_SECONDS must not exceed/,
  );
});

test('development generates a key-encryption key in the data folder, readable only by the owner, with a loud warning', () => {
  const dir = tmp();
  const cfg = resolveConfig(loadRawConfig({ PORTCULLIS_DATA_DIR: dir }));
  assert.ok(cfg.warnings.some((w) => w.startsWith('INSECURE DEVELOPMENT DEFAULT') && w.includes('dev-kek')));
  assert.equal(statSync(join(dir, 'dev-kek')).mode & 0o777, 0o600);
  const again = resolveConfig(loadRawConfig({ PORTCULLIS_DATA_DIR: dir }));
  const sealed = cfg.keyRing.seal('x', 'a');
  assert.equal(again.keyRing.open(sealed, 'a').toString(), 'x');
  assert.match(readFileSync(join(dir, 'dev-kek'), 'utf8'), /^dev:/);
});

test('production refuses generated keys, plain http and the demo user, all in one report', () => {
  try {
    resolveConfig(loadRawConfig({ NODE_ENV: 'production', PORTCULLIS_DATA_DIR: tmp() }));
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3);
    assert.ok(err.problems.some((p) => p.includes('PORTCULLIS_KEK is required')));
    assert.ok(err.problems.some((p) => p.includes('must be https')));
    assert.ok(err.problems.some((p) => p.includes('DEMO_USER')));
  }
});

test('production with a configured key, https and no demo user starts without warnings', () => {
  const cfg = resolveConfig(
    loadRawConfig({
      NODE_ENV: 'production',
      PORTCULLIS_KEK: KEK,
      PORTCULLIS_PUBLIC_ORIGIN: 'https://broker.example',
      PORTCULLIS_DEMO_USER: 'false',
      PORTCULLIS_DATA_DIR: tmp(),
    }),
  );
  assert.deepEqual(cfg.warnings, []);
  assert.equal(cfg.keyRing.activeKid, 'k1');
});

test('plain http is allowed only for localhost', () => {
  assert.throws(
    () =>
      resolveConfig(
        loadRawConfig({ PORTCULLIS_PUBLIC_ORIGIN: 'http://broker.example', PORTCULLIS_KEK: KEK }),
      ),
    /only for localhost/,
  );
});
