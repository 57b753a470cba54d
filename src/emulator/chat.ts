import type OpenAI from 'openai';
import { ReplyIndex, baseSample, genericAnswer, tunedSample, type Query } from './answer';
import { baseModel } from './catalog';
import type { Emulator, RequestContext, Route } from './context';
import { route } from './context';
import type { LearnedReply } from './dataset';
import { invalidRequest, modelNotFound } from './errors';
import { streamFaultAfter } from './faults';
import { readJsonObject } from './http';
import { syncJobs } from './lifecycle';
import { isObject, optBoolean, optInteger, optNumber, optObject, requireString, type Json, type JsonObject } from './params';
import { hash32, hashId, rng } from './random';
import { contentText, countMessageTokens, tokenize, type TokenMessage } from './tokens';
import { togetherBase } from './togetherCatalog';
import { servingEndpoint } from './togetherEndpoints';
import { resolveFireworksChatModel } from './fireworksServing';
import { writeStream } from './sse';
import { suggestedQuestions } from './questions';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
const indexes = new WeakMap<readonly LearnedReply[], ReplyIndex>();

/** Who answers for `model`: a base model (generic text) or a fine-tuned model / checkpoint (its training replies). */
function resolveChatModel(emu: Emulator, model: string): { kind: 'base'; id: string } | { kind: 'tuned'; replies: readonly LearnedReply[] } {
  if (emu.config.flavor === 'together') return resolveTogetherChatModel(emu, model);
  if (emu.config.flavor === 'fireworks') return resolveFireworksChatModel(emu, model);
  const base = baseModel(model);
  if (base) return { kind: 'base', id: base.snapshot };
  syncJobs(emu);
  const ft = emu.state.models.get(model);
  if (ft && !ft.deleted) return { kind: 'tuned', replies: ft.replies };
  for (const rec of emu.state.jobs.values()) {
    if (rec.checkpoints.some((c) => c.fine_tuned_model_checkpoint === model)) return { kind: 'tuned', replies: rec.replies };
  }
  throw modelNotFound(model);
}

/**
 * Together: base models answer; a LoRA fine-tune answers serverless only when its base serves LoRA serverless, else
 * only while a dedicated endpoint serving it is STARTED (addressed by the endpoint's name or the model's).
 */
function resolveTogetherChatModel(emu: Emulator, model: string): { kind: 'base'; id: string } | { kind: 'tuned'; replies: readonly LearnedReply[] } {
  if (togetherBase(model)) return { kind: 'base', id: model };
  const via = servingEndpoint(emu, model);
  const id = via && 'served' in via ? via.served : model;
  if (togetherBase(id)) return { kind: 'base', id };
  syncJobs(emu);
  const ft = emu.state.models.get(id);
  if (!ft || ft.deleted) throw via && 'notStarted' in via ? via.notStarted : modelNotFound(model);
  const rec = emu.state.jobs.get(ft.jobId);
  const lora = (rec?.flavorData?.training_type as { type?: unknown } | undefined)?.type === 'Lora';
  if (!(via && 'served' in via) && (!lora || !togetherBase(ft.base)?.serverlessLora)) {
    if (via && 'notStarted' in via) throw via.notStarted;
    throw invalidRequest(
      `Unable to access non-serverless model ${model}. Please visit https://api.together.ai/models/${model} to create and start a new dedicated endpoint for the model.`,
      'model',
      'model_not_available',
    );
  }
  return { kind: 'tuned', replies: ft.replies };
}

interface ChatRequest {
  model: string;
  messages: TokenMessage[];
  stream: boolean;
  includeUsage: boolean;
  obfuscation: boolean;
  maxTokens: number | undefined;
  temperature: number;
  n: number;
  stop: string[];
  seed: number | undefined;
}

