import { readFileSync } from 'node:fs';
import { type RawConfig, SETTINGS, type Setting, type SettingName } from './schema.ts';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const ENV_TO_NAME = new Map<string, SettingName>(
  (Object.entries(SETTINGS) as [SettingName, Setting][]).map(([name, s]) => [s.env, name]),
);

function parseValue(setting: Setting, raw: unknown): { value?: unknown; problem?: string } {
  const { kind } = setting;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (kind.type) {
    case 'int': {
      const n =
        typeof text === 'number'
          ? text
          : typeof text === 'string' && /^-?\d+$/.test(text)
            ? Number(text)
            : NaN;
      if (!Number.isSafeInteger(n)) return { problem: `${setting.env} must be a whole number` };
      if (n < kind.min || n > kind.max)
        return { problem: `${setting.env} must be between ${kind.min} and ${kind.max}` };
      return { value: n };
    }
    case 'bool': {
      if (typeof text === 'boolean') return { value: text };
      if (text === 'true' || text === '1') return { value: true };
      if (text === 'false' || text === '0') return { value: false };
      return { problem: `${setting.env} must be true or false` };
    }
    case 'enum': {
      if (typeof text === 'string' && kind.values.includes(text)) return { value: text };
      return { problem: `${setting.env} must be one of ${kind.values.join(', ')}` };
    }
    case 'string': {
      if (typeof text !== 'string' || text === '')
        return { problem: `${setting.env} must be a non-empty string` };
      if (kind.pattern && !kind.pattern.test(text))
        return { problem: `${setting.env} has an invalid format` };
      return { value: text };
    }
  }
}

/**
 * Reads settings from an optional JSON file (PORTCULLIS_CONFIG_FILE, keys are
 * the environment variable names) overlaid by the environment. Every problem
 * is collected and reported at once; unknown PORTCULLIS_* variables and
 * unknown file keys are rejected. The result is frozen.
 */
export function loadRawConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RawConfig> {
  const problems: string[] = [];
  const sources = new Map<SettingName, unknown>();

  const file = env['PORTCULLIS_CONFIG_FILE'];
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`PORTCULLIS_CONFIG_FILE ${file} must hold a JSON object`);
      } else {
        for (const [key, value] of Object.entries(parsed)) {
          const name = ENV_TO_NAME.get(key);
          if (!name) problems.push(`unknown setting "${key}" in ${file}`);
          else sources.set(name, value);
        }
      }
    } catch (err) {
      problems.push(`PORTCULLIS_CONFIG_FILE ${file} cannot be read: ${(err as Error).message}`);
    }
  }

  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const name = ENV_TO_NAME.get(key);
    if (name) sources.set(name, value);
    else if (key.startsWith('PORTCULLIS_') && key !== 'PORTCULLIS_CONFIG_FILE') {
      problems.push(`unknown setting ${key}`);
    }
  }

  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const raw = sources.get(name);
    if (raw === undefined || raw === '') {
      out[name] = setting.default;
      continue;
    }
    const { value, problem } = parseValue(setting, raw);
    if (problem) problems.push(problem);
    else out[name] = value;
  }

  const cfg = out as RawConfig;
  if (problems.length === 0) {
    for (const iface of ['portal', 'mobile', 'desktop'] as const) {
      if (cfg[`${iface}IdleSeconds`] > cfg[`${iface}AbsoluteSeconds`]) {
        problems.push(`PORTCULLIS_${iface.toUpperCase()}_IDLE_SECONDS must not exceed the absolute limit`);
      }
    }
    if (cfg.loginFreeFailures >= cfg.loginMaxFailures) {
      problems.push('PORTCULLIS_LOGIN_FREE_FAILURES must be below PORTCULLIS_LOGIN_MAX_FAILURES');
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(cfg);
}
