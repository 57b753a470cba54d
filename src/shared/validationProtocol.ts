/**
 * Messages between the extension host and the "Dataset Validation" report webview, checked on both sides with
 * valibot schemas (src/shared/decode.ts). The host sends one full report; the webview asks to open a location or reports what it drew.
 */
import * as v from 'valibot';
import { decode, type Decoded } from './decode';
import type { CostEstimate, Distribution, Histogram } from '../core/validation/types';

export interface ReportIssue {
  readonly line: number;
  readonly column?: number;
  readonly code: string;
  readonly message: string;
}

export interface ReportCount {
  readonly code: string;
  readonly count: number;
  readonly description: string;
  /** A whole-file issue (e.g. too few examples): its description is the issue itself, not listed by line. */
  readonly fileLevel?: true;
}

export type FileRole = 'train' | 'validation';

export interface ReportFile {
  readonly role: FileRole;
  readonly name: string;
  readonly accepted: boolean;
  readonly examples: number;
  readonly bytes: number;
  readonly errors: readonly ReportIssue[];
  readonly warnings: readonly ReportIssue[];
  readonly errorCounts: readonly ReportCount[];
  readonly warningCounts: readonly ReportCount[];
  readonly messagesPerExample: Distribution | null;
  readonly tokensPerExample: Distribution | null;
  readonly assistantTokensPerExample: Distribution | null;
  readonly histogram: Histogram | null;
  readonly missingSystem: number;
  readonly missingUser: number;
  readonly overTokenLimit: number;
  readonly tokens: { readonly total: number; readonly billable: number; readonly assistant: number };
}

export interface ValidationReport {
  readonly dataset: string;
  readonly model: string;
  readonly encoding: string;
  readonly tokenLimit: number;
  readonly generatedAt: string;
  readonly pricesAsOf: string;
  readonly files: readonly ReportFile[];
  /** Training cost of the train file (validation tokens are not billed). */
  readonly cost: CostEstimate | null;
  readonly costNote?: string;
}

/**
 * What the report webview keeps with `setState`, so VS Code can restore the tab after a reload: the validated
 * dataset folder or file (a Uri string) and the base model it was counted for. The host validates it again.
 */
const ReportRestoreStateSchema = v.strictObject({ target: v.pipe(v.string(), v.minLength(1)), model: v.pipe(v.string(), v.minLength(1)) });
export type ReportRestoreState = v.InferOutput<typeof ReportRestoreStateSchema>;
export const decodeReportRestoreState = (s: unknown) => decode(ReportRestoreStateSchema, s);

export type ToValidationWebview = { readonly type: 'validation/report'; readonly report: ValidationReport; readonly restore: ReportRestoreState };

const count = (max = Number.MAX_SAFE_INTEGER) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));
const line = v.pipe(count(), v.minValue(1));

const FromValidationWebviewSchema = v.variant('type', [
  v.strictObject({ type: v.literal('validation/ready') }),
  v.strictObject({ type: v.literal('validation/open'), role: v.picklist(['train', 'validation']), line, column: v.optional(line) }),
  v.strictObject({ type: v.literal('validation/rendered'), files: count(10), bins: count(10_000), blocking: count() }),
]);
export type FromValidationWebview = v.InferOutput<typeof FromValidationWebviewSchema>;

const IssueSchema = v.object({ line: count(), column: v.optional(count()), code: v.string(), message: v.string() });
const CountSchema = v.object({ code: v.string(), count: count(), description: v.string() });

/** What the report webview relies on before it draws (the charts' inputs are checked where they are drawn). */
const ToValidationWebviewSchema = v.object({
  type: v.literal('validation/report'),
  restore: ReportRestoreStateSchema,
  report: v.looseObject({
    dataset: v.string(),
    model: v.string(),
    files: v.array(
      v.looseObject({
        role: v.picklist(['train', 'validation']),
        name: v.string(),
        accepted: v.boolean(),
        examples: count(),
        errors: v.array(IssueSchema),
        warnings: v.array(IssueSchema),
        errorCounts: v.array(CountSchema),
        warningCounts: v.array(CountSchema),
      }),
    ),
  }),
});

export const decodeFromValidationWebview = (m: unknown) => decode(FromValidationWebviewSchema, m);
export const decodeToValidationWebview = (m: unknown): Decoded<ToValidationWebview> => {
  const r = decode(ToValidationWebviewSchema, m);
  return r.ok ? { ok: true, value: m as ToValidationWebview } : r;
};
