import * as assert from 'node:assert/strict';
import { FromChatWebview, FromChatWebviewType, LIMITS } from '../../../src/shared/protocol';
import { FROM_WEBVIEW_TYPES, validateFromChatWebview } from '../../../src/shared/protocolValidate';

/** One valid example of every message the webview may send (the table must cover every type). */
const VALID: { [K in FromChatWebviewType]: Extract<FromChatWebview, { type: K }>[] } = {
  'chat/ready': [{ type: 'chat/ready', version: 2 }],
  'chat/send': [{ type: 'chat/send', text: 'What would Marcus say?' }],
  'chat/stop': [{ type: 'chat/stop' }, { type: 'chat/stop', requestId: 'req_abc123' }],
  'chat/regenerate': [{ type: 'chat/regenerate', turnId: 'turn_1' }],
  'chat/retry': [
    { type: 'chat/retry', turnId: 't1' },
    { type: 'chat/retry', turnId: 't1', side: 'b' },
  ],
  'chat/editResend': [{ type: 'chat/editResend', turnId: 't1', text: 'better question' }],
  'chat/feedback': [
    { type: 'chat/feedback', turnId: 't1', value: 'up' },
    { type: 'chat/feedback', turnId: 't1', value: null, side: 'a' },
  ],
  'chat/pick': [{ type: 'chat/pick', turnId: 't1', pick: 'tie' }],
  'chat/addToDataset': [
    { type: 'chat/addToDataset', turnId: 't1', edit: false },
    { type: 'chat/addToDataset', turnId: 't1', edit: true, side: 'b' },
  ],
  'chat/copy': [
    { type: 'chat/copy', text: '' },
    { type: 'chat/copy', text: 'const x = 1;' },
  ],
  'chat/openLink': [
    { type: 'chat/openLink', href: 'https://example.com/a?b=c' },
    { type: 'chat/openLink', href: 'mailto:me@example.com' },
  ],
  'chat/setModel': [
    { type: 'chat/setModel', model: 'ft:gpt-4.1-mini-2025-04-14:acme:mentor:AbC123:ckpt-step-100' },
    { type: 'chat/setModel', model: 'llama3.2:3b', side: 'b' },
    { type: 'chat/setModel', model: 'meta-llama/Llama-3.1-8B-Instruct' },
  ],
  'chat/setPrompt': [
    { type: 'chat/setPrompt', choice: { mode: 'bound' } },
    { type: 'chat/setPrompt', choice: { mode: 'none' }, side: 'b' },
    { type: 'chat/setPrompt', choice: { mode: 'preset', presetId: 'preset_1' } },
    { type: 'chat/setPrompt', choice: { mode: 'custom', text: 'Answer briefly.' } },
  ],
  'chat/setParams': [
    { type: 'chat/setParams', params: {} },
    { type: 'chat/setParams', params: { temperature: 0.7, topP: 1, maxTokens: 512 } },
  ],
  'chat/setCompare': [{ type: 'chat/setCompare', enabled: true }],
  'chat/savePreset': [
    { type: 'chat/savePreset', name: 'Stoic', text: 'You are a Stoic.' },
    { type: 'chat/savePreset', id: 'p1', name: 'Stoic', text: '' },
  ],
  'chat/deletePreset': [{ type: 'chat/deletePreset', id: 'p1' }],
  'chat/refreshModels': [{ type: 'chat/refreshModels' }],
  'chat/runCommand': [
    { type: 'chat/runCommand', command: 'setApiKey' },
    { type: 'chat/runCommand', command: 'openInEditor' },
  ],
  'conversation/new': [{ type: 'conversation/new' }],
  'conversation/open': [{ type: 'conversation/open', id: 'conv_1' }],
  'conversation/rename': [{ type: 'conversation/rename', id: 'conv_1', title: 'Mornings' }],
  'conversation/delete': [{ type: 'conversation/delete', id: 'conv_1' }],
  'conversation/export': [{ type: 'conversation/export', id: 'conv_1' }],
};

