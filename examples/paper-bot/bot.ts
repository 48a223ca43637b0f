/**
 * An example bot: trades EURUSD on the paper venue within its key's limits,
 * and stops cleanly when it is halted (kill switch, circuit breaker, revoked
 * or suspended key) or interrupted (Ctrl-C).
 *
 *   PC_BASE_URL=http://localhost:8080 PC_KEY_ID=pk_paper_… PC_SECRET=pcs_… PC_ACCOUNT=acc_… \
 *     node examples/paper-bot/bot.ts
 *
 * Strategy (deliberately trivial): every few seconds, buy when flat and sell
 * back when long, one small market order at a time. The key's constraints
 * (maxOrderNotional, maxDailyNotional, symbols) are enforced by the server;
 * the bot additionally never holds more than MAX_POSITION.
 */
import { createHmacSigner, PortcullisClient, PortcullisError } from '../../sdk/src/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

const SYMBOL = process.env['PC_SYMBOL'] ?? 'EURUSD';
const SIZE = process.env['PC_SIZE'] ?? '1000';
const MAX_POSITION = Number(process.env['PC_MAX_POSITION'] ?? '1000');
const INTERVAL_MS = Number(process.env['PC_INTERVAL_MS'] ?? '3000');
const MAX_STEPS = Number(process.env['PC_MAX_STEPS'] ?? '0'); // 0 = until halted

/** Codes that mean "this bot must stop": retrying cannot help and a person must act. */
export const HALTING_CODES = new Set([
  'TRADING_HALTED',
  'CREDENTIAL_SUSPENDED',
  'CREDENTIAL_REVOKED',
  'CREDENTIAL_EXPIRED',
  'TOKEN_REVOKED',
  'ACCOUNT_NOT_ALLOWED',
  'ENVIRONMENT_MISMATCH',
  'IP_NOT_ALLOWED',
]);

export async function runBot(options: {
  client: PortcullisClient;
  accountId: string;
  signal: AbortSignal;
  log?: (line: string) => void;
  maxSteps?: number;
  intervalMs?: number;
}): Promise<{ steps: number; stoppedBy: string }> {
  const { client, accountId, signal } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  let steps = 0;
  while (
    !signal.aborted &&
    (options.maxSteps === undefined || options.maxSteps === 0 || steps < options.maxSteps)
  ) {
    try {
      const held = (await client.positions(accountId, signal)).find((p) => p.symbol === SYMBOL);
      const quantity = Number(held?.quantity ?? '0');
      const side = quantity + Number(SIZE) <= MAX_POSITION ? 'buy' : 'sell';
      const order = await client.placeOrder(
        accountId,
        { symbol: SYMBOL, side, quantity: SIZE, type: 'market', timeInForce: 'day' },
        { signal },
      );
      log(`${new Date().toISOString()} ${side} ${SIZE} ${SYMBOL}: ${order.status ?? 'sent'} (${order.id})`);
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof PortcullisError && HALTING_CODES.has(error.code)) {
        log(`halted: ${error.code} — stopping cleanly (${error.message})`);
        return { steps, stoppedBy: error.code };
      }
      if (error instanceof PortcullisError && error.code === 'MARKET_CLOSED') {
        // Spot FX trades Sunday 17:00 to Friday 17:00 New York; the bot waits for the open.
        log(`market closed for ${SYMBOL}: waiting (PC_SYMBOL chooses another instrument)`);
      } else if (error instanceof PortcullisError && error.status === 422) {
        log(`order refused by risk: ${error.code} ${JSON.stringify(error.details ?? {})}`);
      } else throw error;
    }
    steps++;
    await sleep(options.intervalMs ?? INTERVAL_MS, signal);
  }
  log('stopped');
  return { steps, stoppedBy: signal.aborted ? 'signal' : 'max_steps' };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const client = new PortcullisClient({
    baseUrl: process.env['PC_BASE_URL'] ?? 'http://localhost:8080',
    signer: createHmacSigner(env('PC_KEY_ID'), env('PC_SECRET')),
  });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const result = await runBot({
    client,
    accountId: env('PC_ACCOUNT'),
    signal: controller.signal,
    maxSteps: MAX_STEPS,
  });
  console.log(`done after ${result.steps} steps (${result.stoppedBy})`);
}
