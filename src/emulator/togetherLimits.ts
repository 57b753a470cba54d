/**
 * `GET /fine-tunes/models/limits?model_name=…` of the emulator's Together flavor: the catalog's limits in the shape of
 * `FineTuneModelLimits` (Together's published OpenAPI description); an unknown model is a 404 with `{ message }`.
 */
import type { RequestContext } from './context';
import { TOGETHER_LR, togetherBase } from './togetherCatalog';

export function limits(ctx: RequestContext) {
  const name = ctx.query.get('model_name') ?? '';
  const base = togetherBase(name);
  if (!base) {
    ctx.res.writeHead(404, { 'content-type': 'application/json' });
    ctx.res.end(JSON.stringify({ message: `Model ${name} not found` }));
    return undefined;
  }
  // The description has no DPO flag: the emulator says "no DPO" with a DPO batch size of 0 (no DPO batch fits).
  const dpoMax = base.dpo ? Math.max(base.minBatch, base.maxBatch / 2) : 0;
  const batches = { max_batch_size: base.maxBatch, max_batch_size_dpo: dpoMax, min_batch_size: base.minBatch };
  return {
    model_name: base.id,
    ...(base.full ? { full_training: batches } : {}),
    lora_training: { ...batches, max_rank: base.maxRank, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
    max_num_epochs: base.maxEpochs,
    max_num_evals: 100,
    max_learning_rate: TOGETHER_LR.max,
    min_learning_rate: TOGETHER_LR.min,
    supports_vision: false,
    supports_tools: true,
    supports_reasoning: false,
    merge_output_lora: false,
  };
}