const MALFORMED: [string, unknown][] = [
  ['null', null],
  ['a string', 'chat/send'],
  ['an array', [{ type: 'chat/send', text: 'x' }]],
  ['no type', { text: 'x' }],
  ['numeric type', { type: 7 }],
  ['unknown type', { type: 'chat/executeCommand', command: 'workbench.action.terminal.new' }],
  ['prototype key as type', { type: 'constructor' }],
  ['__proto__ as type', { type: '__proto__' }],
  ['legacy un-namespaced ready', { type: 'ready' }],
  ['send without text', { type: 'chat/send' }],
  ['send with empty text', { type: 'chat/send', text: '   ' }],
  ['send with non-string text', { type: 'chat/send', text: { toString: 'x' } }],
  ['send with oversized text', { type: 'chat/send', text: 'x'.repeat(LIMITS.promptChars + 1) }],
  ['send with an extra field (e.g. smuggled api key)', { type: 'chat/send', text: 'hi', apiKey: 'sk-x' }],
  ['send with a model override', { type: 'chat/send', text: 'hi', model: 'gpt-4o' }],
  ['stop with a path-like request id', { type: 'chat/stop', requestId: '../../x' }],
  ['regenerate without turn id', { type: 'chat/regenerate' }],
  ['turn id with spaces', { type: 'chat/regenerate', turnId: 'a b' }],
  ['turn id too long', { type: 'chat/regenerate', turnId: 'x'.repeat(81) }],
  ['retry with side c', { type: 'chat/retry', turnId: 't', side: 'c' }],
  ['feedback with bad value', { type: 'chat/feedback', turnId: 't', value: 'meh' }],
  ['feedback missing value', { type: 'chat/feedback', turnId: 't' }],
  ['pick with bad value', { type: 'chat/pick', turnId: 't', pick: 'both' }],
  ['addToDataset with string edit', { type: 'chat/addToDataset', turnId: 't', edit: 'yes' }],
  ['addToDataset carrying text (must come from the host transcript)', { type: 'chat/addToDataset', turnId: 't', edit: false, assistant: 'forged' }],
  ['openLink javascript:', { type: 'chat/openLink', href: 'javascript:alert(1)' }],
  ['openLink file:', { type: 'chat/openLink', href: 'file:///etc/passwd' }],
  ['openLink command:', { type: 'chat/openLink', href: 'command:workbench.action.openSettings' }],
  ['openLink vscode:', { type: 'chat/openLink', href: 'vscode://file/etc/passwd' }],
  ['openLink relative', { type: 'chat/openLink', href: '/relative' }],
  ['setModel with spaces', { type: 'chat/setModel', model: 'gpt 4' }],
  ['setModel with newline', { type: 'chat/setModel', model: 'gpt-4\n' }],
  ['setModel with side a', { type: 'chat/setModel', model: 'gpt-4', side: 'a' }],
  ['setModel too long', { type: 'chat/setModel', model: 'x'.repeat(LIMITS.modelIdChars + 1) }],
  ['setPrompt with unknown mode', { type: 'chat/setPrompt', choice: { mode: 'jailbreak' } }],
  ['setPrompt preset without id', { type: 'chat/setPrompt', choice: { mode: 'preset' } }],
  ['setPrompt custom with extra key', { type: 'chat/setPrompt', choice: { mode: 'custom', text: 'x', model: 'y' } }],
  ['setPrompt bound with extra key', { type: 'chat/setPrompt', choice: { mode: 'bound', text: 'x' } }],
  ['setParams temperature out of range', { type: 'chat/setParams', params: { temperature: 3 } }],
  ['setParams top_p out of range', { type: 'chat/setParams', params: { topP: -0.1 } }],
  ['setParams NaN', { type: 'chat/setParams', params: { temperature: Number.NaN } }],
  ['setParams fractional max tokens', { type: 'chat/setParams', params: { maxTokens: 1.5 } }],
  ['setParams unknown key', { type: 'chat/setParams', params: { frequencyPenalty: 1 } }],
  ['setParams params null', { type: 'chat/setParams', params: null }],
  ['savePreset empty name', { type: 'chat/savePreset', name: ' ', text: 'x' }],
  ['savePreset oversized text', { type: 'chat/savePreset', name: 'n', text: 'x'.repeat(LIMITS.presetTextChars + 1) }],
  ['runCommand not in allowlist', { type: 'chat/runCommand', command: 'workbench.action.reloadWindow' }],
  ['rename empty title', { type: 'conversation/rename', id: 'c', title: '' }],
  ['rename too long title', { type: 'conversation/rename', id: 'c', title: 'x'.repeat(LIMITS.titleChars + 1) }],
  ['delete with traversal id', { type: 'conversation/delete', id: '../../index' }],
  ['export missing id', { type: 'conversation/export' }],
  ['ready with string version', { type: 'chat/ready', version: '2' }],
];

describe('chat/protocol validation', () => {
  it('covers every webview → host message type with a valid example', () => {
    assert.deepEqual(Object.keys(VALID).sort(), [...FROM_WEBVIEW_TYPES].sort());
  });

  for (const [type, examples] of Object.entries(VALID)) {
    it(`accepts valid ${type}`, () => {
      for (const m of examples) {
        const r = validateFromChatWebview(m);
        assert.equal(r.ok, true, r.ok ? '' : r.reason);
      }
    });
  }

  for (const [name, value] of MALFORMED) {
    it(`rejects ${name}`, () => {
      const r = validateFromChatWebview(value);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.reason.length > 0);
    });
  }

  it('explains why a message was rejected (for the log)', () => {
    const r = validateFromChatWebview({ type: 'chat/send', text: 'hi', apiKey: 'sk-x' });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /unexpected field "apiKey"/);
    const r2 = validateFromChatWebview({ type: 'chat/openLink', href: 'javascript:alert(1)' });
    assert.equal(r2.ok, false);
    assert.match(r2.ok ? '' : r2.reason, /scheme javascript: is not allowed/);
  });
});
