/**
 * Browser side of bench/render.bench.ts: bundled by esbuild and loaded into a blank page in Chromium.
 * Uses the chat webview's real renderer (markdown-it + DOMPurify + IncrementalMarkdown) and the real
 * frame-cadence batcher; exposes functions on `window.renderBench` for the Node side to call.
 */
import { DeltaBatcher, type FlushScheduler } from '../../src/core/chat/deltaBatcher';
import { IncrementalMarkdown, unwrapChunks } from '../../src/webview/chat/incremental';
import { createMarkdown, createSanitizer, renderFull } from '../../src/webview/chat/markdown';

const md = createMarkdown();
const sanitize = createSanitizer(window);
const frame: FlushScheduler = { schedule: (cb) => requestAnimationFrame(() => cb()), cancel: (h) => cancelAnimationFrame(h as number) };

function freshContainer(): HTMLElement {
  const root = document.getElementById('root') as HTMLElement;
  root.replaceChildren();
  const el = document.createElement('div');
  el.className = 'md';
  root.append(el);
  return el;
}

/** Renders every delta as it arrives; returns per-delta main-thread ms (render + the layout read the view does). */
function runSync(deltas: string[], mode: 'incremental' | 'full', layout = true): number[] {
  const el = freshContainer();
  const times: number[] = new Array(deltas.length);
  const r = new IncrementalMarkdown(el, md, sanitize);
  let text = '';
  for (let i = 0; i < deltas.length; i++) {
    const t0 = performance.now();
    if (mode === 'incremental') {
      r.append(deltas[i]);
      r.render();
    } else {
      text += deltas[i];
      el.replaceChildren(renderFull(md, sanitize, text));
    }
    // The transcript keeps the view scrolled to the end: this read forces style + layout, as in the real view.
    if (layout) void (el.parentElement as HTMLElement).scrollHeight;
    times[i] = performance.now() - t0;
  }
  if (mode === 'incremental') r.finish();
  return times;
}

/** Final HTML of both modes for the same deltas (equivalence check inside the benchmark). */
function finalHtml(deltas: string[]): { incremental: string; full: string } {
  const el = freshContainer();
  const r = new IncrementalMarkdown(el, md, sanitize);
  for (const d of deltas) {
    r.append(d);
    r.render();
  }
  r.finish();
  const incremental = unwrapChunks(el);
  const full = freshContainer();
  full.append(renderFull(md, sanitize, deltas.join('')));
  return { incremental, full: full.innerHTML };
}

/**
 * Live stream: batches posted by the Node side (as the host posts chat/delta) go through the view's
 * frame batcher into the renderer; for each batch, the latency from its oldest token's arrival in the
 * host (`sentAt`, epoch ms) to the end of the frame that painted it.
 */
interface Live {
  latencies: number[];
  renderMs: number[];
  push(text: string, oldestAt: number): void;
}
let live: Live | undefined;

function startLive(mode: 'incremental' | 'full'): void {
  const el = freshContainer();
  const r = new IncrementalMarkdown(el, md, sanitize);
  let text = '';
  const waiting: number[] = [];
  const state: Live = {
    latencies: [],
    renderMs: [],
    push(t: string, oldestAt: number) {
      waiting.push(oldestAt);
      batcher.push(t);
    },
  };
  const batcher = new DeltaBatcher((t) => {
    const t0 = performance.now();
    if (mode === 'incremental') {
      r.append(t);
      r.render();
    } else {
      text += t;
      el.replaceChildren(renderFull(md, sanitize, text));
    }
    void (el.parentElement as HTMLElement).scrollHeight;
    state.renderMs.push(performance.now() - t0);
    const stamps = waiting.splice(0);
    // setTimeout(0) from inside the frame callback runs after the frame is presented.
    setTimeout(() => {
      const painted = performance.timeOrigin + performance.now();
      for (const s of stamps) state.latencies.push(painted - s);
    }, 0);
  }, frame);
  live = state;
}

function liveResult(): { latencies: number[]; renderMs: number[] } {
  return { latencies: live?.latencies ?? [], renderMs: live?.renderMs ?? [] };
}

declare global {
  interface Window {
    renderBench: {
      runSync: typeof runSync;
      finalHtml: typeof finalHtml;
      startLive: typeof startLive;
      pushLive: (text: string, oldestAt: number) => void;
      liveResult: typeof liveResult;
    };
  }
}

window.renderBench = { runSync, finalHtml, startLive, pushLive: (t, at) => live?.push(t, at), liveResult };