function readRequest(body: JsonObject): ChatRequest {
  const model = requireString(body, 'model');
  const messages = body.messages;
  if (messages === undefined) throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) throw invalidRequest("Invalid type for 'messages': expected an array of message objects.", 'messages', 'invalid_type');
  if (messages.length === 0)
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  messages.forEach((m: Json, i) => {
    if (!isObject(m)) throw invalidRequest(`Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`, 'invalid_type');
    if (m.role === undefined) throw invalidRequest(`Missing required parameter: 'messages[${i}].role'.`, `messages[${i}].role`, 'missing_required_parameter');
    if (typeof m.role !== 'string' || !ROLES.includes(m.role)) {
      throw invalidRequest(
        `Invalid value: '${String(m.role)}'. Supported values are: ${ROLES.map((r) => `'${r}'`).join(', ')}.`,
        `messages[${i}].role`,
        'invalid_value',
      );
    }
    const c = m.content;
    const okContent = typeof c === 'string' || Array.isArray(c) || ((c === null || c === undefined) && m.role === 'assistant');
    if (!okContent)
      throw invalidRequest(
        `Invalid type for 'messages[${i}].content': expected one of a string or array of objects.`,
        `messages[${i}].content`,
        'invalid_type',
      );
  });
  const streamOptions = optObject(body, 'stream_options');
  const stream = optBoolean(body, 'stream') ?? false;
  if (streamOptions && !stream)
    throw invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', 'invalid_value');
  const maxCompletion = optInteger(body, 'max_completion_tokens', 1, 1_000_000);
  const maxTokens = optInteger(body, 'max_tokens', 1, 1_000_000);
  const stopRaw = body.stop;
  let stop: string[] = [];
  if (typeof stopRaw === 'string') stop = [stopRaw];
  else if (Array.isArray(stopRaw)) {
    if (stopRaw.length > 4 || !stopRaw.every((s) => typeof s === 'string'))
      throw invalidRequest("Invalid 'stop': expected a string or up to 4 strings.", 'stop', 'invalid_value');
    stop = stopRaw as string[];
  } else if (stopRaw !== undefined && stopRaw !== null)
    throw invalidRequest("Invalid type for 'stop': expected a string or an array of strings.", 'stop', 'invalid_type');
  optNumber(body, 'top_p', 0, 1);
  return {
    model,
    messages: messages as TokenMessage[],
    stream,
    includeUsage: streamOptions ? (optBoolean(streamOptions, 'include_usage', 'stream_options.include_usage') ?? false) : false,
    obfuscation: streamOptions ? (optBoolean(streamOptions, 'include_obfuscation', 'stream_options.include_obfuscation') ?? true) : true,
    maxTokens: maxCompletion ?? maxTokens,
    temperature: optNumber(body, 'temperature', 0, 2) ?? 1,
    n: optInteger(body, 'n', 1, 128) ?? 1,
    stop: stop.filter((s) => s.length > 0),
    seed: optInteger(body, 'seed', -(2 ** 53), 2 ** 53),
  };
}

function queryOf(messages: readonly TokenMessage[]): Query {
  const system = messages.find((m) => m.role === 'system' || m.role === 'developer');
  const users = messages.filter((m) => m.role === 'user').map((m) => contentText(m.content));
  return { system: system ? contentText(system.content) : null, user: users[users.length - 1] ?? '', context: users.slice(0, -1).join('\n') };
}

/** The `n` answer texts for this request. */
function answers(emu: Emulator, req: ChatRequest): string[] {
  const who = resolveChatModel(emu, req.model);
  const q = queryOf(req.messages);
  const sampled = req.seed !== undefined && req.temperature > 0;
  const suggested = who.kind === 'base' ? suggestedQuestions(q.user) : undefined;
  if (suggested !== undefined) return Array.from({ length: req.n }, () => suggested);
  if (who.kind === 'base' && sampled)
    return Array.from({ length: req.n }, (_, i) => baseSample(req.model, q.user, hash32(emu.config.seed, req.seed ?? 0, q.user, i)));
  if (who.kind === 'base') return Array.from({ length: req.n }, (_, i) => genericAnswer(req.model, i === 0 ? q.user : `${q.user}#${i}`));
  let index = indexes.get(who.replies);
  if (!index) indexes.set(who.replies, (index = new ReplyIndex(who.replies)));
  const ranked = index.rank(q, req.n + 3);
  if (ranked.length === 0) return Array.from({ length: req.n }, () => '');
  if (sampled) {
    const next = rng(hash32(emu.config.seed, req.seed ?? 0, q.user, 'sample'));
    return Array.from({ length: req.n }, () => tunedSample(ranked, req.temperature, next));
  }
  // Above temperature 1 the pick wanders among the top 3, reproducibly (server seed, request seed, question).
  const draw = rng(hash32(emu.config.seed, req.seed ?? 0, q.user));
  return Array.from({ length: req.n }, (_, i) => {
    const spread = req.temperature > 1 ? Math.min(3, ranked.length) : 1;
    return ranked[(i + Math.floor(draw() * spread)) % ranked.length].answer;
  });
}

