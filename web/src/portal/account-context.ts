import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface Account {
  id: string;
  name?: string;
  number?: string;
  currency?: string;
  tradingState?: string;
  [k: string]: unknown;
}

export const AccountContext = createContext<Account | null>(null);
export const useAccount = () => useContext(AccountContext);

export function accountsOf(answer: unknown): Account[] {
  if (Array.isArray(answer)) return answer as Account[];
  const a = (answer as { accounts?: Account[] } | undefined)?.accounts;
  return Array.isArray(a) ? a : [];
}

export function listOf<T>(answer: unknown, key: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  const v = (answer as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(v) ? (v as T[]) : [];
}
