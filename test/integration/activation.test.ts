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
  });

  it('logs its own duration and the tokenizer state (what the activation benchmark reads)', async () => {
    const log = await flushedLog(api);
    // The duration logged is the one activate() measured and returned.
    assert.ok(log.includes(`Socratune activated in ${api.activatedInMs.toFixed(2)} ms (tokenizer not loaded)`), log.slice(-2000));
  });
});
