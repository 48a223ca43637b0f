/** In-process fan-out of account events (orders, fills, state changes) to stream subscribers. */
export interface AccountEvent {
  readonly type: 'order' | 'fill' | 'trading_state' | 'kill_switch' | 'withdrawal';
  readonly accountId: string;
  readonly data: Record<string, unknown>;
}

export class AccountEventHub {
  readonly #listeners = new Map<string, Set<(e: AccountEvent) => void>>();

  subscribe(accountId: string, listener: (e: AccountEvent) => void): () => void {
    let set = this.#listeners.get(accountId);
    if (!set) {
      set = new Set();
      this.#listeners.set(accountId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(accountId);
    };
  }

  emit(event: AccountEvent): void {
    const set = this.#listeners.get(event.accountId);
    if (!set) return;
    for (const l of set) {
      try {
        l(event);
      } catch {
        // one broken stream never stops the others
      }
    }
  }
}
