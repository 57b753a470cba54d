/**
 * Token counts are checked against OpenAI's own tokenizer (the `tiktoken` WASM package, dev-only) on
 * real text from the Meditations corpus, for both encodings, plus the cookbook's message accounting.
 */
import * as assert from 'node:assert/strict';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { countExampleTokens, encodingForModel, loadTokenCounter, validateJsonlText } from '../../../src/core/validation';
import { CORPUS, FULL_CORPUS, corpusAvailable, paragraphs } from '../../../bench/lib/meditationsJsonl';

const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;

describe('token counts (gpt-tokenizer vs OpenAI tiktoken)', function () {
  this.timeout(90_000);
  let paras: string[];
  const tk: Partial<Record<(typeof ENCODINGS)[number], Tiktoken>> = {};

  before(function () {
    if (!corpusAvailable()) throw new Error('the Meditations corpus (../shared/corpus/meditations.txt) is required');
    paras = paragraphs();
    for (const e of ENCODINGS) tk[e] = get_encoding(e);
  });
  after(() => {
    for (const e of ENCODINGS) tk[e]?.free();
  });

  for (const enc of ENCODINGS) {
    it(`${enc}: every Meditations paragraph counts exactly as tiktoken`, async () => {
      const counter = await loadTokenCounter(enc, { memoize: false });
      let total = 0;
      for (const p of paras) {
        const expected = tk[enc]!.encode(p).length;
        assert.equal(counter.count(p), expected, p.slice(0, 60));
        total += expected;
      }
      // The full corpus beside the repo has ~1,600 paragraphs; the committed excerpt ~70.
      const full = CORPUS === FULL_CORPUS;
      assert.ok(
        full ? paras.length > 500 && total > 200_000 : paras.length > 40 && total > 8_000,
        `a real amount of text was compared (${paras.length} paragraphs, ${total} tokens)`,
      );
    });

    it(`${enc}: non-ASCII, whitespace runs, digits and special-token text count as tiktoken (disallowed_special=())`, async () => {
      const counter = await loadTokenCounter(enc);
      const samples = [
        '',
        ' ',
        '\n\n\n',
        'naïve café — “quotes” ✓ 日本語のテキスト 🤔🏛️',
        '1234567890 3.14159 1e10',
        '   leading and trailing   ',
        'tabs\tand\r\nCRLF',
        'end <|endoftext|> and <|fim_suffix|>',
        'x'.repeat(5000),
      ];
      for (const s of samples) {
        const expected = tk[enc]!.encode_ordinary(s).length;
        assert.equal(counter.count(s), expected, JSON.stringify(s.slice(0, 40)));
        assert.equal(counter.count(s), expected, 'memoized count is the same');
      }
    });
  }

  it('the cookbook accounting: 3 per message + every value (role too) + 1 per name + 3 priming', async () => {
    const enc = tk.o200k_base!;
    const n = (s: string) => enc.encode(s).length;
    const messages = [
      { role: 'system', content: paras[0]! },
      { role: 'user', content: paras[1]!, name: 'Rusticus' },
      { role: 'assistant', content: paras[2]!, weight: 1 },
    ];
    const expected = 3 * 3 + n('system') + n(paras[0]!) + n('user') + n(paras[1]!) + n('Rusticus') + 1 + n('assistant') + n(paras[2]!) + 3;
    const counter = await loadTokenCounter('o200k_base');
    const t = countExampleTokens(messages, (s) => counter.count(s));
    assert.equal(t.total, expected);
    assert.equal(t.assistant, n(paras[2]!));
  });

  it('tool calls count as their JSON text, weights count nothing (the cookbook crashes on both)', async () => {
    const counter = await loadTokenCounter('o200k_base');
    const calls = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }];
    const t = countExampleTokens([{ role: 'assistant', tool_calls: calls, weight: 0 }], (s) => counter.count(s));
    assert.equal(t.total, 3 + tk.o200k_base!.encode('assistant').length + tk.o200k_base!.encode(JSON.stringify(calls)).length + 3);
  });

  it('validateJsonlText totals equal a direct tiktoken count, with the encoding chosen by model', async () => {
    const lines = paras.slice(0, 40).map((p, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `Entry ${i}?` },
          { role: 'assistant', content: p },
        ],
      }),
    );
    for (const model of ['gpt-4o-mini-2024-07-18', 'gpt-3.5-turbo-0125']) {
      const enc = tk[encodingForModel(model)]!;
      const expected = lines.reduce((acc, l) => {
        const m = JSON.parse(l).messages as { role: string; content: string }[];
        return acc + 3 + m.reduce((a, x) => a + 3 + enc.encode(x.role).length + enc.encode(x.content).length, 0);
      }, 0);
      const r = await validateJsonlText(lines.join('\n'), { model, purpose: 'validation' });
      assert.equal(r.tokens.total, expected, model);
      assert.equal(r.tokens.encoding, encodingForModel(model));
    }
  });

  it('maps models to encodings like tiktoken (o200k for 4o/4.1/o-series/ft:4o, cl100k for 3.5/4)', () => {
    const cases: [string, string][] = [
      ['gpt-4o-2024-08-06', 'o200k_base'],
      ['gpt-4o-mini', 'o200k_base'],
      ['gpt-4.1-nano-2025-04-14', 'o200k_base'],
      ['o4-mini-2025-04-16', 'o200k_base'],
      ['o3-mini', 'o200k_base'],
      ['ft:gpt-4o-mini-2024-07-18:acme:journal:AbC123', 'o200k_base'],
      ['gpt-3.5-turbo-0125', 'cl100k_base'],
      ['gpt-4-0613', 'cl100k_base'],
      ['ft:gpt-3.5-turbo-0125:acme::x1', 'cl100k_base'],
      ['davinci-002', 'cl100k_base'],
    ];
    for (const [model, enc] of cases) assert.equal(encodingForModel(model), enc, model);
  });
});
