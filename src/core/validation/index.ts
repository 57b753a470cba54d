/**
 * Dataset validation for OpenAI chat fine-tuning files: the cookbook's checks plus server-side rules,
 * exact token counts (tokenizer loaded lazily from a separate bundle), statistics and the cost estimate.
 * Pure Node: used by the extension, the CLI (`socratune-validate`) and the fine-tune wizard.
 */
export { validateJsonlFile, validateJsonlText, defaultWorkerCount } from './validate';
export { ERROR_CODES, WARNING_CODES, isErrorCode, type ErrorCode, type WarningCode, type IssueCode } from './codes';
export { resolveModel, encodingForModel, baseModelOf, knownModels, DEFAULT_BASE_MODEL, COOKBOOK_MAX_TOKENS_PER_EXAMPLE, PRICES_AS_OF } from './models';
export { defaultEpochs, estimateCost, TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES, MIN_DEFAULT_EPOCHS, MAX_DEFAULT_EPOCHS } from './cost';
export { countExampleTokens } from './tokens';
export { loadTokenCounter, isTokenizerLoaded } from './loadTokenizer';
export { isAbortError } from './abort';
export { MIN_TRAINING_EXAMPLES } from './accumulator';
export type * from './types';
export { isTrainingJsonl, looksLikeChatJsonl, inDatasetFolder, isJsonlName, purposeFromFileName, DEFAULT_DATASETS_FOLDER } from './detect';
export { buildReport, reportFile, REPORT_ISSUE_LIMIT } from './reportModel';
export { compactCount, formatUsd, statusText } from './format';
