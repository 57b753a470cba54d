import { runChatStream, StreamOutcome, StreamRequest } from './streamRunner';
import { ComparePick, CompareSide, CompareTurn } from './types';

export type CompareRequest = Omit<StreamRequest, 'onDelta' | 'signal'>;

export interface CompareRun {
  /** Both outcomes; resolves when both streams have ended (each always resolves). */
  readonly done: Promise<Record<CompareSide, StreamOutcome>>;
  /** Stop one side, or both. */
  stop(side?: CompareSide): void;
}

/**
 * Sends the same prompt to two setups (two models, two checkpoints, or one model under two system
 * prompts) and streams both in parallel. Each side has its own AbortController: stopping or failing one
 * side leaves the other running.
 */
export function runCompare(a: CompareRequest, b: CompareRequest, onDelta: (side: CompareSide, text: string) => void, signal?: AbortSignal): CompareRun {
  const controllers: Record<CompareSide, AbortController> = { a: new AbortController(), b: new AbortController() };
  const stop = (side?: CompareSide): void => {
    if (!side || side === 'a') controllers.a.abort();
    if (!side || side === 'b') controllers.b.abort();
  };
  if (signal) {
    if (signal.aborted) stop();
    else signal.addEventListener('abort', () => stop(), { once: true });
  }
  const run = (side: CompareSide, req: CompareRequest): Promise<StreamOutcome> =>
    runChatStream({ ...req, signal: controllers[side].signal, onDelta: (t) => onDelta(side, t) });
  const done = Promise.all([run('a', a), run('b', b)]).then(([ra, rb]) => ({ a: ra, b: rb }));
  return { done, stop };
}

/** Record the user's pick on a compare turn (pure). */
export function recordPick(turn: CompareTurn, pick: ComparePick, at = Date.now()): CompareTurn {
  return { ...turn, pick, pickedAt: at };
}
