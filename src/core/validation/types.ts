import type { ErrorCode, WarningCode } from './codes';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** One problem, anchored at a 1-based line (0 = the whole file). */
export interface ValidationIssue<C extends string = ErrorCode | WarningCode> {
  line: number;
  code: C;
  message: string;
  /** 1-based UTF-16 column of the offending JSON value or key, when known. */
  column?: number;
  /** 1-based exclusive end column, when known. */
  endColumn?: number;
  /** JSON path inside the example, e.g. ["messages", 2, "weight"]. */
  path?: (string | number)[];
}

export type ValidationError = ValidationIssue<ErrorCode>;
export type ValidationWarning = ValidationIssue<WarningCode>;

/** numpy-compatible summary (quantiles use linear interpolation like `np.quantile`). */
export interface Distribution {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** The cookbook labels these p5/p95 but computes the 0.1 and 0.9 quantiles; we name them truthfully. */
  p10: number;
  p90: number;
}

export interface Histogram {
  /** bins.length + 1 edges; bin i covers [edges[i], edges[i+1]) (the last bin includes its upper edge). */
  edges: number[];
  counts: number[];
}

export interface ValidationStats {
  /** Physical lines read (including blank ones). */
  lines: number;
  /** Non-blank lines: what OpenAI counts as examples. */
  examples: number;
  examplesWithErrors: number;
  messagesPerExample: Distribution | null;
  tokensPerExample: Distribution | null;
  assistantTokensPerExample: Distribution | null;
  tokenHistogram: Histogram | null;
  missingSystem: number;
  missingUser: number;
  overTokenLimit: number;
  tokenLimit: number;
  errorCounts: Partial<Record<ErrorCode, number>>;
  warningCounts: Partial<Record<WarningCode, number>>;
  bytes: number;
}

export interface TokenTotals {
  encoding: EncodingName;
  /** Sum over examples of the cookbook count (3/message + values + 1/name + 3 priming). */
  total: number;
  /** Sum of min(limit, tokens) per example: what training bills per epoch. */
  billable: number;
  /** Sum of assistant content tokens (cookbook `num_assistant_tokens_from_messages`). */
  assistant: number;
}

export interface CostEstimate {
  model: string;
  epochs: number;
  /** true when the epochs come from OpenAI's default heuristic, false when given explicitly. */
  defaultEpochs: boolean;
  billableTokens: number;
  trainedTokens: number;
  usdPer1MTokens: number;
  usd: number;
}

export interface ResolvedModel {
  /** The model id as given (or the default). */
  requested: string;
  /** The base model the table entry was found for (ft:... stripped), or undefined when unknown. */
  known?: string;
  encoding: EncodingName;
  exampleTokenLimit: number;
  usdPer1MTrainingTokens?: number;
  note?: string;
}

export interface ValidationResult {
  /** No errors: OpenAI would accept the file. Warnings never block. */
  accepted: boolean;
  /** Valid examples: non-blank lines without an error (what the status bar and reports show). All non-blank lines, valid or not, are `stats.examples`. */
  examples: number;
  errors: ValidationError[];
  warnings: ValidationWarning[];
  stats: ValidationStats;
  tokens: TokenTotals;
  /** null when the model has no per-token training price (unknown model, or RFT billed per hour). */
  estimatedCost: CostEstimate | null;
  model: ResolvedModel;
  purpose: Purpose;
}

export type Purpose = 'train' | 'validation';

export interface Progress {
  bytesRead: number;
  totalBytes: number;
}

export interface ValidateOptions {
  /** Base model id (dated snapshot, alias or ft:... id). Default: gpt-4.1-mini-2025-04-14. */
  model?: string;
  /** 'train' enforces the ≥ 10 examples minimum; default from the file name (validation*.jsonl → validation). */
  purpose?: Purpose;
  /** Explicit n_epochs (otherwise OpenAI's default heuristic). */
  epochs?: number;
  /** Keep at most this many errors and warnings each in the lists (counts stay complete). Default 1000. */
  maxIssues?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Skip token counting (no tokenizer load). Token stats are then zero and the limit is not checked. */
  countTokens?: boolean;
  /** Memoize token counts of repeated strings (bounded). Default true. */
  memoize?: boolean;
}

export interface FileValidateOptions extends ValidateOptions {
  /** Worker threads: 0 = in-process; default: by file size and available cores. */
  workers?: number;
  /** Lines longer than this are reported and skipped without being buffered. Default 256 MiB. */
  maxLineBytes?: number;
}
