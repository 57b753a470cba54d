/**
 * Format rules for one parsed example of the OpenAI supervised chat fine-tuning format.
 *
 * The cookbook's checks (Chat_finetuning_data_prep.ipynb) are kept under their own names, with the
 * cookbook's known defects fixed (tool/vision/refusal data no longer produces false errors), plus the
 * server-side rules from the fine-tuning guides, the OpenAPI spec and observed API rejections.
 */
import type { ErrorCode, WarningCode } from './codes';
import { findSpecialToken } from './specialTokens';

export type JsonPath = (string | number)[];

export interface RuleIssue {
  code: ErrorCode | WarningCode;
  message: string;
  path: JsonPath;
}

/** What the statistics need from an example, gathered while checking it. */
export interface ExampleFacts {
  /** The `messages` array when there is one (tokens are counted on it). */
  messages: unknown[] | undefined;
  hasSystem: boolean;
  hasUser: boolean;
  hasAssistant: boolean;
}

export const ROLES = ['system', 'user', 'assistant', 'tool', 'function'] as const;
type Role = (typeof ROLES)[number];

const EXAMPLE_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls', 'functions']);

const MESSAGE_KEYS: Record<Role, ReadonlySet<string>> = {
  system: new Set(['role', 'content', 'name']),
  user: new Set(['role', 'content', 'name']),
  assistant: new Set(['role', 'content', 'refusal', 'name', 'tool_calls', 'function_call', 'weight']),
  tool: new Set(['role', 'content', 'tool_call_id']),
  function: new Set(['role', 'name', 'content']),
};

