import { strict as assert } from 'node:assert';
import type { SocratuneApi } from '../../src/extension';
import { activateSocratune, flushedLog } from './support/host';

/** Activation stays light: the tokenizer (MBs of BPE ranks) is loaded on first use, never by activate(). */
describe('activation', () => {
  let api: SocratuneApi;

  before(async () => {
    api = await activateSocratune();
  });

  it('returns without having loaded the tokenizer', () => {
    assert.equal(api.tokenizerLoadedAtActivation, false);
    assert.ok(Number.isFinite(api.activatedInMs) && api.activatedInMs >= 0);
  });

  it('logs its own duration and the tokenizer state (what the activation benchmark reads)', async () => {
    const log = await flushedLog(api);
    assert.match(log, /Socratune activated in \d+\.\d\d ms \(tokenizer not loaded\)/);
  });
});
