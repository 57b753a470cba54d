import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index';

const HELP = `Socratune OpenAI API emulator — an emulator, not a model: fine-tuned models answer from their training data.

Usage: npm run emulator -- [options]
  --port N            port on 127.0.0.1 (default 8787; 0 = any free port)
  --host H            loopback host: 127.0.0.1 (default), localhost or ::1
  --time-scale N      simulated work runs N times faster than OpenAI (default 3: a small job in ~1 minute)
  --seed N            seed for ids and loss curves (default 1)
  --state-dir D       keep state in D (JSON snapshot) so it survives restarts
  --fault SPEC        server-wide fault, e.g. "429;p=0.1" or "latency=200" (repeatable; see docs/emulator.md)
  --key K             accepted API key (repeatable; default sk-emulator-demo)
  --no-auth           accept any or no Authorization header, like a local server (Ollama, LM Studio,
                      llama.cpp, vLLM without --api-key); cannot be combined with --key
  --org SLUG          organization slug in ft: model names (default emulator)
  --tps N             streaming tokens per second (default 40; 0 = unthrottled)
  --results-base64    store results CSV files base64-encoded, like some OpenAI responses
  --flavor F          which API to speak: openai (default), together (Together AI's /fine-tunes API),
                      fireworks (Fireworks AI: /v1/accounts/<org>/…, chat at /inference/v1; account ID = --org),
                      nebius (Nebius Token Factory) or azure (Azure OpenAI v1)
  --json              print {"url","key"} as one JSON line instead of the banner
Environment: SOCRATUNE_EMULATOR_FAULT adds server-wide faults (same syntax as --fault).
`;

const FLAVOR_LABELS = { openai: 'OpenAI', together: 'Together AI', fireworks: 'Fireworks AI', nebius: 'Nebius Token Factory', azure: 'Azure OpenAI' } as const;

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      'state-dir': { type: 'string' },
      fault: { type: 'string', multiple: true },
      key: { type: 'string', multiple: true },
      'no-auth': { type: 'boolean' },
      org: { type: 'string' },
      tps: { type: 'string' },
      'results-base64': { type: 'boolean' },
      json: { type: 'boolean' },
      flavor: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const faults = [...(values.fault ?? []), process.env.SOCRATUNE_EMULATOR_FAULT ?? ''].filter((s) => s.trim() !== '').join(',');
  const opts: EmulatorOptions = {
    port: num('port', values.port) ?? 8787,
    host: values.host,
    timeScale: num('time-scale', values['time-scale']),
    seed: num('seed', values.seed),
    stateDir: values['state-dir'],
    faults: faults || undefined,
    keys: values.key,
    auth: values['no-auth'] ? false : undefined,
    org: values.org,
    tokensPerSecond: num('tps', values.tps),
    resultsBase64: values['results-base64'],
    flavor: values.flavor as EmulatorOptions['flavor'],
  };
  const emu = await startEmulator(opts);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url: emu.url, key: emu.key, auth: emu.auth, flavor: emu.flavor })}\n`);
  } else {
    process.stdout.write(
      [
        `Socratune ${FLAVOR_LABELS[emu.flavor]} API emulator (an emulator, not a model)`,
        `  base URL:   ${emu.url}`,
        ...(emu.flavor === 'fireworks' ? [`  account ID: ${opts.org ?? 'emulator'}   inference: ${emu.url.replace(/\/v1$/, '/inference/v1')}`] : []),
        emu.auth ? `  API key:    ${emu.key}` : '  API key:    none needed (--no-auth: any or no key is accepted)',
        `  time scale: ${emu.timeScale}x${opts.stateDir ? `   state: ${opts.stateDir}` : ''}${faults ? `   faults: ${faults}` : ''}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emu.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`emulator: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
