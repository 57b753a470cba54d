import { contentText, countMessageTokens, type TokenMessage } from './tokens';

/**
 * The emulator's own check of a fine-tuning file, with the rules OpenAI applies server-side (reference §4–§6):
 * JSON lines, `messages` present, known roles and keys per role, `weight` only on assistant messages and 0|1,
 * no `<|…|>` special tokens, an assistant message to learn from, the per-model token limit, and ≥10 examples.
 * It reports the first problem, as OpenAI does. (The product's full validator lives in src/core/validation.)
 */

export interface JobErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly param: string | null;
}

/** One thing the fine-tuned model "learned": the assistant text and what led to it. */
export interface LearnedReply {
  readonly system: string | null;
  /** The user message right before the reply. */
  readonly prompt: string;
  /** Earlier user messages of the same example. */
  readonly context: string;
  readonly answer: string;
}

export interface DatasetCheck {
  readonly ok: boolean;
  readonly error?: JobErrorInfo;
  readonly examples: number;
  /** Sum of per-example tokens (each capped at the limit), i.e. billable tokens per epoch. */
  readonly tokens: number;
  readonly replies: LearnedReply[];
}

export interface CheckOptions {
  readonly method: 'supervised' | 'dpo';
  readonly tokenLimit: number;
  readonly model: string;
  readonly which: 'training_file' | 'validation_file';
  readonly minExamples: number;
}

const ROLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  system: ['role', 'content', 'name'],
  developer: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'tool_calls', 'function_call', 'weight', 'refusal'],
  tool: ['role', 'content', 'tool_call_id'],
  function: ['role', 'content', 'name'],
};
const SFT_KEYS = ['messages', 'tools', 'parallel_tool_calls', 'functions'];
const DPO_KEYS = ['input', 'preferred_output', 'non_preferred_output'];
const SPECIAL_TOKEN = /<\|[^|>\s]{1,40}\|>/;

class ExampleError extends Error {}

export function checkDataset(content: Buffer, opts: CheckOptions): DatasetCheck {
  const fail = (message: string, code = opts.which === 'training_file' ? 'invalid_training_file' : 'invalid_validation_file'): DatasetCheck => ({
    ok: false,
    examples: 0,
    tokens: 0,
    replies: [],
    error: { code, param: opts.which, message },
  });
  const label = opts.which === 'training_file' ? 'training' : 'validation';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return fail(`The job failed due to a file format error in the ${label} file. The file is not valid UTF-8.`, 'invalid_file_format');
  }
  const lines = text.split('\n');
  const replies: LearnedReply[] = [];
  let examples = 0;
  let tokens = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const n = ++examples;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return fail(
        `The job failed due to an invalid ${label} file. Example ${n} cannot be parsed. Error: line contains invalid json: ${(err as Error).message} (line ${i + 1})`,
      );
    }
    try {
      const messages = opts.method === 'dpo' ? checkDpo(value, n, replies) : checkSft(value, n, replies);
      const t = countMessageTokens(messages);
      if (t > opts.tokenLimit) {
        throw new ExampleError(`Example ${n} has about ${t} tokens, more than the ${opts.tokenLimit}-token limit for ${opts.model}`);
      }
      tokens += t;
    } catch (err) {
      if (err instanceof ExampleError) return fail(`The job failed due to an invalid ${label} file. Invalid file format. ${err.message}`);
      throw err;
    }
  }
  if (examples < opts.minExamples) {
    return {
      ...fail(
        `The job failed due to an invalid ${label} file. ${label === 'training' ? 'Training' : 'Validation'} file has ${examples} example(s), but must have at least ${opts.minExamples} examples`,
        'invalid_n_examples',
      ),
      examples,
    };
  }
  return { ok: true, examples, tokens, replies };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) throw new ExampleError(`${where} contains an extra "${key}"`);
}

function checkSft(value: unknown, n: number, replies: LearnedReply[]): TokenMessage[] {
  if (!isRecord(value)) throw new ExampleError(`Example ${n} is not a JSON object`);
  if (!('messages' in value)) throw new ExampleError(`Example ${n} is missing key 'messages'`);
  checkKeys(value, SFT_KEYS, `Example ${n}`);
  const messages = checkMessages(value.messages, n, 'messages');
  if (!messages.some((m) => m.role === 'assistant' && m.weight !== 0)) {
    throw new ExampleError(`Example ${n} has no assistant message to train on`);
  }
  collectReplies(messages, replies);
  return messages;
}

