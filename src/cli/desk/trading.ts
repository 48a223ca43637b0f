import type { DeskClient } from './client.ts';

export interface Account {
  id: string;
  name?: string;
  tradingState?: string;
}
export interface Position {
  symbol: string;
  quantity: string;
  averagePrice: string | null;
  mark?: string;
  unrealisedPnl?: string;
}
export interface Order {
  id: string;
  symbol: string;
  side: string;
  type: string;
  quantity: string;
  limitPrice: string | null;
  status: string;
  filledQuantity: string;
}
const OPEN = new Set(['new', 'accepted', 'open', 'working', 'partially_filled', 'pending']);

export async function firstAccount(client: DeskClient): Promise<Account> {
  const { accounts } = await client.get<{ accounts: Account[] }>('/accounts');
  const a = accounts[0];
  if (!a) throw new Error('This login has no trading account.');
  return a;
}

export interface Blotter {
  account: Account;
  positions: Position[];
  orders: Order[];
}

export async function loadBlotter(client: DeskClient, account?: Account): Promise<Blotter> {
  const a = account ?? (await firstAccount(client));
  const [detail, positions, orders] = await Promise.all([
    client.get<Account>(`/accounts/${a.id}`),
    client.get<{ positions: Position[] }>(`/accounts/${a.id}/positions`),
    client.get<{ orders: Order[] }>(`/accounts/${a.id}/orders`),
  ]);
  return { account: { ...a, ...detail }, positions: positions.positions, orders: orders.orders };
}

const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));

export function renderBlotter(b: Blotter): string[] {
  const open = b.orders.filter((o) => OPEN.has(o.status));
  const lines = [
    `account ${b.account.name ?? b.account.id}   state: ${b.account.tradingState ?? '?'}`,
    '',
    'POSITIONS',
  ];
  lines.push(`  ${pad('symbol', 14)}${pad('qty', 12)}${pad('avg', 12)}${pad('mark', 12)}p&l`);
  for (const p of b.positions)
    lines.push(
      `  ${pad(p.symbol, 14)}${pad(p.quantity, 12)}${pad(p.averagePrice ?? '-', 12)}${pad(p.mark ?? '-', 12)}${p.unrealisedPnl ?? '-'}`,
    );
  if (!b.positions.length) lines.push('  (none)');
  lines.push('', 'OPEN ORDERS');
  for (const o of open)
    lines.push(
      `  ${pad(o.id, 28)}${pad(o.side, 5)}${pad(o.quantity, 10)}${pad(o.symbol, 14)}${pad(o.type + (o.limitPrice ? ` @ ${o.limitPrice}` : ''), 18)}${o.status}`,
    );
  if (!open.length) lines.push('  (none)');
  return lines;
}

/** `buy 10 AAPL [limit 150.25] [gtc]` → an order body. */
export function parseOrder(words: string[]): Record<string, string> {
  const [side, quantity, symbol, ...rest] = words;
  if ((side !== 'buy' && side !== 'sell') || !quantity || !symbol)
    throw new Error('usage: buy|sell QTY SYMBOL [limit PRICE] [day|gtc|ioc]');
  const body: Record<string, string> = {
    side,
    quantity,
    symbol: symbol.toUpperCase(),
    type: 'market',
    timeInForce: 'day',
  };
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === 'limit' || w === '@') {
      body.type = 'limit';
      body.limitPrice = rest[++i] ?? '';
    } else if (['day', 'gtc', 'ioc'].includes(w)) body.timeInForce = w;
    else throw new Error(`unknown order word "${w}"`);
  }
  return body;
}
