// A real VS Code (1.100.3 server + web workbench, from the `code-server@4.100.3` npm package), installed
// offline into `.vscode-test/` on first use and reused afterwards. See docs/testing.md and
// ../shared/reference/vscode-server-harness.md for why it is done this way (no VS Code download here).
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPrereqs, ripgrepPath } from './prereqs.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
const CACHE = process.env.SOCRATUNE_VSCODE_CACHE || join(REPO, '.vscode-test');
const INSTALL_DIR = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
const VSCODE_DIR = join(INSTALL_DIR, 'node_modules', 'code-server', 'lib', 'vscode');
const MARKER = join(INSTALL_DIR, '.socratune-installed.json');
const LOCK = join(CACHE, `code-server-${CODE_SERVER_VERSION}.lock`);
/** Native modules the server cannot start without (checked instead of trusting npm's exit code). */
const REQUIRED_NATIVE = ['node-pty/build/Release/pty.node', '@vscode/spdlog/build/Release/spdlog.node'];

/** Machine-level settings of every test/demo server (resource/window-scoped settings only apply there). */
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function isInstalled() {
  if (!existsSync(MARKER)) return false;
  try {
    const m = JSON.parse(readFileSync(MARKER, 'utf8'));
    return m.version === CODE_SERVER_VERSION && existsSync(join(VSCODE_DIR, 'out', 'server-main.js'));
  } catch {
    return false;
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A cross-process lock: an exclusive lock directory holding the owner's pid; stale locks (dead pid) are broken. */
async function withLock(fn, log) {
  mkdirSync(CACHE, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        // the owner is between mkdir and writing its pid
      }
      const age = (() => {
        try {
          return Date.now() - statSync(LOCK).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if ((Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) || (!Number.isFinite(owner) && age > 30_000)) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(`waiting for another process (pid ${owner}) installing VS Code server…`);
        announced = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...extraEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** Every package directory under node_modules (including scoped and nested ones) that has a binding.gyp. */
function nativePackages(nodeModules) {
  const found = [];
  const visit = (dir, depth) => {
    if (!existsSync(dir) || depth > 4) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      if (name.startsWith('@')) {
        for (const sub of readdirSync(p)) visitPkg(join(p, sub), `${name}/${sub}`, depth);
      } else {
        visitPkg(p, name, depth);
      }
    }
  };
  const visitPkg = (p, name, depth) => {
    if (!existsSync(join(p, 'package.json'))) return;
    if (existsSync(join(p, 'binding.gyp')) && !name.startsWith('@vscode/windows-')) found.push(name);
    visit(join(p, 'node_modules'), depth + 1);
  };
  visit(nodeModules, 0);
  return [...new Set(found)];
}

async function install(log) {
  checkPrereqs(['build']);
  const started = Date.now();
  // We hold the lock: staging folders left by an install that was killed are garbage.
  for (const d of readdirSync(CACHE)) if (d.startsWith('.staging-')) rmSync(join(CACHE, d), { recursive: true, force: true });
  const staging = mkdtempSync(join(CACHE, `.staging-${CODE_SERVER_VERSION}-`));
  try {
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'socratune-vscode-server', private: true }));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
    log(`installing VS Code ${VSCODE_VERSION} server (code-server@${CODE_SERVER_VERSION}) into ${CACHE} — first use only…`);
    let r = run(npm, ['install', '--no-save', '--ignore-scripts', ...quiet, `code-server@${CODE_SERVER_VERSION}`], staging);
    if (r.status !== 0) throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed:\n${r.output}`);
    const vscodeDir = join(staging, 'node_modules', 'code-server', 'lib', 'vscode');
    r = run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], vscodeDir);
    if (r.status !== 0) throw new Error(`npm install in code-server/lib/vscode failed:\n${r.output}`);
    // @vscode/ripgrep's postinstall would download rg from GitHub; use the system one.
    const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(rgBin, { recursive: true });
    copyFileSync(ripgrepPath(), join(rgBin, 'rg'));
    const natives = nativePackages(join(vscodeDir, 'node_modules'));
    log(`building native modules: ${natives.join(', ')}`);
    // node-pty's install script runs `npx node-gyp …`, which stops with "npx canceled" without npm_config_yes.
    r = run(npm, ['rebuild', ...quiet, ...natives], vscodeDir, { npm_config_yes: 'true' });
    const missing = REQUIRED_NATIVE.filter((m) => !existsSync(join(vscodeDir, 'node_modules', m)));
    if (missing.length) throw new Error(`native modules were not built (${missing.join(', ')}):\n${r.output}`);
    // The server resolves its dependencies through `node_modules.asar` (as in the desktop build).
    if (!existsSync(join(vscodeDir, 'node_modules.asar'))) symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
    writeFileSync(
      join(staging, '.socratune-installed.json'),
      JSON.stringify({ version: CODE_SERVER_VERSION, vscode: VSCODE_VERSION, installedAt: new Date().toISOString(), natives }, null, 2),
    );
    rmSync(INSTALL_DIR, { recursive: true, force: true });
    renameSync(staging, INSTALL_DIR);
    log(`VS Code server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Installs the VS Code server into the cache on first use (idempotent, safe to call from several
 * processes at once) and returns where it lives.
 */
export async function ensureVsCodeServer({ log = (m) => console.log(`[vscode-server] ${m}`) } = {}) {
  if (!isInstalled()) {
    await withLock(async () => {
      if (!isInstalled()) await install(log);
    }, log);
  }
  return { vscodeDir: VSCODE_DIR, serverMain: join(VSCODE_DIR, 'out', 'server-main.js'), version: VSCODE_VERSION };
}

/** Kills a detached process group: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function killTree(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    signal('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
  // Children that outlive the group leader (extension host, pty host) share the group id.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // group is empty
  }
}

/**
 * Starts `server-main.js` on 127.0.0.1 with a free port (or `opts.port`) and fresh temp user/server data dirs.
 * @param {{ extensionDevelopmentPath?: string, extensionsDir?: string, env?: Record<string,string>, workspace?: string, logFile?: string, keepData?: boolean, settings?: Record<string, unknown>, port?: number }} opts
 * @returns {Promise<{ port: number, url: string, host: string, logFile: string, logsDir: string, userDataDir: string, serverDataDir: string, extensionsDir: string, workspace?: string, workbenchUrl(extra?: { extensionTestsPath?: string, folder?: string }): string, collectLogs(dest: string): void, isRunning(): boolean, onExit: Promise<number|null>, stop(): Promise<void> }>}
 */
export async function startServer(opts = {}) {
  const { serverMain } = await ensureVsCodeServer();
  const base = mkdtempSync(join(tmpdir(), 'socratune-vscode-'));
  const userDataDir = join(base, 'user-data');
  const serverDataDir = join(base, 'server-data');
  const extensionsDir = opts.extensionsDir ?? join(base, 'extensions');
  for (const d of [userDataDir, serverDataDir, extensionsDir]) mkdirSync(d, { recursive: true });
  // Remote ("machine") settings: no Welcome/walkthrough editor over the test workspace, no nagging.
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) }, null, 2));
  const logFile = opts.logFile ?? join(base, 'server.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'a');

  const args = [
    serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(opts.port ?? 0),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--user-data-dir',
    userDataDir,
    '--server-data-dir',
    serverDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-workspace-trust',
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    detached: true, // own process group, so stop() can take the extension host and pty host with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  const onExit = new Promise((r) => child.once('exit', (code) => r(code)));
  let output = '';
  const tee = (chunk) => {
    output += chunk.toString();
    try {
      writeFileSync(logFd, chunk);
    } catch {
      // log file closed during shutdown
    }
  };
  child.stdout.on('data', tee);
  child.stderr.on('data', tee);

  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`VS Code server did not start within 60 s; log: ${logFile}\n${output.slice(-2000)}`)), 60_000);
    const check = () => {
      const m = /Extension host agent listening on (\d+)/.exec(output) || /Web UI available at https?:\/\/[^:/]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void onExit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`VS Code server exited with code ${code} before listening; log: ${logFile}\n${output.slice(-2000)}`));
    });
  });

  const host = '127.0.0.1';
  /** `<date>/remoteagent.log`, `<date>/exthost1/remoteexthost.log`, `<date>/exthost1/socratune.socratune/Socratune.log`, … */
  const logsDir = join(userDataDir, 'logs');
  const url = `http://${host}:${port}`;
  const remote = (p) => `vscode-remote://${host}:${port}${p}`;
  let stopped = false;
  return {
    port,
    host,
    url,
    logFile,
    logsDir,
    userDataDir,
    serverDataDir,
    extensionsDir,
    workspace: opts.workspace,
    onExit,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    /** The workbench URL opening `folder` (default: the workspace) with the development extension and optional test entry. */
    workbenchUrl(extra = {}) {
      const payload = [];
      if (opts.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]);
      if (extra.extensionTestsPath) payload.push(['extensionTestsPath', remote(extra.extensionTestsPath)]);
      const q = [];
      const folder = extra.folder ?? opts.workspace;
      if (folder) q.push(`folder=${encodeURIComponent(folder)}`);
      if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      return `${url}/${q.length ? `?${q.join('&')}` : ''}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await killTree(child);
      try {
        closeSync(logFd);
      } catch {
        // already closed
      }
      if (!opts.keepData) {
        for (const d of [userDataDir, serverDataDir]) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
        if (!opts.extensionsDir) rmSync(extensionsDir, { recursive: true, force: true, maxRetries: 3 });
        if (!opts.logFile) rmSync(base, { recursive: true, force: true, maxRetries: 3 });
      }
    },
    /** Copies the server's logs (server, extension host, window, Socratune channel) into `dest` for post-mortems. */
    collectLogs(dest) {
      mkdirSync(dest, { recursive: true });
      if (existsSync(logsDir)) cpSync(logsDir, join(dest, 'vscode-logs'), { recursive: true });
    },
  };
}

/** Runs the server's CLI (e.g. `--install-extension x.vsix --extensions-dir d`) and returns its output. */
export async function serverCli(args) {
  const { serverMain } = await ensureVsCodeServer();
  const r = spawnSync(process.execPath, [serverMain, '--accept-server-license-terms', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

// `node scripts/lib/vscode-server.mjs` installs (or confirms) the server: handy for CI warm-up.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await ensureVsCodeServer();
  console.log(r.serverMain);
}
