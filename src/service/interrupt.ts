// Signals that interrupt a controlling `start` (Ctrl-C, SIGTERM, a hang-up): caught
// for as long as it runs, so that an interrupted start stops the daemon it spawned
// instead of dying and leaving it half started (docs/contract.md §4).

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Interrupt {
  /** the first of these signals received, if any */
  readonly signal: NodeJS.Signals | undefined;
  /** settles with the first signal received */
  readonly received: Promise<NodeJS.Signals>;
  /** give the signals back their previous handling */
  dispose(): void;
}

export function catchInterrupts(): Interrupt {
  let signal: NodeJS.Signals | undefined;
  let settle!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((resolve) => (settle = resolve));
  // Further signals while the daemon is being stopped are noted and ignored: the cleanup is bounded.
  const handler = (name: NodeJS.Signals): void => {
    if (signal !== undefined) return;
    signal = name;
    settle(name);
  };
  for (const name of SIGNALS) process.on(name, handler);
  return {
    get signal() {
      return signal;
    },
    received,
    dispose() {
      for (const name of SIGNALS) process.off(name, handler);
    },
  };
}
