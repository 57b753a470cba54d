import { strict as assert } from 'node:assert';
import { REDACTED, looksLikeApiKey, redact } from '../../../src/core/config/redact';

// One made-up key of each provider's shape (none is a real credential).
const KEYS: Record<string, string> = {
  'OpenAI sk-': 'sk-AbCdEf0123456789xyzXYZabcd',
  'OpenAI sk-proj-': 'sk-proj-AbCdEf0123456789_xyz-XYZ0123456789abcdefABCDEF',
  'Together 64-hex': '3f0c9d2b7a61e5f48c1d0b9a8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f',
  'Together tgp_v1_': 'tgp_v1_Xy12AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab',
  'Fireworks fw_': 'fw_3ZkQmA8pV1cR7tY2uW9xL4nB',
  'Azure 84-char': 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5z6JQQJ99BLACOGa1B2c3D4e5F6g7H8i9J0',
  'Azure 32-hex': '0123456789abcdef0123456789abcdef',
  'Groq gsk_': 'gsk_8Hq2LmN4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hJ4kL6mN8',
  'Hugging Face hf_': 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345',
};

// Every context a key turns up in: request dumps, error bodies, env lines, URLs, prose.
const CONTEXTS: Record<string, (k: string) => string> = {
  'JSON token': (k) => `{"token": "${k}", "model": "m"}`,
  'JSON apiKey': (k) => `{"apiKey":"${k}"}`,
  'query ?key=': (k) => `GET https://example.test/v1/models?key=${k}&limit=5`,
  'env TOGETHER_API_KEY=': (k) => `TOGETHER_API_KEY=${k} npm start`,
  'env FIREWORKS_API_KEY=': (k) => `export FIREWORKS_API_KEY="${k}"`,
  'prose api key:': (k) => `invalid api key: ${k} (401)`,
  'header api-key:': (k) => `api-key: ${k}`,
  'header Authorization: Bearer': (k) => `Authorization: Bearer ${k}`,
  'Bearer in a JSON header': (k) => `{"Authorization":"Bearer ${k}"}`,
  'x-api-key header': (k) => `x-api-key=${k}`,
};

const BARE_SHAPES = ['OpenAI sk-', 'OpenAI sk-proj-', 'Together tgp_v1_', 'Fireworks fw_', 'Azure 84-char', 'Groq gsk_', 'Hugging Face hf_'];

describe('redact', () => {
  for (const [provider, key] of Object.entries(KEYS)) {
    for (const [context, wrap] of Object.entries(CONTEXTS)) {
      it(`masks a ${provider} key in ${context}`, () => {
        const out = redact(wrap(key));
        assert.ok(!out.includes(key), out);
        assert.ok(!out.includes(key.slice(8, 24)), `no part of it is left: ${out}`);
        assert.ok(out.includes(REDACTED), out);
      });
    }
  }

  for (const provider of BARE_SHAPES) {
    it(`masks a bare ${provider} key by its shape`, () => {
      const out = redact(`the request used ${KEYS[provider]} and failed`);
      assert.equal(out, `the request used ${REDACTED} and failed`);
    });
  }

  it('keeps context around the masked value readable', () => {
    assert.equal(redact(`GET /v1/models?key=${KEYS['Together 64-hex']}&limit=5`), `GET /v1/models?key=${REDACTED}&limit=5`);
    assert.equal(redact(`TOGETHER_API_KEY=${KEYS['Together 64-hex']} npm start`), `TOGETHER_API_KEY=${REDACTED} npm start`);
    assert.equal(redact('curl -H "Bearer abcdefgh12345678"'), `curl -H "Bearer ${REDACTED}"`);
    assert.equal(redact('Authorization: Bearer abcdefgh12345678'), `Authorization: ${REDACTED}`);
  });

  it('masks a short bearer token', () => {
    assert.equal(redact('Authorization: Bearer abc'), `Authorization: ${REDACTED}`);
    assert.equal(redact('sent Bearer x1 to the server'), `sent Bearer ${REDACTED} to the server`);
  });

  it('keeps content hashes readable: bare 64-hex and 32-hex strings in the store’s own messages', () => {
    const sha = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const md5 = '0cc175b9c0f1b6a831c399e269772661';
    for (const msg of [
      `Uploaded train.jsonl (sha256 ${sha}), reusing file-abc`,
      `dataset hash ${sha} matches the manifest`,
      `{"hash":"${sha}","passageHash":"${md5}","lineHint":3}`,
      `socratune_dataset_sha256=${sha}`,
      `content ${md5} already uploaded`,
    ]) {
      assert.equal(redact(msg), msg);
    }
  });

  it('keeps ordinary text: token counts, model ids, paths, URLs', () => {
    for (const msg of [
      'Loaded 12 examples from journal.md',
      'max_tokens: 1000, prompt_tokens=52341, tokens: 1234',
      'model ft:gpt-4.1-mini:me::abc123 on https://api.together.xyz/v1',
      'Validated 10 examples · 12,345 tokens · ≈$0.12',
    ]) {
      assert.equal(redact(msg), msg);
    }
  });

  it('masks registered secrets of any shape (every stored key), the longest first', () => {
    assert.equal(redact('the key is emu-demo-key!', ['emu-demo-key!']), `the key is ${REDACTED}`);
    const hexKey = KEYS['Together 64-hex'];
    assert.equal(redact(`bare ${hexKey} here`, [hexKey]), `bare ${REDACTED} here`);
    assert.equal(redact('abcd-efgh-ijkl', ['abcd', 'abcd-efgh-ijkl']), REDACTED);
  });

  it('recognizes key-like values pasted into settings', () => {
    assert.ok(looksLikeApiKey('sk-abcdefghijklmnop1234'));
    assert.ok(looksLikeApiKey('0123456789abcdef0123456789abcdef'));
    assert.ok(!looksLikeApiKey('https://api.openai.com/v1'));
    assert.ok(!looksLikeApiKey('gpt-4.1-mini'));
  });
});