/** Content part types OpenAI accepts per role in fine-tuning data (no images in assistant messages). */
const PART_TYPES: Record<Role, ReadonlySet<string>> = {
  system: new Set(['text']),
  user: new Set(['text', 'image_url']),
  assistant: new Set(['text', 'refusal']),
  tool: new Set(['text']),
  function: new Set(),
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRole(r: unknown): r is Role {
  return r === 'system' || r === 'user' || r === 'assistant' || r === 'tool' || r === 'function';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length === 0 ? 'an empty string' : 'a string';
  return `a ${typeof v}`;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

class Checker {
  constructor(private readonly out: RuleIssue[]) {}

  add(code: ErrorCode | WarningCode, message: string, path: JsonPath): void {
    this.out.push({ code, message, path });
  }

  /** Reserved special tokens make OpenAI reject the example; lookalikes only warn. */
  text(s: string, path: JsonPath): void {
    const hit = findSpecialToken(s);
    if (!hit) return;
    if (hit.known) this.add('special_token', `Contains the special token ${hit.token}, which OpenAI rejects in training data. Remove or rewrite it.`, path);
    else this.add('possible_special_token', `Contains ${hit.token}, which looks like a tokenizer special token; OpenAI may reject it.`, path);
  }

  example(ex: unknown): ExampleFacts {
    const facts: ExampleFacts = { messages: undefined, hasSystem: false, hasUser: false, hasAssistant: false };
    if (!isObject(ex)) {
      this.add('data_type', `Each line must be a JSON object like {"messages": [...]}, not ${describe(ex)}.`, []);
      return facts;
    }
    const messages = ex.messages;
    if (!messages || !Array.isArray(messages) || messages.length === 0) {
      const why = !('messages' in ex) ? 'is missing key "messages"' : `has "messages" as ${describe(messages)}`;
      this.add('missing_messages_list', `The example ${why}; it needs a non-empty array of messages.`, 'messages' in ex ? ['messages'] : []);
      // Unknown top-level keys are still worth reporting.
      this.exampleKeys(ex);
      return facts;
    }
    facts.messages = messages;
    this.exampleKeys(ex);
    this.tools(ex);
    const toolCallIds = new Set<string>();
    for (let i = 0; i < messages.length; i++) this.message(messages[i], i, facts, toolCallIds);
    if (!facts.hasAssistant) {
      this.add('example_missing_assistant_message', 'The example has no assistant message, so there is nothing to train on.', ['messages']);
    }
    return facts;
  }

  private exampleKeys(ex: Record<string, unknown>): void {
    for (const k of Object.keys(ex)) {
      if (!EXAMPLE_KEYS.has(k)) {
        this.add(
          'example_unrecognized_key',
          `Unrecognized key "${k}" in the example: OpenAI accepts only messages, tools, parallel_tool_calls and functions.`,
          [k],
        );
      }
    }
  }

  private tools(ex: Record<string, unknown>): void {
    if ('parallel_tool_calls' in ex && typeof ex.parallel_tool_calls !== 'boolean') {
      this.add('invalid_tools', `"parallel_tool_calls" must be true or false, not ${describe(ex.parallel_tool_calls)}.`, ['parallel_tool_calls']);
    }
    if ('tools' in ex) {
      const tools = ex.tools;
      if (!Array.isArray(tools)) {
        this.add('invalid_tools', `"tools" must be an array of {"type": "function", "function": {...}}, not ${describe(tools)}.`, ['tools']);
      } else {
        tools.forEach((t, i) => {
          if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) {
            this.add('invalid_tools', `tools[${i}] must be {"type": "function", "function": {"name": ..., "parameters": {...}}}.`, ['tools', i]);
          } else this.functionDef(t.function, ['tools', i, 'function']);
        });
      }
    }
    if ('functions' in ex) {
      const fns = ex.functions;
      if (!Array.isArray(fns) || fns.length === 0 || fns.length > 128) {
        this.add('invalid_tools', `"functions" must be an array of 1–128 function definitions.`, ['functions']);
      } else {
        fns.forEach((f, i) => {
          if (!isObject(f)) this.add('invalid_tools', `functions[${i}] must be an object with a "name".`, ['functions', i]);
          else this.functionDef(f, ['functions', i]);
        });
      }
    }
  }

  private functionDef(f: Record<string, unknown>, path: JsonPath): void {
    if (typeof f.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(f.name)) {
      this.add('invalid_tools', 'A function definition needs a "name" of 1–64 letters, digits, underscores or dashes.', [...path, 'name']);
    }
    if ('parameters' in f && !isObject(f.parameters)) {
      this.add('invalid_tools', `Function "parameters" must be a JSON Schema object, not ${describe(f.parameters)}.`, [...path, 'parameters']);
    }
    if ('description' in f && typeof f.description !== 'string') {
      this.add('invalid_tools', 'Function "description" must be a string.', [...path, 'description']);
    }
  }

  private message(m: unknown, i: number, facts: ExampleFacts, toolCallIds: Set<string>): void {
    const at: JsonPath = ['messages', i];
    if (!isObject(m)) {
      this.add('message_data_type', `Message ${i + 1} must be an object with "role" and "content", not ${describe(m)}.`, at);
      return;
    }
    if (!('role' in m)) {
      this.add('message_missing_key', `Message ${i + 1} is missing key "role" (OpenAI: "Discriminator 'role' is missing").`, at);
      return;
    }
    const role = m.role;
    if (!isRole(role)) {
      const hint = role === 'developer' ? ' Fine-tuning data uses "system" for instructions, not "developer".' : '';
      this.add(
        'unrecognized_role',
        `Message ${i + 1} has role ${JSON.stringify(role)}; fine-tuning accepts system, user, assistant, tool and function.${hint}`,
        [...at, 'role'],
      );
      return;
    }
    if (role === 'system') facts.hasSystem = true;
    else if (role === 'user') facts.hasUser = true;
    else if (role === 'assistant') facts.hasAssistant = true;

    const allowed = MESSAGE_KEYS[role];
    for (const k of Object.keys(m)) {
      if (allowed.has(k)) continue;
      if (k === 'weight') this.add('weight_not_allowed', `Message ${i + 1} (${role}) has "weight"; only assistant messages may carry a weight.`, [...at, k]);
      else this.add('message_unrecognized_key', `Message ${i + 1} (${role}) has unrecognized key "${k}"; allowed: ${[...allowed].join(', ')}.`, [...at, k]);
    }

    if ('name' in m && (typeof m.name !== 'string' || m.name.length === 0)) {
      this.add('invalid_name', `Message ${i + 1} "name" must be a non-empty string, not ${describe(m.name)}.`, [...at, 'name']);
    } else if (typeof m.name === 'string') this.text(m.name, [...at, 'name']);

    const callsSomething = role === 'assistant' && (m.tool_calls !== undefined || m.function_call !== undefined);
    this.content(m, role, i, at, callsSomething);

    if (role === 'assistant') {
      if ('weight' in m && m.weight !== 0 && m.weight !== 1) {
        this.add('invalid_weight', `Message ${i + 1} "weight" must be 0 or 1, not ${JSON.stringify(m.weight)}.`, [...at, 'weight']);
      }
      if ('refusal' in m && m.refusal !== null && typeof m.refusal !== 'string') {
        this.add('invalid_content_part', `Message ${i + 1} "refusal" must be a string or null.`, [...at, 'refusal']);
      } else if (typeof m.refusal === 'string') this.text(m.refusal, [...at, 'refusal']);
      if ('tool_calls' in m) this.toolCalls(m.tool_calls, i, [...at, 'tool_calls'], toolCallIds);
      if ('function_call' in m) this.functionCall(m.function_call, i, [...at, 'function_call']);
    } else if (role === 'tool') {
      if (!('tool_call_id' in m)) this.add('message_missing_key', `Message ${i + 1} (tool) is missing key "tool_call_id".`, at);
      else if (typeof m.tool_call_id !== 'string' || m.tool_call_id.length === 0) {
        this.add('message_missing_key', `Message ${i + 1} "tool_call_id" must be a non-empty string.`, [...at, 'tool_call_id']);
      } else if (!toolCallIds.has(m.tool_call_id)) {
        this.add('unmatched_tool_call_id', `Message ${i + 1} answers tool call "${m.tool_call_id}", which no earlier assistant message made.`, [
          ...at,
          'tool_call_id',
        ]);
      }
    } else if (role === 'function' && typeof m.name !== 'string') {
      if (!('name' in m)) this.add('message_missing_key', `Message ${i + 1} (function) is missing key "name".`, at);
    }
  }

  private content(m: Record<string, unknown>, role: Role, i: number, at: JsonPath, callsSomething: boolean): void {
    if (!('content' in m)) {
      if (!callsSomething) this.add('message_missing_key', `Message ${i + 1} (${role}) is missing key "content".`, at);
      return;
    }
    const c = m.content;
    const p: JsonPath = [...at, 'content'];
    if (typeof c === 'string') {
      if (c.length === 0 && !callsSomething) this.add('missing_content', `Message ${i + 1} (${role}) has empty content.`, p);
      else this.text(c, p);
      return;
    }
    if (c === null) {
      if (!callsSomething && role !== 'function') this.add('missing_content', `Message ${i + 1} (${role}) has null content.`, p);
      return;
    }
    if (Array.isArray(c) && role !== 'function') {
      if (c.length === 0) {
        if (!callsSomething) this.add('missing_content', `Message ${i + 1} (${role}) has an empty content array.`, p);
        return;
      }
      this.parts(c, role, i, p);
      return;
    }
    this.add('missing_content', `Message ${i + 1} (${role}) content must be text, not ${describe(c)}.`, p);
  }

  private parts(parts: unknown[], role: Role, i: number, at: JsonPath): void {
    const allowed = PART_TYPES[role];
    let refusals = 0;
    parts.forEach((part, j) => {
      const p: JsonPath = [...at, j];
      if (!isObject(part) || typeof part.type !== 'string') {
        this.add('invalid_content_part', `Message ${i + 1} content part ${j + 1} must be an object with a "type".`, p);
        return;
      }
      if (!allowed.has(part.type)) {
        const why =
          part.type === 'image_url' && role === 'assistant'
            ? 'images are not allowed in assistant messages'
            : `${role} messages accept ${[...allowed].join(', ')} parts`;
        this.add('invalid_content_part', `Message ${i + 1} content part ${j + 1} has type "${part.type}": ${why}.`, [...p, 'type']);
        return;
      }
      if (part.type === 'text') {
        if (typeof part.text !== 'string' || part.text.length === 0)
          this.add('invalid_content_part', `Message ${i + 1} text part ${j + 1} needs a non-empty "text" string.`, p);
        else this.text(part.text, [...p, 'text']);
      } else if (part.type === 'refusal') {
        refusals++;
        if (typeof part.refusal !== 'string') this.add('invalid_content_part', `Message ${i + 1} refusal part ${j + 1} needs a "refusal" string.`, p);
      } else if (part.type === 'image_url') {
        const img = part.image_url;
        if (!isObject(img) || typeof img.url !== 'string' || img.url.length === 0) {
          this.add('invalid_content_part', `Message ${i + 1} image part ${j + 1} needs "image_url": {"url": "https://…" or "data:image/…;base64,…"}.`, p);
        } else if (!/^(https?:\/\/|data:image\/(jpeg|jpg|png|webp);base64,)/i.test(img.url)) {
          this.add('invalid_content_part', `Message ${i + 1} image part ${j + 1}: the URL must be http(s) or a base64 JPEG/PNG/WEBP data URL.`, [
            ...p,
            'image_url',
            'url',
          ]);
        } else if ('detail' in img && img.detail !== 'low' && img.detail !== 'high' && img.detail !== 'auto') {
          this.add('invalid_content_part', `Message ${i + 1} image part ${j + 1}: "detail" must be low, high or auto.`, [...p, 'image_url', 'detail']);
        }
      }
    });
    if (refusals > 0 && (refusals !== 1 || parts.length !== 1)) {
      this.add('invalid_content_part', `Message ${i + 1}: assistant content is one or more text parts, or exactly one refusal part.`, at);
    }
  }

  private toolCalls(calls: unknown, i: number, at: JsonPath, ids: Set<string>): void {
    if (!Array.isArray(calls) || calls.length === 0) {
      this.add('invalid_tool_calls', `Message ${i + 1} "tool_calls" must be a non-empty array.`, at);
      return;
    }
    calls.forEach((call, j) => {
      const p: JsonPath = [...at, j];
      if (!isObject(call) || typeof call.id !== 'string' || call.id.length === 0 || call.type !== 'function' || !isObject(call.function)) {
        this.add(
          'invalid_tool_calls',
          `Message ${i + 1} tool call ${j + 1} must be {"id": "...", "type": "function", "function": {"name": "...", "arguments": "{...}"}}.`,
          p,
        );
        return;
      }
      ids.add(call.id);
      const fn = call.function;
      if (typeof fn.name !== 'string' || fn.name.length === 0)
        this.add('invalid_tool_calls', `Message ${i + 1} tool call ${j + 1} needs a function "name".`, [...p, 'function']);
      this.argumentsOf(fn, i, [...p, 'function', 'arguments']);
    });
  }

  private functionCall(fc: unknown, i: number, at: JsonPath): void {
    if (!isObject(fc) || typeof fc.name !== 'string' || fc.name.length === 0) {
      this.add('invalid_function_call', `Message ${i + 1} "function_call" must be {"name": "...", "arguments": "{...}"}.`, at);
      return;
    }
    this.argumentsOf(fc, i, [...at, 'arguments']);
  }

  private argumentsOf(fn: Record<string, unknown>, i: number, at: JsonPath): void {
    const args = fn.arguments;
    if (typeof args !== 'string') {
      this.add(
        'invalid_tool_call_arguments',
        `Message ${i + 1}: "arguments" must be a JSON string (e.g. "{\\"city\\": \\"Paris\\"}"), not ${describe(args)}.`,
        at,
      );
    } else if (!isJson(args)) {
      this.add('invalid_tool_call_arguments', `Message ${i + 1}: "arguments" is not valid JSON.`, at);
    } else this.text(args, at);
  }
}

/** Check one parsed example; issues are appended to `out`. */
export function checkExample(ex: unknown, out: RuleIssue[]): ExampleFacts {
  return new Checker(out).example(ex);
}
