import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dec } from './decimal.ts';
import { LedgerBalances, ledgerTxn, transfer } from './ledger.ts';

test('a transfer debits one book and credits the other by the same amount', () => {
  const b = new LedgerBalances();
  b.apply(transfer('deposit', null, 'external', 'cash', dec('100.25')));
  assert.equal(b.balance('cash').toString(), '100.25');
  assert.equal(b.balance('external').toString(), '-100.25');
  assert.ok(b.debits.eq(b.credits));
});

test('a transaction that does not balance is a programming error', () => {
  assert.throws(
    () =>
      ledgerTxn('fill', null, [
        { book: 'cash', amount: dec('1') },
        { book: 'venue', amount: dec('-0.99') },
      ]),
    TypeError,
  );
});

test('a negative transfer moves money the other way and still balances', () => {
  const b = new LedgerBalances();
  b.apply(transfer('fill', 'o1', 'venue', 'cash', dec('-50')));
  assert.equal(b.balance('cash').toString(), '-50');
  assert.ok(b.debits.eq(b.credits));
});
