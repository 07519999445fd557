/** Clean-up steps (child processes, the throwaway database) that must run even when the bench is interrupted. */
const steps = new Set<() => Promise<void> | void>();

/** Registers a clean-up step; returns a function that unregisters it. */
export function onCleanup(step: () => Promise<void> | void): () => void {
  steps.add(step);
  return () => steps.delete(step);
}

/** Runs every registered step, most recent first, ignoring failures. */
export async function runCleanup(): Promise<void> {
  const list = [...steps].reverse();
  steps.clear();
  for (const step of list) {
    try {
      await step();
    } catch {
      // best effort: clean-up must not hide the original error
    }
  }
}
