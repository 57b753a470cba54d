/**
 * Emulator throughput and cold start, on loopback, with a fixed number of requests (no open-ended loops).
 * Baselines run in the same process: a bare node:http server that returns the same bytes without doing any work,
 * so `ratio` is the share of raw Node HTTP throughput the emulator keeps (1.0 = no overhead).
 * The load generator (fetch, keep-alive, fixed concurrency) shares the process with the server being measured.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import OpenAI, { toFile } from 'openai';
import { startEmulator } from '../src/emulator';
import { corpusAvailable, exampleLines, paragraphs } from './lib/meditationsJsonl';
import { median, round, type BenchResult } from './lib/types';

const CONCURRENCY = 16;
const MODELS_REQUESTS = 4000;
const CHAT_REQUESTS = 1500;
const STREAMS = 200;

async function load(n: number, one: (i: number) => Promise<number>): Promise<{ seconds: number; units: number }> {
  let next = 0;
  let units = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const done = await one(next++); // not `units += await …`: that would read `units` before the await
        units += done;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, units };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

/** Counts `data:` events in an SSE body. */
const countEvents = (text: string) => text.split('\n\n').filter((e) => e.startsWith('data: {')).length;

async function coldStartProcess(cmd: string[], timeoutMs = 20_000): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, cmd, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('no URL printed')), timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    const res = await fetch(`${url}/models`, { headers: { authorization: 'Bearer sk-emulator-demo' } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - started;
  } finally {
    child.kill();
  }
}

