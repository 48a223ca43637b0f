/**
 * The order-flow side of an account's risk state: when each order
 * fingerprint was last accepted (duplicates), the latest acceptance times
 * (throttle) and what each credential has open and has traded today.
 */

import { Decimal } from '../trading/decimal.ts';
import type { CredentialUsage } from './state-view.ts';
import { TimestampRing } from './timestamp-ring.ts';

const ZERO_USAGE: CredentialUsage = Object.freeze({ openOrders: 0, dailyNotional: Decimal.ZERO });

export class OrderFlowBook {
  readonly #fingerprints = new Map<string, number>(); // insertion order = time order
  readonly #acceptances: TimestampRing;
  readonly #credentials = new Map<string, CredentialUsage>();

  constructor(throttleCapacity: number) {
    this.#acceptances = new TimestampRing(throttleCapacity);
  }

  get throttleCapacity(): number {
    return this.#acceptances.capacity;
  }

  lastAcceptedAt(fingerprint: string): number | undefined {
    return this.#fingerprints.get(fingerprint);
  }

  recentAcceptance(n: number): number | undefined {
    return this.#acceptances.nthLatest(n);
  }

  credentialUsage(credentialId: string): CredentialUsage {
    return this.#credentials.get(credentialId) ?? ZERO_USAGE;
  }

  /**
   * Records an acceptance. Fingerprints older than the duplicate window are
   * dropped from the front of the Map, so the work is amortised O(1).
   */
  recordAcceptance(fingerprint: string, now: number, duplicateWindowMs: number): void {
    this.#fingerprints.delete(fingerprint); // re-insert so the Map stays in time order
    this.#fingerprints.set(fingerprint, now);
    for (const [key, at] of this.#fingerprints) {
      if (now - at < duplicateWindowMs) break;
      this.#fingerprints.delete(key);
    }
    this.#acceptances.push(now);
  }

  adjustCredential(credentialId: string, openDelta: number, notional: Decimal): void {
    const usage = this.credentialUsage(credentialId);
    this.#credentials.set(credentialId, {
      openOrders: usage.openOrders + openDelta,
      dailyNotional: usage.dailyNotional.add(notional),
    });
  }

  startNewDay(): void {
    for (const [id, usage] of this.#credentials) {
      this.#credentials.set(id, { openOrders: usage.openOrders, dailyNotional: Decimal.ZERO });
    }
  }
}
