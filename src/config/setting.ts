/** The shape of one setting: its environment variable, its default, and how it is parsed and checked. */
export type SettingKind =
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'string'; pattern?: RegExp; optional?: boolean }
  | { type: 'enum'; values: readonly string[] };

export interface Setting {
  readonly env: string;
  readonly kind: SettingKind;
  readonly default: string | number | boolean | undefined;
  readonly description: string;
}

export const int = (min: number, max: number) => ({ type: 'int' as const, min, max });
