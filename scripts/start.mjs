#!/usr/bin/env node
// `npm start`: build, start the emulator (if built) on a free loopback port, prepare the demo workspace
// (.socratune-demo/journal, a copy of samples/journal pointed at the emulator), start the VS Code server
// with Socratune in development mode, print the URL and open it in a browser when there is a display.
//
//   npm start [-- --no-open] [--port <n>] [--reset] [--time-scale <n>]
//
// Ctrl+C stops the server and the emulator.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './lib/build.mjs';
import { maybeStartEmulator } from './lib/emulator.mjs';
import { CHROMIUM, checkPrereqs } from './lib/prereqs.mjs';
import { REPO, VSCODE_VERSION, startServer } from './lib/vscode-server.mjs';
import { SAMPLE_WORKSPACE, emulatorSettings, setWorkspaceSettings } from './lib/workspace.mjs';

const { values: args } = parseArgs({
  options: {
    'no-open': { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    reset: { type: 'boolean', default: false },
    'time-scale': { type: 'string', default: '3' },
  },
});

const DEMO = join(REPO, '.socratune-demo');
const WORKSPACE = join(DEMO, 'journal');

function openBrowser(url) {
  const hasDisplay = process.platform !== 'linux' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (args['no-open'] || !hasDisplay) return false;
  const [cmd, cmdArgs] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : existsSync(CHROMIUM)
          ? [CHROMIUM, [`--app=${url}`, '--no-first-run']]
          : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, cmdArgs, { detached: true, stdio: 'ignore' });
    child.on('error', () => console.log('  (could not open a browser; open the URL yourself)'));
    child.unref();
    return true;
  } catch {
    return false;
  }
}

async function main() {
  checkPrereqs(['build']);
  build();

  if (args.reset) rmSync(DEMO, { recursive: true, force: true });
  if (!existsSync(WORKSPACE)) {
    mkdirSync(DEMO, { recursive: true });
    cpSync(SAMPLE_WORKSPACE, WORKSPACE, { recursive: true });
    console.log(`demo workspace: ${WORKSPACE} (a copy of samples/journal; delete .socratune-demo/ or pass --reset to start over)`);
  }

  const stops = [];
  const emulator = await maybeStartEmulator({ timeScale: Number(args['time-scale']), stateDir: join(DEMO, 'emulator-state') });
  if (emulator) {
    stops.push(() => emulator.close());
    if (!setWorkspaceSettings(WORKSPACE, emulatorSettings(emulator))) {
      console.warn(
        `! ${join(WORKSPACE, '.vscode', 'settings.json')} is not valid JSON; not pointing it at the emulator. Fix it or run \`npm start -- --reset\`.`,
      );
    }
  } else {
    console.log('! the emulator is not built (out/emulator/index.js); Socratune will use the backend in your settings');
  }

  const server = await startServer({
    extensionDevelopmentPath: REPO,
    workspace: WORKSPACE,
    port: Number(args.port),
    logFile: join(DEMO, 'vscode-server.log'),
    settings: { 'workbench.startupEditor': 'readme' }, // the journal's README says what to try first
    env: { ...(emulator?.env ?? {}) },
  });
  stops.unshift(() => server.stop());

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    for (const s of stops) await s().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  void server.onExit.then((code) => {
    if (stopping) return;
    console.error(`VS Code server exited (code ${code}); see ${server.logFile}`);
    void shutdown();
  });

  const url = server.workbenchUrl();
  console.log(`
Socratune is running in VS Code ${VSCODE_VERSION} (development mode) on ${WORKSPACE}
${emulator ? `  emulator: ${emulator.url}  (demo key ${emulator.key} — not a real credential)\n` : ''}
  Open:  ${url}
`);
  console.log(openBrowser(url) ? 'opened in your browser. Ctrl+C stops everything.' : 'Ctrl+C stops everything.');
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
