import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AUDIT_EVENTS } from '../src/audit/index.ts';
import { mermaidDiagram } from '../src/authn/flows/states.ts';
import { SETTINGS } from '../src/config/schema.ts';
import { ERROR_CODES } from '../src/errors/index.ts';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

test('docs/errors.md documents every error code with its HTTP status', () => {
  const doc = read('docs/errors.md');
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    assert.match(doc, new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`), code);
  }
});

test('docs/configuration.md documents every setting with its default', () => {
  const doc = read('docs/configuration.md');
  for (const s of Object.values(SETTINGS)) {
    const def = s.default === undefined ? '' : String(s.default);
    assert.match(
      doc,
      new RegExp(
        `\\|\\s*\`${s.env}\`\\s*\\|\\s*${def ? `\`${def.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\`` : '—'}\\s*\\|`,
      ),
      s.env,
    );
  }
});

test('docs/audit.md lists every audit event name', () => {
  const doc = read('docs/audit.md');
  for (const name of AUDIT_EVENTS) assert.ok(doc.includes(`\`${name}\``), name);
});

test('docs/login-flow.md carries the state diagram generated from the transition table', () => {
  assert.ok(read('docs/login-flow.md').includes(mermaidDiagram()));
});
