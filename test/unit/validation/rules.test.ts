import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ERROR_CODES, WARNING_CODES, buildReport, validateJsonlFile, validateJsonlText, type ValidationResult } from '../../../src/core/validation';
import { RULE_CASES, type Fixture } from './fixtures';

let dir: string;
let n = 0;

async function run(f: Fixture, mode: 'text' | 'file'): Promise<ValidationResult> {
  if (mode === 'text') {
    assert.ok(f.lines, 'text mode needs lines');
    return validateJsonlText(f.lines.map((l) => l + '\n').join(''), f.opts);
  }
  const file = path.join(dir, `f${n++}.jsonl`);
  writeFileSync(file, f.bytes ?? (f.lines ?? []).map((l) => l + '\n').join(''));
  return validateJsonlFile(file, { workers: 0, ...f.opts });
}

const codesOf = (r: ValidationResult): string[] => [...r.errors, ...r.warnings].map((i) => i.code);

describe('validation rules: one failing and one passing fixture per rule', () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'socratune-rules-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has fixtures for every error and warning code', () => {
    const covered = new Set(RULE_CASES.map((c) => c.code));
    for (const code of [...Object.keys(ERROR_CODES), ...Object.keys(WARNING_CODES)]) {
      assert.ok(covered.has(code as never), `no fixture for ${code}`);
    }
    for (const c of RULE_CASES) {
      assert.ok(c.bad.length > 0 && c.good.length > 0, `${c.code} needs a failing and a passing fixture`);
    }
  });

  for (const c of RULE_CASES) {
    const isError = c.code in ERROR_CODES;
    describe(c.code, () => {
      c.bad.forEach((f, i) => {
        for (const mode of f.fileOnly ? (['file'] as const) : (['text', 'file'] as const)) {
          it(`reports it for failing fixture ${i + 1} (${mode})`, async () => {
            const r = await run(f, mode);
            const hits = [...r.errors, ...r.warnings].filter((it) => it.code === c.code);
            assert.ok(hits.length > 0, `expected ${c.code}, got ${JSON.stringify(codesOf(r))}`);
            if (f.line !== undefined) assert.equal(hits[0]!.line, f.line, `line of ${c.code}`);
            for (const h of hits) assert.ok(h.message.length > 10, 'a readable message');
            assert.equal((isError ? r.stats.errorCounts : r.stats.warningCounts)[c.code as never] !== undefined, true);
            assert.equal(r.accepted, f.accepted ?? !isError, 'errors block acceptance, warnings do not');
          });
        }
      });
      c.good.forEach((f, i) => {
        for (const mode of f.fileOnly ? (['file'] as const) : (['text', 'file'] as const)) {
          it(`does not report it for passing fixture ${i + 1} (${mode})`, async () => {
            const r = await run(f, mode);
            assert.ok(!codesOf(r).includes(c.code), `unexpected ${c.code}: ${JSON.stringify([...r.errors, ...r.warnings])}`);
            assert.equal(r.accepted, f.accepted ?? true, `accepted: ${JSON.stringify(r.errors)}`);
          });
        }
      });
    });
  }
});

describe('validation issue locations', () => {
  it('points at the offending key and value (1-based columns)', async () => {
    const line = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":2}]}';
    const r = await validateJsonlText(line + '\n', { purpose: 'validation' });
    const e = r.errors.find((x) => x.code === 'invalid_weight')!;
    assert.equal(line.slice(e.column! - 1, e.endColumn! - 1), '"weight":2');
    assert.deepEqual(e.path, ['messages', 1, 'weight']);
  });

  it('points at the JSON syntax error', async () => {
    const line = '{"messages": [{"role": "user", "content": "q"},, ]}';
    const r = await validateJsonlText(line, { purpose: 'validation' });
    const e = r.errors.find((x) => x.code === 'invalid_json')!;
    assert.equal(line[e.column! - 1], ',');
    assert.equal(e.column, line.indexOf(',,') + 2);
  });

  it('shifts columns past a BOM on line 1', async () => {
    const line = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":5}]}';
    const r = await validateJsonlText('\uFEFF' + line, { purpose: 'validation' });
    const e = r.errors.find((x) => x.code === 'invalid_weight')!;
    assert.equal(('\uFEFF' + line).slice(e.column! - 1, e.endColumn! - 1), '"weight":5');
  });

  it('reports every corrupted line with its number and never drops one silently', async () => {
    const good = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}';
    const lines = [good, 'oops', good, '{"messages": [', good, '42'];
    const r = await validateJsonlText(lines.join('\n'), { purpose: 'validation' });
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.code]),
      [
        [2, 'invalid_json'],
        [4, 'invalid_json'],
        [6, 'data_type'],
      ],
    );
    assert.equal(r.examples, 3, 'only valid examples count as examples');
    assert.equal(r.stats.examples, 6, 'all non-blank lines, valid or not');
    assert.equal(r.stats.examplesWithErrors, 3);
  });
});

describe('invalid JSON is explained in plain words (issue 15 #10)', () => {
  it('says what is wrong and where, never V8 raw text echoing the line', async () => {
    const r = await validateJsonlText(['this line is not json', '{"messages": [{"role": "user", "content": "q"},, ]}', "{'messages': []}"].join('\n'), {
      purpose: 'validation',
    });
    const msgs = r.errors.filter((e) => e.code === 'invalid_json').map((e) => e.message);
    assert.equal(msgs.length, 3);
    assert.match(
      msgs[0],
      /^This line is not JSON: each line must be one example written as \{"messages": \[\.\.\.\]\}, but it starts with “this line is not json”\.$/,
    );
    assert.match(msgs[1], /^Not valid JSON at column 48: a value is missing here/);
    assert.match(msgs[2], /^Not valid JSON at column 2: text and field names need double quotes/);
    for (const m of msgs) assert.doesNotMatch(m, /Unexpected token|is not valid JSON|position \d+/);
  });
});

describe('the validation report says a whole-file warning once (issue 15 #10)', () => {
  it('puts the few-examples warning, with this file’s figures, in the table only', async () => {
    const ex = JSON.stringify({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    });
    const r = await validateJsonlText(Array.from({ length: 12 }, () => ex).join('\n'), { purpose: 'train' });
    const f = buildReport('d', [{ role: 'train', name: 'train.jsonl', result: r }]).files[0];
    const row = f.warningCounts.find((c) => c.code === 'few_examples');
    assert.ok(row);
    assert.equal(row.description, '12 examples: OpenAI reports clear improvements from 50–100 well-crafted examples.');
    assert.equal(row.fileLevel, true);
    assert.equal(f.warnings.filter((w) => w.code === 'few_examples').length, 0, 'not listed again as an issue');
  });
});
