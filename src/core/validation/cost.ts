import type { CostEstimate, ResolvedModel } from './types';

/** The cookbook's constants (Chat_finetuning_data_prep.ipynb), verbatim. */
export const TARGET_EPOCHS = 3;
export const MIN_TARGET_EXAMPLES = 100;
export const MAX_TARGET_EXAMPLES = 25000;
export const MIN_DEFAULT_EPOCHS = 1;
export const MAX_DEFAULT_EPOCHS = 25;

/** OpenAI's default n_epochs for a dataset of n examples (the cookbook heuristic). */
export function defaultEpochs(nTrainExamples: number): number {
  let nEpochs = TARGET_EPOCHS;
  if (nTrainExamples <= 0) return nEpochs;
  if (nTrainExamples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) {
    nEpochs = Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / nTrainExamples));
  } else if (nTrainExamples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) {
    nEpochs = Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / nTrainExamples));
  }
  return nEpochs;
}

/**
 * Training cost = price per 1M ÷ 1M × billable tokens × epochs (OpenAI's documented formula).
 * null when the model has no per-token training price.
 */
export function estimateCost(model: ResolvedModel, nExamples: number, billable: number, epochs?: number): CostEstimate | null {
  const price = model.usdPer1MTrainingTokens;
  if (price === undefined) return null;
  const explicit = epochs !== undefined && Number.isFinite(epochs) && epochs > 0;
  const nEpochs = explicit ? Math.floor(epochs) : defaultEpochs(nExamples);
  const trainedTokens = billable * nEpochs;
  return {
    model: model.known ?? model.requested,
    epochs: nEpochs,
    defaultEpochs: !explicit,
    billableTokens: billable,
    trainedTokens,
    usdPer1MTokens: price,
    usd: (trainedTokens * price) / 1_000_000,
  };
}
