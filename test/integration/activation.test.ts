import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ActivationApi, SocratuneApi } from '../../src/extension';
import { EXTENSION_ID, activateSocratune, flushedLog } from './support/host';

/** Activation stays light: the tokenizer (MBs of BPE ranks) is loaded on first use, never by activate(). */
describe('activation', () => {
  let api: SocratuneApi;

  before(async () => {
    api = await activateSocratune();
  });

  it('returns without having loaded the tokenizer', () => {
    assert.equal(api.tokenizerLoadedAtActivation, false);
  });

  it('returns before any capability is loaded: contributions have lazy handlers (issue 10)', () => {
    const activation = vscode.extensions.getExtension<ActivationApi>(EXTENSION_ID)?.exports;
    assert.equal(activation?.capabilitiesLoadedAtActivation, false);
    assert.equal(activation?.activatedInMs, api.activatedInMs, 'the capabilities report the figures activation measured');
  });

  it('logs its own duration and the tokenizer state (what the activation benchmark reads)', async () => {
    const log = await flushedLog(api);
    // The duration logged is the one activate() measured and returned.
    assert.ok(log.includes(`Socratune activated in ${api.activatedInMs.toFixed(2)} ms (tokenizer not loaded)`), log.slice(-2000));
  });
});
