/**
 * The `nebius` flavor: Nebius Token Factory's OpenAI-shaped fine-tuning API (providers.md §1.5). Paths, files, job
 * states, events and checkpoints are OpenAI's; what differs is the hyperparameters: an absolute `learning_rate` instead
 * of `learning_rate_multiplier`, LoRA flags (`lora`, `lora_r`, `lora_alpha`, `lora_dropout`) and a few trainer knobs,
 * given top-level or under `method.supervised.hyperparameters` (supervised only). Unknown names are refused.
 */
import { invalidRequest } from './errors';
import { autoOrNumber, optBoolean, optObject, rejectUnknown, requireString, type Json, type JsonObject } from './params';
import type { Hyper } from './state';

const NAMES = [
  'n_epochs',
  'batch_size',
  'learning_rate',
  'warmup_ratio',
  'weight_decay',
  'max_grad_norm',
  'context_length',
  'packing',
  'lora',
  'lora_r',
  'lora_alpha',
  'lora_dropout',
];

/** What the job echoes when a value was not given (Nebius' documented defaults). */
export const NEBIUS_DEFAULTS: Readonly<Record<string, Json>> = {
  learning_rate: 0.00001,
  warmup_ratio: 0,
  weight_decay: 0,
  lora: false,
  lora_r: 8,
  lora_alpha: 8,
  lora_dropout: 0,
};

function readOne(obj: JsonObject, path: string): JsonObject {
  rejectUnknown(obj, NAMES);
  const out: JsonObject = {};
  const put = (k: string, v: Json | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  put('n_epochs', autoOrNumber(obj, 'n_epochs', `${path}.n_epochs`, 1, 20, true));
  put('batch_size', autoOrNumber(obj, 'batch_size', `${path}.batch_size`, 8, 32, true));
  put('learning_rate', autoOrNumber(obj, 'learning_rate', `${path}.learning_rate`, 0, 1, false, true));
  put('warmup_ratio', autoOrNumber(obj, 'warmup_ratio', `${path}.warmup_ratio`, 0, 1, false));
  put('weight_decay', autoOrNumber(obj, 'weight_decay', `${path}.weight_decay`, 0, 1, false));
  put('max_grad_norm', autoOrNumber(obj, 'max_grad_norm', `${path}.max_grad_norm`, 0, 1000, false));
  put('context_length', autoOrNumber(obj, 'context_length', `${path}.context_length`, 1, 131_072, true));
  put('packing', optBoolean(obj, 'packing', `${path}.packing`));
  put('lora', optBoolean(obj, 'lora', `${path}.lora`));
  put('lora_r', autoOrNumber(obj, 'lora_r', `${path}.lora_r`, 8, 128, true));
  put('lora_alpha', autoOrNumber(obj, 'lora_alpha', `${path}.lora_alpha`, 8, 1024, true));
  put('lora_dropout', autoOrNumber(obj, 'lora_dropout', `${path}.lora_dropout`, 0, 1, false));
  if (out.lora !== true && ['lora_r', 'lora_alpha', 'lora_dropout'].some((k) => k in out))
    throw invalidRequest(`Invalid '${path}': lora_r, lora_alpha and lora_dropout apply only with "lora": true.`, path, 'invalid_value');
  return out;
}

/** The method and hyperparameters of a Nebius create body; `nebius` is the full set the job reports. */
export function readNebiusMethod(body: JsonObject): { type: 'supervised'; hyper: Hyper; nebius: JsonObject } {
  const top = optObject(body, 'hyperparameters');
  const method = optObject(body, 'method');
  let inner: JsonObject | undefined;
  if (method) {
    const type = requireString(method, 'type', 'method.type');
    if (type !== 'supervised') throw invalidRequest(`Invalid value: '${type}'. Supported values are: 'supervised'.`, 'method.type', 'invalid_value');
    inner = optObject(optObject(method, 'supervised', 'method.supervised') ?? {}, 'hyperparameters', 'method.supervised.hyperparameters');
  }
  const given = { ...(top ? readOne(top, 'hyperparameters') : {}), ...(inner ? readOne(inner, 'method.supervised.hyperparameters') : {}) };
  const nebius: JsonObject = { ...NEBIUS_DEFAULTS, n_epochs: 'auto', batch_size: 'auto', ...given };
  const num = (v: Json | undefined) => (typeof v === 'number' || v === 'auto' ? v : undefined);
  return { type: 'supervised', hyper: { n_epochs: num(given.n_epochs), batch_size: num(given.batch_size) }, nebius };
}

/**
 * The hyperparameters a Nebius job reports: what was asked (defaults filled in) with the resolved epochs and batch
 * size, and no `learning_rate_multiplier`. Undefined for jobs of other flavors.
 */
export function nebiusHyperparameters(
  flavorData: Record<string, unknown> | undefined,
  resolved: { batch_size: 'auto' | number; n_epochs: 'auto' | number },
): JsonObject | undefined {
  const asked = flavorData?.hyperparameters as JsonObject | undefined;
  return asked ? { ...asked, batch_size: resolved.batch_size, n_epochs: resolved.n_epochs } : undefined;
}
