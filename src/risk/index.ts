/** The risk domain's public surface: the pre-trade pipeline, its state, margin and trading state. */

export type { CheckInput, RiskCheck } from './check.ts';
export { deny, prepareCheckInput } from './check.ts';
export { DENIAL_CODES, type Denial, type DenialCode, formatDenial } from './codes.ts';
export { isReducing, orderFingerprint, orderMarginRequirement } from './exposure.ts';
export * from './margin.ts';
export {
  type PipelineResult,
  RISK_CHECK_TABLE,
  RISK_CHECKS,
  type RiskCheckDescription,
  runChecks,
  runPipeline,
} from './pipeline.ts';
export { applyFill, averagePrice, type Position, valuePosition } from './positions.ts';
export { AccountRiskState, type AccountRiskStateInit } from './state.ts';
export type { CredentialUsage, OpenOrder, RiskStateView } from './state-view.ts';
export * from './trading-state.ts';
export * from './types.ts';