interface Shaped {
  pieces: string[];
  finish: 'stop' | 'length';
}

/** Applies `stop` sequences and the token cap to one answer. */
function shape(text: string, req: ChatRequest): Shaped {
  let cut = text;
  for (const s of req.stop) {
    const at = cut.indexOf(s);
    if (at >= 0) cut = cut.slice(0, at);
  }
  const pieces = tokenize(cut);
  if (req.maxTokens !== undefined && pieces.length > req.maxTokens) return { pieces: pieces.slice(0, req.maxTokens), finish: 'length' };
  return { pieces, finish: 'stop' };
}

function usage(prompt: number, completion: number): OpenAI.CompletionUsage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

async function create(ctx: RequestContext): Promise<OpenAI.Chat.ChatCompletion | undefined> {
  const { emu } = ctx;
  const req = readRequest(await readJsonObject(ctx.req, emu.config.maxJsonBytes));
  const shaped = answers(emu, req).map((a) => shape(a, req));
  // Like OpenAI, a response names the snapshot an alias resolved to (gpt-4o-mini → gpt-4o-mini-2024-07-18).
  const model = baseModel(req.model)?.snapshot ?? req.model;
  const promptTokens = countMessageTokens(req.messages);
  const completionTokens = shaped.reduce((s, x) => s + x.pieces.length, 0);
  const id = `chatcmpl-${hashId(29, emu.config.seed, 'chat', emu.state.ids.nextInt('chat'))}`;
  const created = emu.clock.seconds();
  const fingerprint = `fp_${hashId(10, req.model).toLowerCase()}`;
  if (!req.stream) {
    const completion: OpenAI.Chat.ChatCompletion = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: shaped.map((s, index) => ({
        index,
        message: { role: 'assistant', content: s.pieces.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: s.finish,
      })),
      usage: usage(promptTokens, completionTokens),
      service_tier: 'default',
      system_fingerprint: fingerprint,
    };
    // Together's chat completion also carries the prompt part (required by its schema).
    return emu.config.flavor === 'together' ? ({ ...completion, prompt: [] } as OpenAI.Chat.ChatCompletion) : completion;
  }
  const base = { id, object: 'chat.completion.chunk' as const, created, model, service_tier: 'default' as const, system_fingerprint: fingerprint };
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  const withUsage = (c: OpenAI.Chat.ChatCompletionChunk): OpenAI.Chat.ChatCompletionChunk => (req.includeUsage ? { ...c, usage: null } : c);
  shaped.forEach((s, index) => {
    chunks.push(withUsage({ ...base, choices: [{ index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] }));
    for (const piece of s.pieces) chunks.push(withUsage({ ...base, choices: [{ index, delta: { content: piece }, logprobs: null, finish_reason: null }] }));
    chunks.push(withUsage({ ...base, choices: [{ index, delta: {}, logprobs: null, finish_reason: s.finish }] }));
  });
  if (req.includeUsage) chunks.push({ ...base, choices: [], usage: usage(promptTokens, completionTokens) });
  const tps = ctx.faults.tps ?? emu.config.tokensPerSecond;
  const salt = rng(hash32(emu.config.seed, id));
  const result = await writeStream(ctx, chunks, {
    intervalMs: tps > 0 ? 1000 / tps : 0,
    obfuscate: req.obfuscation ? () => padding(salt) : undefined,
    faults: ctx.faults,
    faultAfter: streamFaultAfter,
  });
  ctx.note({ streamed: result.sent, of: chunks.length, ...(result.aborted ? { aborted: true } : {}), ...(result.fault ? { streamFault: result.fault } : {}) });
  return undefined;
}

const PAD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 1–12 random characters, like the `obfuscation` field OpenAI pads chunks with (seeded here). */
function padding(next: () => number): string {
  let out = '';
  for (let n = 1 + Math.floor(next() * 12); n > 0; n--) out += PAD[Math.floor(next() * PAD.length)];
  return out;
}

export const chatRoutes: Route[] = [route('POST', '/chat/completions', create)];
