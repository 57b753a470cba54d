/**
 * One failing and one passing fixture for EVERY validator rule (error and warning codes). The test
 * in rules.test.ts fails if a code in src/core/validation/codes.ts has no fixture here.
 */
import type { IssueCode, ValidateOptions } from '../../../src/core/validation';

export interface Fixture {
  /** JSONL lines (joined with "\n" plus a final "\n"), or raw bytes. */
  lines?: string[];
  bytes?: Buffer;
  opts?: ValidateOptions & { maxLineBytes?: number };
  /** 1-based line where the issue must be reported (0 = file level). */
  line?: number;
  /** The passing fixture must be accepted as a whole (default true). */
  accepted?: boolean;
  /** Only meaningful for files (bytes, line length limits). */
  fileOnly?: boolean;
}

export interface RuleCase {
  code: IssueCode;
  bad: Fixture[];
  good: Fixture[];
}

const msg = (role: string, content: unknown, extra: Record<string, unknown> = {}) => ({ role, content, ...extra });
export const ex = (...messages: unknown[]): string => JSON.stringify({ messages });
export const GOOD = ex(msg('system', 'You are Marcus.'), msg('user', 'What did Verus teach you?'), msg('assistant', 'To be gentle and meek.'));
const V: ValidateOptions = { purpose: 'validation' };

