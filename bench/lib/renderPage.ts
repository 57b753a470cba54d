/**
 * Browser side of bench/render.bench.ts: bundled by esbuild and loaded into a blank page in Chromium.
 * Uses the chat webview's real renderer (markdown-it + DOMPurify + IncrementalMarkdown) and the real
 * frame-cadence batcher; exposes functions on `window.renderBench` for the Node side to call.
 */
import { DeltaBatcher, type FlushScheduler } from '../../src/core/chat/deltaBatcher';
import { CHUNK_BLOCKS, IncrementalMarkdown, unwrapChunks } from '../../src/webview/chat/incremental';
import { createMarkdown, createSanitizer, renderFull } from '../../src/webview/chat/markdown';

import type { Conversation, Reply, Turn } from '../../src/shared/protocol';
import { Transcript } from '../../src/webview/chat/transcript';

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

/** A stream being rendered, fed in segments by the Node side (which reads main-thread CPU time between segments). */
interface Stream {
  feed(deltas: string[]): number[];
  finish(): void;
}
let current: Stream | undefined;

/** What a stream renders with: the chat's renderer, the naive full re-render, or the floor (see `floorRenderer`). */
type Mode = 'incremental' | 'full' | 'floor';

/**
 * The least DOM work any renderer that shows every delta does: the delta's text appended to the open paragraph's text
 * node, a new paragraph (in the same chunks the renderer uses) at each blank line — nothing parsed, nothing sanitized,
 * no markup. With the same layout read after each delta it measures what Chromium's text layout alone costs.
 */
function floorRenderer(el: HTMLElement): (delta: string) => void {
  let chunk = el;
  let text: Text | undefined;
  let blocks = 0;
  const paragraph = (data: string): void => {
    if (blocks++ % CHUNK_BLOCKS === 0) {
      chunk = document.createElement('div');
      chunk.className = 'md-chunk';
      el.append(chunk);
    }
    const p = document.createElement('p');
    text = document.createTextNode(data);
    p.append(text);
    chunk.append(p);
  };
  return (delta) => {
    const parts = delta.split('\n\n');
    if (text) text.appendData(parts[0]);
    else paragraph(parts[0]);
    for (let i = 1; i < parts.length; i++) paragraph(parts[i]);
  };
}

function begin(mode: Mode, layout = true): Stream {
  const el = freshContainer();
  const r = new IncrementalMarkdown(el, md, sanitize);
  const floor = floorRenderer(el);
  let text = '';
  const stream: Stream = {
    feed(deltas: string[]): number[] {
      const times: number[] = new Array(deltas.length);
      for (let i = 0; i < deltas.length; i++) {
        const t0 = performance.now();
        if (mode === 'incremental') {
          r.append(deltas[i]);
          r.render();
        } else if (mode === 'floor') {
          floor(deltas[i]);
        } else {
          text += deltas[i];
          el.replaceChildren(renderFull(md, sanitize, text));
        }
        // The transcript keeps the view scrolled to the end: this read forces style + layout, as in the real view.
        if (layout) void (el.parentElement as HTMLElement).scrollHeight;
        times[i] = performance.now() - t0;
      }
      return times;
    },
    finish(): void {
      if (mode === 'incremental') r.finish();
    },
  };
  current = stream;
  return stream;
}

/** Renders every delta as it arrives; returns per-delta main-thread ms (render + the layout read the view does). */
function runSync(deltas: string[], mode: 'incremental' | 'full', layout = true): number[] {
  const s = begin(mode, layout);
  const times = s.feed(deltas);
  s.finish();
  return times;
}

/**
 * A long conversation: time to show a snapshot of `turns` turns (Transcript.load + layout), then the
 * per-delta cost of streaming a reply at the end of it (frame-free: one render per delta).
 */
function conversation(turnCount: number, replyText: string, deltas: string[]): { loadMs: number; perDelta: number[] } {
  const root = document.getElementById('root') as HTMLElement;
  root.replaceChildren();
  const setup = { model: 'ft:gpt-4.1-mini-2025-04-14:emulator:bench:abc', systemPrompt: 'You are my mentor.', promptSource: 'bound' as const, params: {} };
  const reply = (text: string, status: Reply['status']): Reply => ({ text, status, setup, startedAt: 1, endedAt: 2 });
  const turns: Turn[] = [];
  for (let i = 0; i < turnCount; i += 2) {
    turns.push({ kind: 'user', id: `u${i}`, text: `Question ${i}: what should I do about the day ahead?`, at: 1 });
    turns.push({ kind: 'assistant', id: `a${i}`, reply: reply(replyText, 'done') });
  }
  const conv: Conversation = { id: 'conv_bench', title: 'bench', createdAt: 1, updatedAt: 2, turns };
  const t = new Transcript({ md, sanitize, datasetAvailable: () => true });
  root.append(t.el);
  const t0 = performance.now();
  t.load(conv);
  void t.el.scrollHeight;
  const loadMs = performance.now() - t0;
  t.upsert('conv_bench', { kind: 'user', id: 'uq', text: 'One more question', at: 3 });
  t.upsert('conv_bench', { kind: 'assistant', id: 'aq', reply: reply('', 'streaming') });
  const perDelta: number[] = [];
  let offset = 0;
  for (const d of deltas) {
    const s0 = performance.now();
    t.delta('conv_bench', 'aq', undefined, offset, d);
    offset += d.length;
    // The reply view renders on the next animation frame; flush it synchronously here to time it.
    t.flushRendering();
    void t.el.scrollHeight;
    perDelta.push(performance.now() - s0);
  }
  return { loadMs, perDelta };
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
      begin: (mode: Mode, layout?: boolean) => void;
      feed: (deltas: string[]) => number[];
      conversation: typeof conversation;
      finalHtml: typeof finalHtml;
      startLive: typeof startLive;
      pushLive: (text: string, oldestAt: number) => void;
      liveResult: typeof liveResult;
    };
  }
}

window.renderBench = {
  runSync,
  begin: (mode, layout) => void begin(mode, layout),
  feed: (d) => current?.feed(d) ?? [],
  conversation,
  finalHtml,
  startLive,
  pushLive: (t, at) => live?.push(t, at),
  liveResult,
};