export default async function emulatorBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const emu = await startEmulator({ timeScale: 1000, tokensPerSecond: 0 });
  const auth = { authorization: `Bearer ${emu.key}` };
  const client = new OpenAI({ apiKey: emu.key, baseURL: emu.url, maxRetries: 0 });
  const servers: Server[] = [];
  try {
    // A fine-tuned model on the Meditations corpus (or on a small built-in set when the corpus is absent).
    const paras = corpusAvailable()
      ? paragraphs()
      : Array.from({ length: 200 }, (_, i) => `Paragraph ${i} about virtue, nature, death and the present moment, number ${i}.`);
    const file = await client.files.create({ file: await toFile(Buffer.from(exampleLines(paras).join('\n')), 'meditations.jsonl'), purpose: 'fine-tune' });
    const job = await client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: file.id,
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 1 } } },
    });
    emu.advance(7 * 24 * 3600 * 1000);
    const tuned = (await client.fineTuning.jobs.retrieve(job.id)).fine_tuned_model;
    if (!tuned) throw new Error('bench job did not succeed');
    const questions = paras.map((p) => `What did you write about ${p.split(' ').slice(3, 9).join(' ')}?`);

    // GET /models
    const modelsBody = Buffer.from(await (await fetch(`${emu.url}/models`, { headers: auth })).arrayBuffer());
    const get = (base: string) => async () => {
      const res = await fetch(`${base}/models`, { headers: auth });
      await res.arrayBuffer();
      return 1;
    };
    await load(200, get(emu.url));
    const m = await load(MODELS_REQUESTS, get(emu.url));
    const raw = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': modelsBody.length }).end(modelsBody));
    servers.push(raw);
    const rawUrl = await listen(raw);
    await load(200, get(rawUrl));
    const mb = await load(MODELS_REQUESTS, get(rawUrl));
    const modelsRate = m.units / m.seconds;
    const rawRate = mb.units / mb.seconds;
    results.push({
      name: 'GET /models',
      value: round(modelsRate),
      unit: 'req/s',
      baseline: round(rawRate),
      ratio: round(modelsRate / rawRate),
      notes: `${MODELS_REQUESTS} requests, ${CONCURRENCY} concurrent; baseline = bare node:http returning the same body`,
    });

    // POST /chat/completions (non-streaming, fine-tuned model: retrieval over the training replies)
    const chatBody = (i: number) => JSON.stringify({ model: tuned, messages: [{ role: 'user', content: questions[i % questions.length] }] });
    const sample = Buffer.from(
      await (
        await fetch(`${emu.url}/chat/completions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: chatBody(0) })
      ).arrayBuffer(),
    );
    const chat = (base: string) => async (i: number) => {
      const res = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: chatBody(i) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`chat status ${res.status}`);
      return 1;
    };
    await load(100, chat(emu.url));
    const c = await load(CHAT_REQUESTS, chat(emu.url));
    const rawChat = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': sample.length }).end(sample));
    });
    servers.push(rawChat);
    const rawChatUrl = await listen(rawChat);
    const cb = await load(CHAT_REQUESTS, chat(rawChatUrl));
    const chatRate = c.units / c.seconds;
    results.push({
      name: 'POST /chat/completions (fine-tuned, non-stream)',
      value: round(chatRate),
      unit: 'req/s',
      baseline: round(cb.units / cb.seconds),
      ratio: round(chatRate / (cb.units / cb.seconds)),
      notes: `${CHAT_REQUESTS} requests over a model trained on ${paras.length} examples`,
    });

    // Streaming: chunks per second with tps=0
    const streamOnce = (base: string) => async (i: number) => {
      const res = await fetch(`${base}/chat/completions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ model: tuned, stream: true, messages: [{ role: 'user', content: questions[i % questions.length] }] }),
      });
      return countEvents(await res.text());
    };
    await load(20, streamOnce(emu.url));
    const s = await load(STREAMS, streamOnce(emu.url));
    const frames: string[] = [];
    for (let i = 0; i < Math.round(s.units / STREAMS); i++)
      frames.push(
        `data: ${JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 0, model: tuned, choices: [{ index: 0, delta: { content: ' word' }, logprobs: null, finish_reason: null }] })}\n\n`,
      );
    const rawSse = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const f of frames) res.write(f);
        res.end('data: [DONE]\n\n');
      });
    });
    servers.push(rawSse);
    const rawSseUrl = await listen(rawSse);
    const sb = await load(STREAMS, streamOnce(rawSseUrl));
    const chunkRate = s.units / s.seconds;
    results.push({
      name: 'streamed chunks (tps=0)',
      value: round(chunkRate),
      unit: 'chunks/s',
      baseline: round(sb.units / sb.seconds),
      ratio: round(chunkRate / (sb.units / sb.seconds)),
      notes: `${STREAMS} streams, ${Math.round(s.units / STREAMS)} chunks each on average; baseline writes the same number of frames at once`,
    });
  } finally {
    await emu.close();
    for (const srv of servers) srv.close();
  }

  // Cold start in-process: startEmulator() → first GET /models answered (module already loaded).
  const inProc: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const e = await startEmulator();
    const res = await fetch(`${e.url}/models`, { headers: { authorization: `Bearer ${e.key}` } });
    await res.arrayBuffer();
    inProc.push(performance.now() - t);
    await e.close();
  }
  const rawInProc: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const srv = createServer((_q, r) => r.end('{}'));
    const url = await listen(srv);
    await (await fetch(`${url}/models`)).arrayBuffer();
    rawInProc.push(performance.now() - t);
    await new Promise((r) => srv.close(r));
  }
  results.push({
    name: 'cold start in process (startEmulator → first response)',
    value: round(median(inProc)),
    unit: 'ms',
    baseline: round(median(rawInProc)),
    ratio: round(median(inProc) / median(rawInProc)),
    notes: 'median of 10; baseline = bare http server listen → first response',
  });

  // Cold start as a process: node out/emulator/cli.js (bundled here) → URL printed → first response.
  const dir = mkdtempSync(join(tmpdir(), 'socratune-bench-'));
  try {
    const cli = join(dir, 'cli.js');
    await build({
      entryPoints: [join(__dirname, '..', 'src', 'emulator', 'cli.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
    });
    const proc: number[] = [];
    const bare: number[] = [];
    const bareServer = `const s=require('node:http').createServer((q,r)=>r.end('{}'));s.listen(0,'127.0.0.1',()=>console.log(JSON.stringify({url:'http://127.0.0.1:'+s.address().port+'/v1'})))`;
    for (let i = 0; i < 5; i++) {
      proc.push(await coldStartProcess([cli, '--port', '0', '--json']));
      bare.push(await coldStartProcess(['-e', bareServer]));
    }
    results.push({
      name: 'cold start as a process (node cli.js → first response)',
      value: round(median(proc)),
      unit: 'ms',
      baseline: round(median(bare)),
      ratio: round(median(proc) / median(bare)),
      notes: 'median of 5; baseline = node -e with a bare http server',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