function checkDpo(value: unknown, n: number, replies: LearnedReply[]): TokenMessage[] {
  if (!isRecord(value)) throw new ExampleError(`Example ${n} is not a JSON object`);
  for (const key of DPO_KEYS) if (!(key in value)) throw new ExampleError(`Example ${n} is missing key '${key}'`);
  checkKeys(value, DPO_KEYS, `Example ${n}`);
  if (!isRecord(value.input)) throw new ExampleError(`Example ${n} has an invalid 'input': expected an object`);
  checkKeys(value.input, ['messages', 'tools', 'parallel_tool_calls'], `Example ${n} input`);
  const input = checkMessages(value.input.messages, n, 'input.messages');
  const outputs: CheckedMessage[][] = [];
  for (const key of ['preferred_output', 'non_preferred_output'] as const) {
    const out = checkMessages(value[key], n, key);
    if (out.length !== 1 || out[0].role !== 'assistant') throw new ExampleError(`Example ${n} ${key} must contain exactly one assistant message`);
    outputs.push(out);
  }
  collectReplies([...input, ...outputs[0]], replies);
  return [...input, ...outputs[0], ...outputs[1]];
}

interface CheckedMessage extends TokenMessage {
  readonly role: string;
  readonly weight?: number;
}

function checkMessages(raw: unknown, n: number, key: string): CheckedMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ExampleError(`Example ${n} has an invalid '${key}': expected a non-empty array`);
  return raw.map((m: unknown, i) => checkMessage(m, n, i + 1));
}

function checkMessage(m: unknown, n: number, i: number): CheckedMessage {
  const where = `Example ${n}, message ${i}`;
  if (!isRecord(m)) throw new ExampleError(`${where} is not an object`);
  if (!('role' in m)) throw new ExampleError(`${where}: Discriminator 'role' is missing in value`);
  const role = m.role;
  if (typeof role !== 'string' || !(role in ROLE_KEYS)) throw new ExampleError(`${where} has an unrecognized role ${JSON.stringify(role)}`);
  checkKeys(m, ROLE_KEYS[role], where);
  const content = m.content;
  if (role === 'assistant') {
    const hasCall = m.tool_calls !== undefined || m.function_call !== undefined;
    if (!hasCall && !validContent(content, false)) throw new ExampleError(`${where} (assistant) must have string content or tool_calls`);
    if (content !== undefined && content !== null && !validContent(content, false)) throw new ExampleError(`${where} has invalid content`);
    if (m.weight !== undefined && m.weight !== 0 && m.weight !== 1)
      throw new ExampleError(`${where} has an invalid weight ${JSON.stringify(m.weight)}: must be 0 or 1`);
    if (m.tool_calls !== undefined) checkToolCalls(m.tool_calls, where);
  } else {
    if (content === undefined) throw new ExampleError(`${where} is missing key 'content'`);
    if (!validContent(content, role === 'user')) throw new ExampleError(`${where} has invalid content: expected a string or an array of content parts`);
    if (role === 'tool' && typeof m.tool_call_id !== 'string') throw new ExampleError(`${where} (tool) is missing 'tool_call_id'`);
  }
  const token = SPECIAL_TOKEN.exec(contentText(content));
  if (token) throw new ExampleError(`Example ${n} message contains an invalid token: ${token[0]}`);
  return m as unknown as CheckedMessage;
}

function validContent(content: unknown, allowImages: boolean): boolean {
  if (typeof content === 'string') return true;
  if (!Array.isArray(content) || content.length === 0) return false;
  return content.every((p: unknown) => {
    if (!isRecord(p)) return false;
    if (p.type === 'text') return typeof p.text === 'string';
    if (p.type === 'image_url') return allowImages && isRecord(p.image_url) && typeof p.image_url.url === 'string';
    return false;
  });
}

function checkToolCalls(calls: unknown, where: string): void {
  if (!Array.isArray(calls)) throw new ExampleError(`${where} has invalid tool_calls: expected an array`);
  for (const c of calls) {
    if (!isRecord(c) || !isRecord(c.function) || typeof c.function.name !== 'string' || typeof c.function.arguments !== 'string') {
      throw new ExampleError(`${where} has an invalid tool call: expected {id, type:'function', function:{name, arguments}}`);
    }
  }
}

function collectReplies(messages: readonly CheckedMessage[], replies: LearnedReply[]): void {
  const system = messages.find((m) => m.role === 'system' || m.role === 'developer');
  const systemText = system ? contentText(system.content) : null;
  const users: string[] = [];
  for (const m of messages) {
    if (m.role === 'user') users.push(contentText(m.content));
    if (m.role !== 'assistant' || m.weight === 0) continue;
    const answer = contentText(m.content);
    if (!answer) continue;
    replies.push({ system: systemText, prompt: users[users.length - 1] ?? '', context: users.slice(0, -1).join('\n'), answer });
  }
}
