import { strict as assert } from 'node:assert';
import { REDACTED, looksLikeApiKey, redact } from '../../../src/core/config/redact';

describe('redact', () => {
  it('masks OpenAI keys, bearer tokens, Azure keys, JWTs and api-key pairs', () => {
    const key = 'sk-proj-AbCdEf0123456789xyzXYZ';
    const out = redact(
      `key=${key} Authorization: Bearer abcdefgh12345678 azure 0123456789abcdef0123456789abcdef jwt eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4 "api-key": "zzzzzzzzzzzz"`,
    );
    assert.ok(!out.includes(key));
    assert.ok(!out.includes('abcdefgh12345678'));
    assert.ok(!out.includes('0123456789abcdef0123456789abcdef'));
    assert.ok(!out.includes('SflKxwRJSMeKKF2QT4'));
    assert.ok(!out.includes('zzzzzzzzzzzz'));
    assert.ok(out.includes(REDACTED));
    assert.ok(out.includes('Authorization: [REDACTED]'));
    assert.equal(redact('curl -H "Bearer abcdefgh12345678"'), 'curl -H "Bearer [REDACTED]"');
  });

  it('masks registered secrets of any shape and keeps ordinary text', () => {
    assert.equal(redact('the key is emu-demo-key!', ['emu-demo-key!']), `the key is ${REDACTED}`);
    assert.equal(redact('Loaded 12 examples from journal.md'), 'Loaded 12 examples from journal.md');
  });

  it('recognizes key-like values pasted into settings', () => {
    assert.ok(looksLikeApiKey('sk-abcdefghijklmnop1234'));
    assert.ok(looksLikeApiKey('0123456789abcdef0123456789abcdef'));
    assert.ok(!looksLikeApiKey('https://api.openai.com/v1'));
    assert.ok(!looksLikeApiKey('gpt-4.1-mini'));
  });
});