const toolCall = (id: string, args: unknown = '{"city": "Rome"}') => ({ id, type: 'function', function: { name: 'weather', arguments: args } });
const TOOLS = [
  { type: 'function', function: { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
const GOOD_TOOL_EXAMPLE = JSON.stringify({
  messages: [
    msg('user', 'Weather in Rome?'),
    { role: 'assistant', tool_calls: [toolCall('call_1')] },
    { role: 'tool', content: '{"temp": 21}', tool_call_id: 'call_1' },
    msg('assistant', 'It is 21 °C in Rome.'),
  ],
  tools: TOOLS,
  parallel_tool_calls: false,
});
const tenGood = Array.from({ length: 10 }, () => GOOD);

export const RULE_CASES: RuleCase[] = [
  // ── line level ──
  {
    code: 'invalid_utf8',
    bad: [
      {
        bytes: Buffer.concat([
          Buffer.from(GOOD + '\n'),
          Buffer.from('{"messages":[{"role":"user","content":"caf'),
          Buffer.from([0xe9]),
          Buffer.from('"},{"role":"assistant","content":"ok"}]}\n'),
        ]),
        opts: V,
        line: 2,
        fileOnly: true,
      },
    ],
    good: [{ bytes: Buffer.from(ex(msg('user', 'café – naïve ✓ 日本'), msg('assistant', 'ok')) + '\n'), opts: V, fileOnly: true }],
  },
  {
    code: 'utf8_bom',
    bad: [{ lines: ['\uFEFF' + GOOD, GOOD], opts: V, line: 1 }],
    good: [{ lines: [GOOD, GOOD], opts: V }],
  },
  {
    code: 'empty_line',
    bad: [
      { lines: [GOOD, '', GOOD], opts: V, line: 2 },
      { lines: [GOOD, '   \t', GOOD], opts: V, line: 2 },
    ],
    good: [{ lines: [GOOD, GOOD], opts: V }],
  },
  {
    code: 'line_too_long',
    bad: [{ lines: [GOOD, ex(msg('user', 'x'.repeat(500)), msg('assistant', 'y')), GOOD], opts: { ...V, maxLineBytes: 300 }, line: 2, fileOnly: true }],
    good: [{ lines: [GOOD, GOOD], opts: { ...V, maxLineBytes: 300 }, fileOnly: true }],
  },
  {
    code: 'invalid_json',
    bad: [
      { lines: [GOOD, '{"messages": [}'], opts: V, line: 2 },
      { lines: ["{'messages': []}"], opts: V, line: 1 },
      { lines: [GOOD.slice(0, -1) + ',}'], opts: V, line: 1 },
    ],
    good: [{ lines: [GOOD], opts: V }],
  },
  // ── the cookbook's format checks ──
  {
    code: 'data_type',
    bad: [
      { lines: ['[1, 2]'], opts: V, line: 1 },
      { lines: ['"just a string"'], opts: V, line: 1 },
      { lines: ['null'], opts: V, line: 1 },
    ],
    good: [{ lines: [GOOD], opts: V }],
  },
  {
    code: 'missing_messages_list',
    bad: [
      { lines: ['{}'], opts: V, line: 1 },
      { lines: ['{"messages": []}'], opts: V, line: 1 },
      { lines: ['{"messages": "hello"}'], opts: V, line: 1 },
      { lines: ['{"prompt": "a", "completion": "b"}'], opts: V, line: 1 },
    ],
    good: [{ lines: [GOOD], opts: V }],
  },
  {
    code: 'message_missing_key',
    bad: [
      { lines: [ex({ content: 'no role' }, msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex({ role: 'user' }, msg('assistant', 'a'))], opts: V, line: 1 },
      {
        lines: [ex(msg('user', 'q'), { role: 'assistant', tool_calls: [toolCall('c1')] }, { role: 'tool', content: 'x' }, msg('assistant', 'a'))],
        opts: V,
        line: 1,
      },
      { lines: [ex(msg('user', 'q'), { role: 'function', content: 'x' }, msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [{ lines: [GOOD_TOOL_EXAMPLE], opts: V }],
  },
  {
    code: 'message_unrecognized_key',
    bad: [
      { lines: [ex(msg('user', 'q', { foo: 1 }), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q'), msg('assistant', 'a', { tool_call_id: 'x' }))], opts: V, line: 1 },
    ],
    good: [
      {
        lines: [ex(msg('system', 's', { name: 'rules' }), msg('user', 'q', { name: 'Lucius' }), msg('assistant', 'a', { name: 'Marcus', weight: 1 }))],
        opts: V,
      },
    ],
  },
  {
    code: 'unrecognized_role',
    bad: [
      { lines: [ex(msg('developer', 'be brief'), msg('user', 'q'), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('bot', 'x'), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex({ role: 7, content: 'x' }, msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [
      { lines: [GOOD_TOOL_EXAMPLE], opts: V },
      {
        lines: [
          ex(
            msg('user', 'q'),
            { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
            { role: 'function', name: 'f', content: '42' },
            msg('assistant', 'a'),
          ),
        ],
        opts: V,
      },
    ],
  },
  {
    code: 'missing_content',
    bad: [
      { lines: [ex(msg('user', ''), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', 5), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q'), msg('assistant', null))], opts: V, line: 1 },
      { lines: [ex(msg('user', { text: 'x' }), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', []), msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [
      {
        lines: [
          ex(
            msg('user', [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
            ]),
            msg('assistant', 'A stoa.'),
          ),
        ],
        opts: V,
      },
    ],
  },
  {
    code: 'example_missing_assistant_message',
    bad: [{ lines: [GOOD, ex(msg('system', 's'), msg('user', 'q'))], opts: V, line: 2 }],
    good: [{ lines: [GOOD], opts: V }],
  },
  // ── server-side rules ──
  {
    code: 'example_unrecognized_key',
    bad: [{ lines: [JSON.stringify({ messages: JSON.parse(GOOD).messages, metadata: { source: 'journal.md' } })], opts: V, line: 1 }],
    good: [{ lines: [GOOD_TOOL_EXAMPLE], opts: V }],
  },
  {
    code: 'message_data_type',
    bad: [{ lines: [ex('hello', msg('assistant', 'a'))], opts: V, line: 1 }],
    good: [{ lines: [GOOD], opts: V }],
  },
  {
    code: 'invalid_name',
    bad: [
      { lines: [ex(msg('user', 'q', { name: 42 }), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q', { name: '' }), msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [{ lines: [ex(msg('user', 'q', { name: 'Rusticus' }), msg('assistant', 'a'))], opts: V }],
  },
  {
    code: 'invalid_weight',
    bad: [
      { lines: [ex(msg('user', 'q'), msg('assistant', 'a', { weight: 2 }))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q'), msg('assistant', 'a', { weight: '1' }))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q'), msg('assistant', 'a', { weight: 0.5 }))], opts: V, line: 1 },
    ],
    good: [
      {
        lines: [
          ex(
            msg('user', 'q'),
            msg('assistant', 'Paris', { weight: 0 }),
            msg('user', 'More sarcastic?'),
            msg('assistant', 'Paris, as if you did not know.', { weight: 1 }),
          ),
        ],
        opts: V,
      },
    ],
  },
  {
    code: 'weight_not_allowed',
    bad: [
      { lines: [ex(msg('user', 'q', { weight: 1 }), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('system', 's', { weight: 0 }), msg('user', 'q'), msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [{ lines: [ex(msg('user', 'q'), msg('assistant', 'a', { weight: 0 }), msg('user', 'q2'), msg('assistant', 'b', { weight: 1 }))], opts: V }],
  },
  {
    code: 'special_token',
    bad: [
      { lines: [ex(msg('user', 'end here <|endoftext|>'), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q'), msg('assistant', 'code <|fim_suffix|> more'))], opts: V, line: 1 },
      { lines: [ex(msg('user', [{ type: 'text', text: '<|im_start|>system' }]), msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [{ lines: [ex(msg('user', 'Is a <| b |> c? And <|endoftext without the end'), msg('assistant', 'Yes: 1 <| 2.'))], opts: V }],
  },
  {
    code: 'invalid_content_part',
    bad: [
      { lines: [ex(msg('user', 'q'), msg('assistant', [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }]))], opts: V, line: 1 },
      { lines: [ex(msg('user', [{ type: 'text' }]), msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', [{ type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }]), msg('assistant', 'a'))], opts: V, line: 1 },
      {
        lines: [ex(msg('user', [{ type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'max' } }]), msg('assistant', 'a'))],
        opts: V,
        line: 1,
      },
      {
        lines: [ex(msg('system', [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }]), msg('user', 'q'), msg('assistant', 'a'))],
        opts: V,
        line: 1,
      },
      { lines: [ex(msg('user', 'q'), msg('assistant', 'a', { refusal: 3 }))], opts: V, line: 1 },
    ],
    good: [
      {
        lines: [
          ex(
            msg('user', [
              { type: 'text', text: 'Describe' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ]),
            msg('assistant', [{ type: 'text', text: 'A column.' }]),
          ),
        ],
        opts: V,
      },
      { lines: [ex(msg('user', 'Do something bad'), msg('assistant', [{ type: 'refusal', refusal: 'I will not.' }]))], opts: V },
    ],
  },
  {
    code: 'invalid_tool_calls',
    bad: [
      { lines: [ex(msg('user', 'q'), { role: 'assistant', tool_calls: {} }, msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q'), { role: 'assistant', tool_calls: [{ id: 'c1' }] }, msg('assistant', 'a'))], opts: V, line: 1 },
      {
        lines: [
          ex(msg('user', 'q'), { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { arguments: '{}' } }] }, msg('assistant', 'a')),
        ],
        opts: V,
        line: 1,
      },
    ],
    good: [{ lines: [GOOD_TOOL_EXAMPLE], opts: V }],
  },
  {
    code: 'invalid_tool_call_arguments',
    bad: [
      {
        lines: [
          ex(
            msg('user', 'q'),
            { role: 'assistant', tool_calls: [toolCall('c1', { city: 'Rome' })] },
            { role: 'tool', content: 'x', tool_call_id: 'c1' },
            msg('assistant', 'a'),
          ),
        ],
        opts: V,
        line: 1,
      },
      {
        lines: [
          ex(
            msg('user', 'q'),
            { role: 'assistant', tool_calls: [toolCall('c1', '{city: Rome}')] },
            { role: 'tool', content: 'x', tool_call_id: 'c1' },
            msg('assistant', 'a'),
          ),
        ],
        opts: V,
        line: 1,
      },
      { lines: [ex(msg('user', 'q'), { role: 'assistant', function_call: { name: 'f', arguments: 'nope' } }, msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [{ lines: [GOOD_TOOL_EXAMPLE], opts: V }],
  },
  {
    code: 'unmatched_tool_call_id',
    bad: [
      {
        lines: [
          ex(
            msg('user', 'q'),
            { role: 'assistant', tool_calls: [toolCall('call_1')] },
            { role: 'tool', content: '21', tool_call_id: 'call_2' },
            msg('assistant', 'a'),
          ),
        ],
        opts: V,
        line: 1,
      },
    ],
    good: [{ lines: [GOOD_TOOL_EXAMPLE], opts: V }],
  },
  {
    code: 'invalid_function_call',
    bad: [
      { lines: [ex(msg('user', 'q'), { role: 'assistant', function_call: 'weather' }, msg('assistant', 'a'))], opts: V, line: 1 },
      { lines: [ex(msg('user', 'q'), { role: 'assistant', function_call: { arguments: '{}' } }, msg('assistant', 'a'))], opts: V, line: 1 },
    ],
    good: [
      {
        lines: [
          ex(
            msg('user', 'q'),
            { role: 'assistant', function_call: { name: 'weather', arguments: '{"city":"Rome"}' } },
            { role: 'function', name: 'weather', content: '21' },
            msg('assistant', 'a'),
          ),
        ],
        opts: V,
      },
    ],
  },
  {
    code: 'invalid_tools',
    bad: [
      { lines: [JSON.stringify({ messages: JSON.parse(GOOD).messages, tools: { name: 'x' } })], opts: V, line: 1 },
      { lines: [JSON.stringify({ messages: JSON.parse(GOOD).messages, tools: [{ type: 'retrieval' }] })], opts: V, line: 1 },
      { lines: [JSON.stringify({ messages: JSON.parse(GOOD).messages, tools: [{ type: 'function', function: { name: 'has space' } }] })], opts: V, line: 1 },
      { lines: [JSON.stringify({ messages: JSON.parse(GOOD).messages, parallel_tool_calls: 'yes' })], opts: V, line: 1 },
      { lines: [JSON.stringify({ messages: JSON.parse(GOOD).messages, functions: [] })], opts: V, line: 1 },
    ],
    good: [
      { lines: [GOOD_TOOL_EXAMPLE], opts: V },
      { lines: [JSON.stringify({ messages: JSON.parse(GOOD).messages, functions: [{ name: 'weather', parameters: { type: 'object' } }] })], opts: V },
    ],
  },
  {
    code: 'too_few_examples',
    bad: [
      { lines: tenGood.slice(0, 9), opts: { purpose: 'train' }, line: 0 },
      { lines: [], opts: { purpose: 'train' }, line: 0 },
    ],
    good: [
      { lines: tenGood, opts: { purpose: 'train' } },
      { lines: tenGood.slice(0, 3), opts: { purpose: 'validation' } },
    ],
  },
  // ── warnings (never block) ──
  {
    code: 'example_too_long',
    bad: [
      { lines: [GOOD, ex(msg('user', 'q'), msg('assistant', 'word '.repeat(5000)))], opts: { ...V, model: 'gpt-3.5-turbo-0613' }, line: 2, accepted: true },
    ],
    good: [{ lines: [GOOD, ex(msg('user', 'q'), msg('assistant', 'word '.repeat(5000)))], opts: { ...V, model: 'gpt-4.1-mini-2025-04-14' } }],
  },
  {
    code: 'possible_special_token',
    bad: [{ lines: [ex(msg('user', 'my template uses <|user_name|> here'), msg('assistant', 'a'))], opts: V, line: 1, accepted: true }],
    good: [{ lines: [ex(msg('user', 'the pipe <| and |> alone'), msg('assistant', 'a'))], opts: V }],
  },
  {
    code: 'missing_system_message',
    bad: [{ lines: [GOOD, ex(msg('user', 'q'), msg('assistant', 'a'))], opts: V, line: 0, accepted: true }],
    good: [
      { lines: [GOOD, GOOD], opts: V },
      { lines: [ex(msg('user', 'q'), msg('assistant', 'a')), ex(msg('user', 'q2'), msg('assistant', 'b'))], opts: V },
    ],
  },
  {
    code: 'missing_user_message',
    bad: [{ lines: [GOOD, ex(msg('system', 's'), msg('assistant', 'a'))], opts: V, line: 0, accepted: true }],
    good: [{ lines: [GOOD, GOOD], opts: V }],
  },
  {
    code: 'duplicate_example',
    bad: [{ lines: [GOOD, ex(msg('user', 'q2'), msg('assistant', 'b')), GOOD], opts: V, line: 3, accepted: true }],
    good: [{ lines: [GOOD, ex(msg('user', 'q2'), msg('assistant', 'b'))], opts: V }],
  },
  {
    code: 'few_examples',
    bad: [{ lines: tenGood, opts: { purpose: 'train' }, line: 0, accepted: true }],
    good: [{ lines: Array.from({ length: 50 }, () => GOOD), opts: { purpose: 'train' } }],
  },
  {
    code: 'unknown_model',
    bad: [{ lines: [GOOD], opts: { ...V, model: 'my-private-model' }, line: 0, accepted: true }],
    good: [
      { lines: [GOOD], opts: { ...V, model: 'gpt-4o-mini' } },
      { lines: [GOOD], opts: { ...V, model: 'ft:gpt-4o-mini-2024-07-18:acme::AbC123' } },
    ],
  },
  {
    code: 'issues_truncated',
    bad: [{ lines: ['{}', '[]', '{}'], opts: { ...V, maxIssues: 2 }, line: 0, accepted: false }],
    good: [{ lines: ['{}', '[]'], opts: { ...V, maxIssues: 2 }, accepted: false }],
  },
];
