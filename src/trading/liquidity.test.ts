import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dec } from './decimal.ts';
import { TouchLiquidity } from './liquidity.ts';
import type { Quote } from './quotes.ts';

const quote = (askSize: string, bidSize: string): Quote => ({
  symbol: 'KO',
  bid: dec('61.99'),
  ask: dec('62.01'),
  last: dec('62.00'),
  at: 0,
  askSize: dec(askSize),
  bidSize: dec(bidSize),
});

test('fills on one quote share its displayed size, per side', () => {
  const liquidity = new TouchLiquidity();
  const q = quote('500', '800');
  assert.equal(liquidity.fillable('buy', q, dec('400')).toString(), '400');
  liquidity.take('buy', q, dec('400'));
  assert.equal(liquidity.fillable('buy', q, dec('400')).toString(), '100');
  assert.equal(liquidity.fillable('sell', q, dec('1000')).toString(), '800', 'the bid side is untouched');
  liquidity.take('buy', q, dec('100'));
  assert.equal(liquidity.fillable('buy', q, dec('1')).toString(), '0');
});

test('a new quote of the symbol shows its full displayed size again', () => {
  const liquidity = new TouchLiquidity();
  const first = quote('500', '500');
  liquidity.take('sell', first, dec('500'));
  assert.equal(liquidity.fillable('sell', first, dec('10')).toString(), '0');
  assert.equal(liquidity.fillable('sell', quote('500', '600'), dec('700')).toString(), '600');
});
