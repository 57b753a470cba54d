import assert from 'node:assert/strict';
import { isFromRatingWebview } from '../../../src/shared/evalProtocol';
import { ratingKey } from '../../../src/webview/eval/keys';

describe('eval: rating keys and webview messages', () => {
  it('maps 1 / 2 / = / s / u, and nothing with a modifier', () => {
    assert.deepEqual(ratingKey({ key: '1' }), { kind: 'rate', verdict: '1' });
    assert.deepEqual(ratingKey({ key: '2' }), { kind: 'rate', verdict: '2' });
    assert.deepEqual(ratingKey({ key: '=' }), { kind: 'rate', verdict: 'tie' });
    assert.deepEqual(ratingKey({ key: 's' }), { kind: 'rate', verdict: 'skip' });
    assert.deepEqual(ratingKey({ key: 'u' }), { kind: 'undo' });
    assert.equal(ratingKey({ key: '1', ctrlKey: true }), undefined);
    assert.equal(ratingKey({ key: '3' }), undefined);
  });

  it('n, then 1 / 2 flags that reply as nonsense; any other key cancels the n', () => {
    assert.deepEqual(ratingKey({ key: 'n' }), { kind: 'nonsense' });
    assert.deepEqual(ratingKey({ key: '1' }, true), { kind: 'flag', side: '1' });
    assert.deepEqual(ratingKey({ key: '2' }, true), { kind: 'flag', side: '2' });
    assert.deepEqual(ratingKey({ key: 'Escape' }, true), { kind: 'cancel' });
    assert.deepEqual(ratingKey({ key: '=' }, true), { kind: 'cancel' });
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isFromRatingWebview({ type: 'eval/ready' }));
    assert.ok(isFromRatingWebview({ type: 'eval/rate', pair: 'p0123456789ab', verdict: 'tie' }));
    assert.ok(isFromRatingWebview({ type: 'eval/undo' }));
    assert.ok(isFromRatingWebview({ type: 'eval/flag', pair: 'p0123456789ab', side: '2' }));
    for (const bad of [
      null,
      'x',
      { type: 'eval/rate', pair: 'p1', verdict: 'win' },
      { type: 'eval/rate', pair: '', verdict: '1' },
      { type: 'eval/undo', extra: 1 },
      { type: 'eval/flag', pair: 'p1', side: '3' },
      { type: 'eval/flag', pair: 'p1', side: '1', reply: 'q1/c1/0' },
      { type: 'other' },
    ])
      assert.equal(isFromRatingWebview(bad), false, JSON.stringify(bad));
  });
});
