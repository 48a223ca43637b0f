/**
 * Who may trade what: trading state, the member's role, product permissions.
 */

import type { Instrument } from '../../trading/instruments.ts';
import { isEligible } from '../../trading/instruments.ts';
import { type CheckInput, deny, type RiskCheck } from '../check.ts';
import type { Denial } from '../codes.ts';
import { callCover, worstCaseShares } from '../exposure.ts';
import { admitsOrder } from '../trading-state.ts';
import { type ProductPermissions, TRADING_ROLES } from '../types.ts';

export const tradingStateCheck: RiskCheck = {
  name: 'trading_state',
  codes: ['TRADING_HALTED', 'TRADING_REDUCING_ONLY', 'REDUCE_ONLY_WOULD_INCREASE'],
  description:
    'HALTED refuses every order; REDUCING and reduce-only orders pass only if they shrink a position without flipping it.',
  run({ order, state, position, openSameSide, reducing }) {
    const values = {
      state: state.tradingState,
      position,
      open_same_side: openSameSide,
      quantity: order.quantity,
    };
    if (state.tradingState === 'HALTED') {
      return deny('trading_state', 'TRADING_HALTED', 'Trading is halted for this account.', {
        state: 'HALTED',
      });
    }
    if (!admitsOrder(state.tradingState, reducing)) {
      return deny('trading_state', 'TRADING_REDUCING_ONLY', 'The account may only reduce positions.', values);
    }
    if (order.reduceOnly === true && !reducing) {
      return deny(
        'trading_state',
        'REDUCE_ONLY_WOULD_INCREASE',
        'A reduce-only order would increase the position.',
        values,
      );
    }
    return null;
  },
};

export const roleCheck: RiskCheck = {
  name: 'role',
  codes: ['ROLE_CANNOT_TRADE'],
  description: 'Owners, traders and advisors may place orders; viewers may not.',
  run({ ctx }) {
    if (TRADING_ROLES.has(ctx.actor.role)) return null;
    return deny('role', 'ROLE_CANNOT_TRADE', `The ${ctx.actor.role} role cannot place orders.`, {
      role: ctx.actor.role,
    });
  },
};

function permissionFor(instrument: Instrument, permissions: ProductPermissions): boolean {
  switch (instrument.assetClass) {
    case 'stock':
    case 'etf':
      return permissions.stocks;
    case 'option':
      return permissions.options >= 1;
    case 'future':
      return permissions.futures;
    case 'forex':
      return permissions.forex;
    case 'forecast':
      return permissions.forecast;
  }
}

const NEEDS_MARGIN_ALWAYS = new Set(['future', 'forex']);

function optionDenial(input: CheckInput, instrument: Instrument): Denial | null {
  const { order, ctx } = input;
  if (instrument.assetClass !== 'option' || order.side !== 'sell') return null;
  const level = ctx.account.permissions.options;
  const margin = ctx.account.accountType === 'margin';
  if (instrument.right === 'put') {
    if (level >= 2) return null;
    return deny('product_permission', 'OPTION_LEVEL_INSUFFICIENT', 'Selling puts needs option level 2.', {
      strategy: 'short_put',
      level,
      required: 2,
    });
  }
  const cover = callCover(input.state, instrument, order.side, order.quantity);
  if (cover.coveredAfter) return null;
  if (level < 4) {
    return deny('product_permission', 'OPTION_LEVEL_INSUFFICIENT', 'Uncovered calls need option level 4.', {
      strategy: 'uncovered_call',
      level,
      required: 4,
      shares: cover.shares,
      short_call_exposure: cover.exposureAfter,
    });
  }
  if (!margin) {
    return deny('product_permission', 'MARGIN_ACCOUNT_REQUIRED', 'Uncovered calls need a margin account.', {
      strategy: 'uncovered_call',
    });
  }
  return null;
}

/** Selling shares that cover short calls would leave them naked: level 4 only. */
function uncoverDenial(input: CheckInput, instrument: Instrument): Denial | null {
  const { order, state, ctx } = input;
  if (order.side !== 'sell' || (instrument.assetClass !== 'stock' && instrument.assetClass !== 'etf'))
    return null;
  if (ctx.account.permissions.options >= 4) return null;
  const exposure = state.shortCallExposure(instrument.symbol);
  if (exposure.isZero()) return null;
  const sharesAfter = worstCaseShares(state, instrument.symbol).sub(order.quantity);
  if (sharesAfter.gte(exposure)) return null;
  return deny(
    'product_permission',
    'OPTION_LEVEL_INSUFFICIENT',
    'The shares cover short calls; selling them needs level 4.',
    {
      strategy: 'uncover_short_calls',
      level: ctx.account.permissions.options,
      required: 4,
      shares_after: sharesAfter,
      short_call_exposure: exposure,
    },
  );
}

export const productPermissionCheck: RiskCheck = {
  name: 'product_permission',
  codes: [
    'PRODUCT_NOT_PERMITTED',
    'INSTRUMENT_NOT_ELIGIBLE',
    'MARGIN_ACCOUNT_REQUIRED',
    'OPTION_LEVEL_INSUFFICIENT',
  ],
  description:
    'Opening or enlarging needs the product class permission, regional eligibility, a margin account for shorts/futures/FX/uncovered options, and the option level for the strategy. Reducing orders pass, except selling shares that cover short calls below level 4.',
  run(input) {
    const { instrument, ctx, order, reducing } = input;
    if (instrument === undefined) return null;
    const uncover = uncoverDenial(input, instrument);
    if (uncover !== null || reducing) return uncover;
    const account = ctx.account;
    if (!permissionFor(instrument, account.permissions)) {
      return deny(
        'product_permission',
        'PRODUCT_NOT_PERMITTED',
        `The account may not trade ${instrument.assetClass}.`,
        {
          asset_class: instrument.assetClass,
        },
      );
    }
    if (!isEligible(instrument, account.region)) {
      return deny(
        'product_permission',
        'INSTRUMENT_NOT_ELIGIBLE',
        `${instrument.symbol} is not offered in ${account.region}.`,
        {
          symbol: instrument.symbol,
          region: account.region,
        },
      );
    }
    if (account.accountType === 'cash') {
      const shortStock =
        (instrument.assetClass === 'stock' || instrument.assetClass === 'etf') && order.side === 'sell';
      if (NEEDS_MARGIN_ALWAYS.has(instrument.assetClass) || shortStock) {
        return deny('product_permission', 'MARGIN_ACCOUNT_REQUIRED', 'This order needs a margin account.', {
          asset_class: instrument.assetClass,
          side: order.side,
        });
      }
    }
    return optionDenial(input, instrument);
  },
};
