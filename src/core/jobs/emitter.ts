/** A minimal typed event emitter for core code (no `vscode.EventEmitter` here). */
export type Listener<T> = (value: T) => void;

export interface Subscription {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event = (listener: Listener<T>): Subscription => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // A failing listener must not break the others or the poller.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
