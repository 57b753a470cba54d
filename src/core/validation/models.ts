import table from './models.json';
import type { EncodingName, ResolvedModel } from './types';

export const DEFAULT_BASE_MODEL = 'gpt-4.1-mini-2025-04-14';
/** The cookbook's MAX_TOKENS_PER_EXAMPLE (b774cbf); used as the limit for models we don't know. */
export const COOKBOOK_MAX_TOKENS_PER_EXAMPLE: number = table.cookbookMaxTokensPerExample;
export const PRICES_AS_OF: string = table.pricesAsOf;

interface ModelRow {
  id: string;
  aliases: string[];
  encoding: string;
  exampleTokenLimit: number;
  trainingUsdPer1M: number | null;
  note?: string;
}

const rows: readonly ModelRow[] = table.models;
const byName = new Map<string, ModelRow>();
for (const r of rows) {
  byName.set(r.id, r);
  for (const a of r.aliases) byName.set(a, r);
}

function isEncoding(e: string): e is EncodingName {
  return e === 'o200k_base' || e === 'cl100k_base';
}

/** `ft:gpt-4o-mini-2024-07-18:org:suffix:id` → `gpt-4o-mini-2024-07-18`; anything else unchanged. */
export function baseModelOf(model: string): string {
  const m = model.trim();
  if (m.startsWith('ft:')) return m.slice(3).split(':')[0] ?? m;
  return m;
}

/** Encoding by model-name prefix, as tiktoken's MODEL_PREFIX_TO_ENCODING does (o200k_base otherwise). */
export function encodingForModel(model: string): EncodingName {
  const base = baseModelOf(model);
  const known = byName.get(base);
  if (known && isEncoding(known.encoding)) return known.encoding;
  for (const [prefix, enc] of table.encodingByPrefix) {
    if (base.startsWith(prefix!) && isEncoding(enc!)) return enc;
  }
  return 'o200k_base';
}

/** Table entry for a model id, alias, dated variant or ft: id. */
export function resolveModel(model: string = DEFAULT_BASE_MODEL): ResolvedModel {
  const requested = model.trim() || DEFAULT_BASE_MODEL;
  const base = baseModelOf(requested);
  let row = byName.get(base);
  if (!row) {
    // A dated snapshot we don't list yet, e.g. gpt-3.5-turbo-XXXX: the longest known id/alias it starts with.
    let best: ModelRow | undefined;
    let bestLen = 0;
    for (const [name, r] of byName) {
      if (base.startsWith(name + '-') && name.length > bestLen) {
        best = r;
        bestLen = name.length;
      }
    }
    row = best;
  }
  if (!row) {
    return { requested, encoding: encodingForModel(base), exampleTokenLimit: COOKBOOK_MAX_TOKENS_PER_EXAMPLE };
  }
  return {
    requested,
    known: row.id,
    encoding: isEncoding(row.encoding) ? row.encoding : 'o200k_base',
    exampleTokenLimit: row.exampleTokenLimit,
    ...(row.trainingUsdPer1M !== null ? { usdPer1MTrainingTokens: row.trainingUsdPer1M } : {}),
    ...(row.note ? { note: row.note } : {}),
  };
}

/** All table rows (for pickers and docs). */
export function knownModels(): readonly { id: string; encoding: EncodingName; exampleTokenLimit: number; trainingUsdPer1M: number | null }[] {
  return rows.map((r) => ({
    id: r.id,
    encoding: isEncoding(r.encoding) ? r.encoding : 'o200k_base',
    exampleTokenLimit: r.exampleTokenLimit,
    trainingUsdPer1M: r.trainingUsdPer1M,
  }));
}
