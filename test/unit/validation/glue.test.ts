/** Pure helpers behind the VS Code glue: training-file detection, status bar text, report model. */
import * as assert from 'node:assert/strict';
import { buildReport, compactCount, formatUsd, isTrainingJsonl, looksLikeChatJsonl, statusText, validateJsonlText } from '../../../src/core/validation';
import { decodeFromValidationWebview, decodeReportRestoreState, decodeToValidationWebview } from '../../../src/shared/validationProtocol';

const isFromValidationWebview = (m: unknown) => decodeFromValidationWebview(m).ok;
const isToValidationWebview = (m: unknown) => decodeToValidationWebview(m).ok;
import { GOOD } from './fixtures';

describe('validation glue helpers', () => {
  it('treats dataset-folder JSONL and chat-looking JSONL as training files, nothing else', () => {
    assert.equal(isTrainingJsonl('/w/.socratune/datasets/journal/train.jsonl', ''), true, 'empty file in a dataset folder');
    assert.equal(isTrainingJsonl('C:\\w\\.socratune\\datasets\\j\\validation.jsonl', 'garbage'), true, 'Windows paths');
    assert.equal(isTrainingJsonl('/w/data/custom/train.jsonl', '', ['data/custom']), true, 'configured dataset folder');
    assert.equal(isTrainingJsonl('/w/exports/mine.jsonl', '\n\n' + GOOD), true, 'first non-blank line is a chat example');
    assert.equal(isTrainingJsonl('/w/exports/mine.jsonl', '\uFEFF{"tools": [], "messages": [{"role":"user"}]}'), true);
    assert.equal(isTrainingJsonl('/w/logs/events.jsonl', '{"event":"start"}\n' + GOOD), false, 'other JSONL');
    assert.equal(isTrainingJsonl('/w/.socratune/datasets/j/train.json', GOOD), false, 'not .jsonl');
    assert.equal(looksLikeChatJsonl(''), false);
    assert.equal(looksLikeChatJsonl('{"prompt": "a", "completion": "b"}'), false);
  });

  it('formats the status bar as "$(database) name · N examples · T tokens · ≈$C"', () => {
    assert.equal(compactCount(9_999), '9,999');
    assert.equal(compactCount(45_210), '45.2k');
    assert.equal(compactCount(452_100), '452k');
    assert.equal(compactCount(4_521_000), '4.52M');
    assert.equal(formatUsd(0.004), '<$0.01');
    assert.equal(formatUsd(0.675), '$0.68');
    assert.equal(formatUsd(1234.4), '$1,234');
    const cost = { model: 'm', epochs: 3, defaultEpochs: true, billableTokens: 1, trainedTokens: 3, usdPer1MTokens: 5, usd: 0.675 };
    assert.equal(
      statusText('journal', { examples: 120, tokens: { encoding: 'o200k_base', total: 45_210, billable: 1, assistant: 1 }, estimatedCost: cost }),
      '$(database) journal · 120 examples · 45.2k tokens · ≈$0.68',
    );
    assert.equal(
      statusText('one', { examples: 1, tokens: { encoding: 'o200k_base', total: 12, billable: 12, assistant: 2 }, estimatedCost: null }),
      '$(database) one · 1 example · 12 tokens',
    );
    assert.equal(statusText('journal', undefined), '$(database) journal');
  });

  it('the status bar counts only valid examples (an invalid line is no example)', async () => {
    const good = (i: number) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: `a${i}` },
        ],
      });
    const r = await validateJsonlText([good(1), 'not json', good(2), '{"messages":[]}', good(3)].join('\n'), { purpose: 'validation' });
    assert.equal(r.examples, 3);
    assert.match(statusText('ds', r), /^\$\(database\) ds · 3 examples · /);
  });

  it('builds a report that says what blocks the upload and caps long issue lists', async () => {
    const train = await validateJsonlText([...Array.from({ length: 300 }, () => '{}'), GOOD].join('\n'), { purpose: 'train' });
    const valid = await validateJsonlText([GOOD, GOOD].join('\n'), { purpose: 'validation' });
    const r = buildReport('journal', [
      { role: 'train', name: 'train.jsonl', result: train },
      { role: 'validation', name: 'validation.jsonl', result: valid },
    ]);
    assert.equal(r.files.length, 2);
    assert.equal(r.files[0]!.accepted, false);
    assert.equal(r.files[0]!.errors.length, 200, 'at most 200 listed');
    assert.deepEqual(r.files[0]!.errorCounts[0], { code: 'missing_messages_list', count: 300, description: 'The example has no non-empty "messages" array.' });
    assert.equal(r.files[1]!.accepted, true);
    assert.ok(r.files[1]!.histogram && r.files[1]!.histogram.counts.length > 0);
    assert.equal(r.cost?.model, 'gpt-4.1-mini-2025-04-14');
    assert.equal(r.encoding, 'o200k_base');
    assert.match(r.costNote ?? '', /Validation tokens are not charged/);
    const restore = { target: 'file:///w/.socratune/datasets/journal', model: 'gpt-4.1-mini-2025-04-14' };
    assert.equal(isToValidationWebview({ type: 'validation/report', report: JSON.parse(JSON.stringify(r)), restore }), true, 'survives postMessage');
    assert.equal(isToValidationWebview({ type: 'validation/report', report: r }), false, 'the restore state comes with every report');
  });

  it('restores a report tab only from a well-formed saved state (a dataset target and a model)', () => {
    assert.deepEqual(decodeReportRestoreState({ target: 'file:///w/d', model: 'm' }), { ok: true, value: { target: 'file:///w/d', model: 'm' } });
    for (const bad of [
      undefined,
      null,
      'file:///w/d',
      {},
      { target: '', model: 'm' },
      { target: 'file:///w/d' },
      { target: 'file:///w/d', model: 'm', extra: 1 },
    ])
      assert.equal(decodeReportRestoreState(bad).ok, false, JSON.stringify(bad));
  });

  it('accepts only well-formed messages from the report webview', () => {
    assert.equal(isFromValidationWebview({ type: 'validation/ready' }), true);
    assert.equal(isFromValidationWebview({ type: 'validation/open', role: 'train', line: 3, column: 7 }), true);
    assert.equal(isFromValidationWebview({ type: 'validation/rendered', files: 2, bins: 14, blocking: 0 }), true);
    for (const bad of [
      null,
      'x',
      {},
      { type: 'validation/ready', extra: 1 },
      { type: 'validation/open', role: 'test', line: 1 },
      { type: 'validation/open', role: 'train', line: 0 },
      { type: 'validation/open', role: 'train', line: 1.5 },
      { type: 'validation/rendered', files: -1, bins: 0, blocking: 0 },
      { type: 'run', command: 'x' },
    ]) {
      assert.equal(isFromValidationWebview(bad), false, JSON.stringify(bad));
    }
  });
});
