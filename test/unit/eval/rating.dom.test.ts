import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { FromRatingWebview, ToRatingWebview } from '../../../src/shared/evalProtocol';

/** The blind-rating webview (src/webview/eval/main.ts) under jsdom: keys in, messages to the host out. */
describe('eval: blind-rating webview (DOM)', () => {
  const sent: FromRatingWebview[] = [];
  let dom: JSDOM;
  const g = globalThis as Record<string, unknown>;

  const show = (m: ToRatingWebview) => dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: m }));
  const press = (key: string) => dom.window.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key, cancelable: true }));
  const app = () => dom.window.document.getElementById('app') as HTMLElement;
  const pair = (nonsense = { left: false, right: false }): ToRatingWebview => ({
    type: 'eval/pair',
    pair: { id: 'p0123456789ab', question: 'What does anger cost?', left: 'More than its causes.', right: '<img src=x onerror=alert(1)>', nonsense },
    rated: 3,
    total: 30,
    canUndo: true,
  });

  before(async () => {
    dom = new JSDOM('<!doctype html><body><main id="app"></main></body>');
    g.window = dom.window;
    g.document = dom.window.document;
    g.acquireVsCodeApi = () => ({ postMessage: (m: FromRatingWebview) => sent.push(m) });
    await import('../../../src/webview/eval/main.js');
  });
  after(() => {
    for (const k of ['window', 'document', 'acquireVsCodeApi']) delete g[k];
    dom.window.close();
  });

  it('says it is ready, shows the pair as text only, and lists every key in the key help', () => {
    assert.deepEqual(sent.splice(0), [{ type: 'eval/ready' }]);
    show(pair());
    assert.match(app().querySelector('.status')?.textContent ?? '', /^3 of 30 pairs rated$/);
    assert.equal(app().querySelector('img'), null, 'a reply is text, never markup');
    assert.equal(app().querySelector('.side-2 .text')?.textContent, '<img src=x onerror=alert(1)>');
    const help = [...app().querySelectorAll('.keys dt')].map((d) => d.textContent);
    assert.deepEqual(help, ['1 / 2', '=', 's', 'n then 1 / 2', 'u']);
    assert.match(app().querySelector('.keys')?.textContent ?? '', /nonsense \(counts as a failure\)/);
  });

  it('rates with 1 / 2 / = / s, undoes with u', () => {
    for (const k of ['1', '2', '=', 's', 'u', 'x']) press(k);
    assert.deepEqual(sent.splice(0), [
      { type: 'eval/rate', pair: 'p0123456789ab', verdict: '1' },
      { type: 'eval/rate', pair: 'p0123456789ab', verdict: '2' },
      { type: 'eval/rate', pair: 'p0123456789ab', verdict: 'tie' },
      { type: 'eval/rate', pair: 'p0123456789ab', verdict: 'skip' },
      { type: 'eval/undo' },
    ]);
  });

  it('flags a reply as nonsense with n then 1 / 2, without rating the pair; Escape cancels the n', () => {
    press('n');
    assert.match(app().querySelector('.status')?.textContent ?? '', /nonsense: press 1 or 2/);
    press('2');
    assert.deepEqual(sent.splice(0), [{ type: 'eval/flag', pair: 'p0123456789ab', side: '2' }]);
    assert.doesNotMatch(app().querySelector('.status')?.textContent ?? '', /nonsense/);
    press('n');
    press('Escape');
    press('1');
    assert.deepEqual(sent.splice(0), [{ type: 'eval/rate', pair: 'p0123456789ab', verdict: '1' }], 'after Escape, 1 rates again');
  });

  it('shows which reply is flagged, and the flag button toggles it', () => {
    show(pair({ left: false, right: true }));
    assert.equal(app().querySelector('.side-1.nonsense'), null);
    assert.ok(app().querySelector('.side-2.nonsense'));
    assert.match(app().querySelector('.side-2 h3')?.textContent ?? '', /flagged as nonsense/);
    const toggle = [...app().querySelectorAll('.side-2 button')].find((b) => /nonsense/i.test(b.textContent ?? '')) as HTMLButtonElement;
    assert.equal(toggle.textContent, 'Not nonsense (n 2)');
    toggle.click();
    assert.deepEqual(sent.splice(0), [{ type: 'eval/flag', pair: 'p0123456789ab', side: '2' }]);
  });

  it('ignores n when every pair is rated', () => {
    show({ type: 'eval/done', rated: 30, total: 30, canUndo: true });
    press('n');
    press('1');
    assert.deepEqual(sent.splice(0), [], 'no pair: neither a flag nor a rating is sent');
  });
});
