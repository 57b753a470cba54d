/**
 * Base models the emulator serves: the ones OpenAI lets you fine-tune (supervised), with the snapshot an alias
 * resolves to, the per-example training token limit and the shutdown date OpenAI announced (null if none).
 * Sources: /work/shared/reference/openai-finetune.md §0 and §6.
 */
export interface BaseModel {
  readonly id: string;
  readonly created: number;
  readonly ownedBy: string;
  readonly shutdownDate: string | null;
  /** Max tokens of one training example. */
  readonly trainingLimit: number;
  /** Snapshot this id trains (aliases resolve to a dated snapshot). */
  readonly snapshot: string;
  readonly dpo: boolean;
}

const GPT41 = 65_536;

const SNAPSHOTS: readonly Omit<BaseModel, 'snapshot'>[] = [
  { id: 'gpt-4.1-2025-04-14', created: 1744316542, ownedBy: 'system', shutdownDate: '2027-01-14', trainingLimit: GPT41, dpo: true },
  { id: 'gpt-4.1-mini-2025-04-14', created: 1744317547, ownedBy: 'system', shutdownDate: '2027-01-14', trainingLimit: GPT41, dpo: true },
  { id: 'gpt-4.1-nano-2025-04-14', created: 1744321025, ownedBy: 'system', shutdownDate: '2026-10-23', trainingLimit: GPT41, dpo: true },
  { id: 'gpt-4o-2024-08-06', created: 1722814719, ownedBy: 'system', shutdownDate: '2027-01-14', trainingLimit: GPT41, dpo: true },
  { id: 'gpt-4o-mini-2024-07-18', created: 1721172717, ownedBy: 'system', shutdownDate: '2027-01-14', trainingLimit: GPT41, dpo: false },
  { id: 'gpt-3.5-turbo-0125', created: 1706048358, ownedBy: 'system', shutdownDate: null, trainingLimit: 16_385, dpo: false },
  { id: 'gpt-3.5-turbo-1106', created: 1698959748, ownedBy: 'system', shutdownDate: null, trainingLimit: 16_385, dpo: false },
];

const ALIASES: Readonly<Record<string, string>> = {
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
};

const ALIAS_CREATED: Readonly<Record<string, number>> = {
  'gpt-4.1': 1744316542,
  'gpt-4.1-mini': 1744317547,
  'gpt-4.1-nano': 1744321025,
  'gpt-4o': 1715367049,
  'gpt-4o-mini': 1721172741,
  'gpt-3.5-turbo': 1677610602,
};

export const BASE_MODELS: readonly BaseModel[] = [
  ...SNAPSHOTS.map((m) => ({ ...m, snapshot: m.id })),
  ...Object.entries(ALIASES).map(([alias, snap]) => {
    const s = SNAPSHOTS.find((m) => m.id === snap);
    if (!s) throw new Error(`alias ${alias} points at unknown snapshot ${snap}`);
    return { ...s, id: alias, created: ALIAS_CREATED[alias] ?? s.created, snapshot: snap };
  }),
].sort((a, b) => a.id.localeCompare(b.id));

const BY_ID = new Map(BASE_MODELS.map((m) => [m.id, m]));

export function baseModel(id: string): BaseModel | undefined {
  return BY_ID.get(id);
}

/** The base snapshot inside an `ft:<base>:<org>:<suffix>:<id>` model name. */
export function ftBase(id: string): string | undefined {
  const m = /^ft:([^:]+):/.exec(id);
  return m?.[1];
}
