/**
 * Messages between the extension host and the "Dataset Validation" report webview (types + runtime
 * guards). The host sends one full report; the webview asks to open a location or reports what it drew.
 */
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

export type ToValidationWebview = { readonly type: 'validation/report'; readonly report: ValidationReport };

export type FromValidationWebview =
  | { readonly type: 'validation/ready' }
  | { readonly type: 'validation/open'; readonly role: FileRole; readonly line: number; readonly column?: number }
  | { readonly type: 'validation/rendered'; readonly files: number; readonly bins: number; readonly blocking: number };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (n: unknown, max = Number.MAX_SAFE_INTEGER): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;

export function isFromValidationWebview(v: unknown): v is FromValidationWebview {
  if (!isObj(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'validation/ready':
      return Object.keys(v).length === 1;
    case 'validation/open':
      return (
        (v.role === 'train' || v.role === 'validation') && isCount(v.line) && v.line >= 1 && (v.column === undefined || (isCount(v.column) && v.column >= 1))
      );
    case 'validation/rendered':
      return isCount(v.files, 10) && isCount(v.bins, 10_000) && isCount(v.blocking);
    default:
      return false;
  }
}

export function isToValidationWebview(v: unknown): v is ToValidationWebview {
  return isObj(v) && v.type === 'validation/report' && isObj(v.report) && Array.isArray(v.report.files) && typeof v.report.dataset === 'string';
}
