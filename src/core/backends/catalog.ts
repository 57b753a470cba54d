/**
 * Fine-tunable chat models as published by the providers (late 2026; see
 * ../shared/reference/openai-finetune.md §6 and providers.md §1.1). Used when the server's model list
 * cannot say which models are tunable. `shutdownDate` lets the wizard hide models that are gone.
 */
import type { TrainingMethod, TunableModel } from './types';

interface CatalogEntry {
  readonly id: string;
  readonly label: string;
  readonly methods: readonly TrainingMethod[];
  readonly maxExampleTokens: number;
  readonly shutdownDate?: string;
  readonly trainingEnds?: string;
}

const SFT: readonly TrainingMethod[] = ['supervised'];
const SFT_DPO: readonly TrainingMethod[] = ['supervised', 'dpo'];

export const OPENAI_TUNABLE: readonly CatalogEntry[] = [
  { id: 'gpt-4.1-mini-2025-04-14', label: 'GPT-4.1 mini', methods: SFT_DPO, maxExampleTokens: 65_536, shutdownDate: '2027-01-14' },
  { id: 'gpt-4.1-2025-04-14', label: 'GPT-4.1', methods: SFT_DPO, maxExampleTokens: 65_536, shutdownDate: '2027-01-14' },
  { id: 'gpt-4.1-nano-2025-04-14', label: 'GPT-4.1 nano', methods: SFT_DPO, maxExampleTokens: 65_536, shutdownDate: '2026-10-23' },
  { id: 'gpt-4o-mini-2024-07-18', label: 'GPT-4o mini', methods: SFT, maxExampleTokens: 65_536, shutdownDate: '2027-01-14' },
  { id: 'gpt-4o-2024-08-06', label: 'GPT-4o', methods: SFT_DPO, maxExampleTokens: 65_536, shutdownDate: '2027-01-14' },
  { id: 'gpt-3.5-turbo-0125', label: 'GPT-3.5 Turbo', methods: SFT, maxExampleTokens: 16_385 },
];

/**
 * Azure OpenAI fine-tuning (Foundry docs, fine-tune-supported-models.md) with Microsoft's retirement schedule
 * (concepts-model-retirement-schedule-content.md, 2026-07-07), for customers who already fine-tune on Azure: new
 * training jobs "no earlier than" 2027-04-01 (gpt-4o, gpt-4o-mini) / 2027-04-14 (gpt-4.1 family) — `trainingEnds` —
 * and deployed fine-tunes answer until 2027-10-01 / 2027-10-14 — `shutdownDate`.
 */
export const AZURE_TUNABLE: readonly CatalogEntry[] = [
  { id: 'gpt-4.1-mini-2025-04-14', label: 'GPT-4.1 mini', methods: SFT_DPO, maxExampleTokens: 65_536, trainingEnds: '2027-04-14', shutdownDate: '2027-10-14' },
  { id: 'gpt-4.1-2025-04-14', label: 'GPT-4.1', methods: SFT_DPO, maxExampleTokens: 65_536, trainingEnds: '2027-04-14', shutdownDate: '2027-10-14' },
  { id: 'gpt-4.1-nano-2025-04-14', label: 'GPT-4.1 nano', methods: SFT_DPO, maxExampleTokens: 65_536, trainingEnds: '2027-04-14', shutdownDate: '2027-10-14' },
  { id: 'gpt-4o-mini-2024-07-18', label: 'GPT-4o mini', methods: SFT, maxExampleTokens: 65_536, trainingEnds: '2027-04-01', shutdownDate: '2027-10-01' },
  { id: 'gpt-4o-2024-08-06', label: 'GPT-4o', methods: SFT_DPO, maxExampleTokens: 65_536, trainingEnds: '2027-04-01', shutdownDate: '2027-10-01' },
];

export function catalogModel(e: CatalogEntry, listed: boolean, shutdownDate?: string): TunableModel {
  return {
    id: e.id,
    label: e.label,
    methods: e.methods,
    maxExampleTokens: e.maxExampleTokens,
    shutdownDate: shutdownDate ?? e.shutdownDate,
    ...(e.trainingEnds ? { trainingEnds: e.trainingEnds } : {}),
    listed,
  };
}

/** A date string `YYYY-MM-DD` is past when the UTC day has started. */
export function isPast(date: string | undefined, nowMs: number): boolean {
  if (!date) return false;
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(t) && t <= nowMs;
}

/** Days until a YYYY-MM-DD date (negative when past). */
export function daysUntil(date: string, nowMs: number): number {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Math.ceil((t - nowMs) / 86_400_000);
}

export function catalogEntry(table: readonly CatalogEntry[], id: string): CatalogEntry | undefined {
  return table.find((e) => e.id === id);
}
