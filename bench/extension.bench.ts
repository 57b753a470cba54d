/**
 * The shipped extension, measured where it runs:
 *
 * - **Sizes** of what the `.vsix` installs (built by `npm run package`, installed with the VS Code server's own
 *   `--install-extension`): dist/extension.js, the webview bundles, the compressed tokenizer, the .vsix itself.
 *   Baseline = the third-party bytes inside each bundle (esbuild metafile of the same production build), so the
 *   ratio says how much of a bundle is the libraries it uses; the tokenizer's baseline is its uncompressed size,
 *   the .vsix's the sum of the files it unpacks to.
 * - **Activation** of the installed extension in the real extension host (VS Code 1.100.3 server + headless
 *   Chromium, one new window = one new extension host, 5 windows): `activate()`'s own duration from the line it
 *   logs ("Socratune activated in X ms (tokenizer not loaded)"), and activation including loading the bundle
 *   (VS Code's "_doActivateExtension" log line → our line). Baseline = an extension with the same contributions
 *   (3 views in a container, the same number of commands, a status bar item, a log channel) whose activate()
 *   only registers them, activated in the same extension hosts.
 * - **Tokenizer at activation**: how many activations had it loaded (must be 0), and its bytes inside
 *   dist/extension.js (must be 0: it is a separate file loaded on first use).
 * - **API calls while idle**: requests the real extension makes to the emulator in 30 s with the Socratune views
 *   open and no job active, after the first paint (count, target 0).
 *
 *   npm run bench -- extension          (standalone: node --import tsx bench/extension.bench.ts)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { tmpdir, loadavg } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { startEmulator } from '../src/emulator';
import { median, round, type BenchResult } from './lib/types';

const ROOT = path.resolve(__dirname, '..');
const WINDOWS = 5;
const IDLE_MS = 30_000;
const CHROMIUM = process.env.SOCRATUNE_CHROMIUM || '/usr/bin/chromium';
const kB = (bytes: number): number => round(bytes / 1000, 4);

interface ServerLib {
  ensureVsCodeServer(): Promise<unknown>;
  serverCli(args: string[]): Promise<{ status: number | null; output: string }>;
  startServer(opts: Record<string, unknown>): Promise<{ logsDir: string; workbenchUrl(): string; stop(): Promise<void> }>;
}
interface WorkspaceLib {
  tempWorkspace(): { dir: string; dispose(): void };
  setWorkspaceSettings(dir: string, values: Record<string, unknown>): boolean;
}
const lib = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(ROOT, 'scripts', 'lib', file)).href)) as T;

// ---------------------------------------------------------------------------------------------- sizes

/** Production build of one entry with a metafile: bytes per package (node_modules) in the output. */
async function attribution(entry: string, platform: 'node' | 'browser'): Promise<{ bytes: number; thirdParty: number; packages: [string, number][] }> {
  const r = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    outfile: path.join(tmpdir(), 'socratune-bench-attribution.js'),
    logLevel: 'silent',
    ...(platform === 'node'
      ? { platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } }
      : { platform: 'browser', format: 'iife', target: 'chrome120' }),
  } as esbuild.BuildOptions & { write: false; metafile: true });
  const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint !== undefined) ?? Object.values(r.metafile.outputs)[0];
  const perPackage = new Map<string, number>();
  let thirdParty = 0;
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (!m) continue;
    thirdParty += bytesInOutput;
    perPackage.set(m[1], (perPackage.get(m[1]) ?? 0) + bytesInOutput);
  }
  return { bytes: out.bytes, thirdParty, packages: [...perPackage].sort((a, b) => b[1] - a[1]) };
}

function filesUnder(dir: string): { rel: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => String(f))
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((rel) => ({ rel, bytes: statSync(path.join(dir, rel)).size }));
}

interface SplitLib {
  staticClosure(metafile: unknown, entryName: string): { entry: string; files: string[] };
}

/**
 * What activation evaluates: dist/extension.js plus the chunks it requires statically (read from the pass-1 metafile
 * of the production build that `npm run package` just made, copied to out/package/extension.meta.json), measured on the installed
 * files; and what is left for first use (the other chunks, dist/vendor/*.js).
 */
async function activationBytes(installed: string, oneBundle: number): Promise<BenchResult[]> {
  const { staticClosure } = await lib<SplitLib>('split-cjs.mjs');
  const meta = JSON.parse(readFileSync(path.join(ROOT, 'out', 'package', 'extension.meta.json'), 'utf8')) as { outputs: Record<string, unknown> };
  const { entry, files } = staticClosure(meta, 'extension');
  const esmRoot = path.dirname(entry);
  const shippedOf = (f: string): number => statSync(path.join(installed, 'dist', path.relative(esmRoot, f))).size;
  const atActivation = files.reduce((s, f) => s + shippedOf(f), 0);
  const lazyChunks = Object.keys(meta.outputs).filter((f) => f.endsWith('.js') && !files.includes(f));
  const lazyBytes = lazyChunks.reduce((s, f) => s + shippedOf(f), 0);
  const vendorDir = path.join(installed, 'dist', 'vendor');
  const vendors = readdirSync(vendorDir).filter((f) => f.endsWith('.js'));
  const vendorBytes = vendors.reduce((s, f) => s + statSync(path.join(vendorDir, f)).size, 0);
  return [
    {
      name: 'extension code evaluated at activation (dist/extension.js + the chunks it requires statically, packaged)',
      value: kB(atActivation),
      unit: 'kB',
      baseline: kB(oneBundle),
      ratio: round(atActivation / oneBundle),
      notes: `${files.length} files; baseline = the whole extension as one bundle (what activation evaluated before the split)`,
    },
    {
      name: 'extension code loaded on first use (lazy chunks + dist/vendor, packaged)',
      value: kB(lazyBytes + vendorBytes),
      unit: 'kB',
      notes: `${lazyChunks.length} chunks ${kB(lazyBytes)} kB (launch wizard, journal import, privacy scan, split, export, archive, curves, re-run, validation engine); vendor ${vendors.map((v) => `${v} ${kB(statSync(path.join(vendorDir, v)).size)} kB`).join(', ')}`,
    },
  ];
}

async function sizes(vsix: string, installed: string): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const bundles: [string, string, 'node' | 'browser'][] = [
    ['dist/extension.js', 'src/extension.ts', 'node'],
    ['dist/webview/chat.js', 'src/webview/chat/main.ts', 'browser'],
    ['dist/webview/charts.js', 'src/webview/charts/main.ts', 'browser'],
    ['dist/webview/validation.js', 'src/webview/validation/main.ts', 'browser'],
  ];
  for (const [file, entry, platform] of bundles) {
    const shipped = statSync(path.join(installed, file)).size;
    const a = await attribution(entry, platform);
    const top = a.packages
      .slice(0, 4)
      .map(([p, b]) => `${p} ${kB(b)} kB`)
      .join(', ');
    if (file === 'dist/extension.js') {
      // Baseline: the same sources as ONE production bundle (no chunks, no lazy vendors), as shipped before the split.
      results.push({
        name: `${file} (packaged, minified)`,
        value: kB(shipped),
        unit: 'kB',
        baseline: kB(a.bytes),
        ratio: round(shipped / a.bytes),
        notes: `baseline = the whole extension as one bundle (${top}; own code ${kB(a.bytes - a.thirdParty)} kB)`,
      });
      results.push(...(await activationBytes(installed, a.bytes)));
      const tok = a.packages.filter(([p]) => p.startsWith('gpt-tokenizer') || p === 'tiktoken').reduce((s, [, b]) => s + b, 0);
      results.push({
        name: 'tokenizer bytes inside the one-bundle build of src/extension.ts',
        value: tok,
        unit: 'bytes',
        notes: 'gpt-tokenizer is a separate file (dist/tokenizer.js.br) required on first use',
      });
      continue;
    }
    results.push({
      name: `${file} (packaged, minified)`,
      value: kB(shipped),
      unit: 'kB',
      baseline: kB(a.thirdParty),
      ratio: round(shipped / a.thirdParty),
      notes: `baseline = third-party code inside it: ${top}; own code ${kB(a.bytes - a.thirdParty)} kB (attribution build ${kB(a.bytes)} kB)`,
    });
  }
  const br = path.join(installed, 'dist', 'tokenizer.js.br');
  const brBytes = statSync(br).size;
  const raw = brotliDecompressSync(readFileSync(br)).length;
  results.push({
    name: 'dist/tokenizer.js.br (lazy-loaded, Brotli)',
    value: kB(brBytes),
    unit: 'kB',
    baseline: kB(raw),
    ratio: round(brBytes / raw),
    notes: 'baseline = the same tokenizer uncompressed (decompressed on first use, ~10 ms)',
  });
  const files = filesUnder(installed).filter((f) => !f.rel.startsWith('.') && f.rel !== '.vsixmanifest');
  const unpacked = files.reduce((s, f) => s + f.bytes, 0);
  const biggest = [...files]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4)
    .map((f) => `${f.rel} ${kB(f.bytes)} kB`)
    .join(', ');
  const vsixBytes = statSync(vsix).size;
  results.push({
    name: '.vsix (npm run package)',
    value: round(vsixBytes / 1e6, 4),
    unit: 'MB',
    baseline: round(unpacked / 1e6, 4),
    ratio: round(vsixBytes / unpacked),
    notes: `baseline = the ${files.length} files it installs (${biggest})`,
  });
  return results;
}

// ----------------------------------------------------------------------------------------- activation

const ACTIVATED = /^(\S+ \S+) \[info\] Socratune activated in ([\d.]+) ms \(tokenizer (loaded|not loaded)\)/m;
const BASELINE_ACTIVATED = /^(\S+ \S+) \[info\] Baseline activated in ([\d.]+) ms/m;
const BASELINE_ID = 'socratune-bench.activation-baseline';

/** An extension with Socratune's shape (container, 3 views, N commands, status bar, log) and nothing else. */
function writeBaselineExtension(dir: string, commands: number): void {
  mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: commands }, (_, i) => `baseline.command${i}`);
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'activation-baseline',
      publisher: 'socratune-bench',
      version: '0.0.1',
      engines: { vscode: '^1.90.0' },
      main: './extension.js',
      activationEvents: ['onStartupFinished'],
      contributes: {
        viewsContainers: { activitybar: [{ id: 'baseline', title: 'Baseline', icon: '$(beaker)' }] },
        views: {
          baseline: [
            { type: 'webview', id: 'baseline.chat', name: 'Chat' },
            { id: 'baseline.jobs', name: 'Jobs' },
            { id: 'baseline.models', name: 'Models' },
          ],
        },
        commands: ids.map((command) => ({ command, title: command })),
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'extension.js'),
    `const vscode = require('vscode');
exports.activate = (context) => {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Baseline', { log: true });
  const empty = { getChildren: () => [], getTreeItem: (e) => e };
  const status = vscode.window.createStatusBarItem();
  status.text = 'baseline';
  status.show();
  context.subscriptions.push(
    log,
    status,
    ...${JSON.stringify(ids)}.map((id) => vscode.commands.registerCommand(id, () => undefined)),
    vscode.window.registerWebviewViewProvider('baseline.chat', { resolveWebviewView() {} }),
    vscode.window.createTreeView('baseline.jobs', { treeDataProvider: empty }),
    vscode.window.createTreeView('baseline.models', { treeDataProvider: empty }),
  );
  log.info('Baseline activated in ' + (performance.now() - started).toFixed(3) + ' ms');
};
exports.deactivate = () => undefined;
`,
  );
}

interface HostSample {
  host: string;
  activateMs: number;
  tokenizerLoaded: boolean;
  /** VS Code's "_doActivateExtension" line → our "activated" line: loading the bundle + activate(). */
  withLoadMs?: number;
  baselineMs?: number;
  baselineWithLoadMs?: number;
}

const stamp = (s: string): number => Date.parse(s.replace(' ', 'T'));

function readHosts(logsDir: string): HostSample[] {
  const out: HostSample[] = [];
  for (const session of existsSync(logsDir) ? readdirSync(logsDir) : []) {
    for (const host of readdirSync(path.join(logsDir, session)).filter((h) => h.startsWith('exthost'))) {
      const dir = path.join(logsDir, session, host);
      const read = (...p: string[]): string => (existsSync(path.join(dir, ...p)) ? readFileSync(path.join(dir, ...p), 'utf8') : '');
      const ours = ACTIVATED.exec(read('socratune.socratune', 'Socratune.log'));
      if (!ours) continue;
      const hostLog = read('remoteexthost.log');
      const started = (id: string): number | undefined => {
        const m = new RegExp(`^(\\S+ \\S+) \\[info\\] ExtensionService#_doActivateExtension ${id.replace('.', '\\.')},`, 'm').exec(hostLog);
        return m ? stamp(m[1]) : undefined;
      };
      const base = BASELINE_ACTIVATED.exec(read(BASELINE_ID, 'Baseline.log'));
      const s0 = started('socratune.socratune');
      const b0 = started(BASELINE_ID);
      out.push({
        host: `${session}/${host}`,
        activateMs: Number(ours[2]),
        tokenizerLoaded: ours[3] === 'loaded',
        withLoadMs: s0 !== undefined ? stamp(ours[1]) - s0 : undefined,
        baselineMs: base ? Number(base[2]) : undefined,
        baselineWithLoadMs: base && b0 !== undefined ? stamp(base[1]) - b0 : undefined,
      });
    }
  }
  return out;
}

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An empty extension: one command, activated by it (the implicit onCommand event), activate() registers it. */
function writeEmptyExtension(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'activation-empty',
      publisher: 'socratune-bench',
      version: '0.0.1',
      engines: { vscode: '^1.90.0' },
      main: './extension.js',
      activationEvents: [],
      contributes: { commands: [{ command: 'activationEmpty.run', title: 'Activation Empty: Run' }] },
    }),
  );
  writeFileSync(
    path.join(dir, 'extension.js'),
    "exports.activate = (context) => { context.subscriptions.push(require('vscode').commands.registerCommand('activationEmpty.run', () => undefined)); };\n" +
      'exports.deactivate = () => undefined;\n',
  );
}

/** Runs a command by its palette title and waits until the palette has closed. */
async function paletteCommand(page: import('playwright-core').Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  for (let attempt = 0; attempt < 3 && !(await input.isVisible()); attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
  }
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 30_000 });
  await input.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

/** The "Activation: N ms" figure of one extension (by package name) in VS Code's Running Extensions editor. */
async function runningExtensionsFigure(page: import('playwright-core').Page, name: string): Promise<number> {
  const row = page.locator(`.runtime-extensions-editor .monaco-list-row[aria-label="${name}"] .activation-time`).first();
  await row.waitFor({ timeout: 30_000 });
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(250)) {
    const m = /([\d.]+)\s*ms/.exec((await row.textContent()) ?? '');
    if (m) return Number(m[1]);
  }
  throw new Error(`no activation time for ${name} in Running Extensions`);
}

/**
 * VS Code's own figure ("Developer: Show Running Extensions": code loading + activate call) for Socratune and for an
 * empty extension, both activated by a command on a settled window (the workbench up, no Socratune view open, 3 s of
 * quiet), in the same window: one new window = one new extension host, WINDOWS windows.
 */
async function runningExtensionsActivation(
  server: ServerLib,
  browser: Browser,
  extDir: string,
  emptyDir: string,
  workspaceDir: string,
  env: Record<string, string>,
  tmp: string,
): Promise<BenchResult[]> {
  const vscode = await server.startServer({
    extensionsDir: extDir,
    extensionDevelopmentPath: emptyDir,
    workspace: workspaceDir,
    logFile: path.join(tmp, 'server-running.log'),
    env,
  });
  const ours: number[] = [];
  const empty: number[] = [];
  try {
    // A window whose palette swallowed a command (the figure never shows) is measured again in a new window.
    for (let i = 0, attempts = 0; i < WINDOWS && attempts < WINDOWS * 2; attempts++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(vscode.workbenchUrl());
        await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
        await page.locator('.part.statusbar').waitFor({ timeout: 90_000 });
        await page.waitForTimeout(3000); // settled
        await paletteCommand(page, 'Activation Empty: Run');
        await paletteCommand(page, 'Socratune: Show Log');
        await page.waitForTimeout(1000);
        await paletteCommand(page, 'Developer: Show Running Extensions');
        const o = await runningExtensionsFigure(page, 'socratune');
        const e = await runningExtensionsFigure(page, 'activation-empty');
        ours.push(o);
        empty.push(e);
        i++;
        console.error(`  window ${i} (Running Extensions): Socratune ${o} ms, empty extension ${e} ms`);
      } catch (err) {
        console.error(`  a window gave no Running Extensions figure (${(err as Error).message.split('\n')[0]}); measuring in a new window`);
      } finally {
        await context.close();
      }
    }
    if (ours.length < WINDOWS) throw new Error(`only ${ours.length} of ${WINDOWS} windows gave a Running Extensions figure`);
  } finally {
    await vscode.stop();
  }
  const diffs = ours.map((o, i) => o - empty[i]);
  return [
    {
      name: `activation as VS Code's Running Extensions shows it (by a command, settled window), median of ${ours.length} windows`,
      value: round(median(ours)),
      unit: 'ms',
      baseline: round(median(empty)),
      ratio: round(median(ours) / Math.max(median(empty), 0.5)),
      notes: `Socratune ${ours.join(', ')} ms (min ${Math.min(...ours)}, max ${Math.max(...ours)}); empty extension ${empty.join(', ')} ms (min ${Math.min(...empty)}, max ${Math.max(...empty)}), same windows, same trigger`,
    },
    {
      name: "activation above an empty extension (VS Code's Running Extensions figure), median of the per-window differences",
      value: round(median(diffs)),
      unit: 'ms',
      notes: `per window ${diffs.join(', ')} ms`,
    },
  ];
}

async function activation(vsix: string): Promise<BenchResult[]> {
  const server = await lib<ServerLib>('vscode-server.mjs');
  const ws = await lib<WorkspaceLib>('workspace.mjs');
  await server.ensureVsCodeServer();
  const tmp = mkdtempSync(path.join(tmpdir(), 'socratune-bench-ext-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(tmp, { recursive: true, force: true })];
  let browser: Browser | undefined;
  try {
    const extDir = path.join(tmp, 'extensions');
    const install = await server.serverCli(['--install-extension', vsix, '--extensions-dir', extDir]);
    const installedName = existsSync(extDir) ? readdirSync(extDir).find((d) => d.startsWith('socratune.socratune-')) : undefined;
    if (install.status !== 0 || !installedName) throw new Error(`--install-extension failed (${install.status}): ${install.output}`);
    const installed = path.join(extDir, installedName);
    const sizeResults = await sizes(vsix, installed);

    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { contributes: { commands: unknown[] } };
    const baselineDir = path.join(tmp, 'activation-baseline');
    writeBaselineExtension(baselineDir, pkg.contributes.commands.length);

    const emu = await startEmulator({ timeScale: 1000 });
    cleanups.push(() => emu.close());
    const workspace = ws.tempWorkspace();
    cleanups.push(() => workspace.dispose());
    ws.setWorkspaceSettings(workspace.dir, { 'socratune.provider': 'emulator', 'socratune.baseUrl': emu.url });
    const vscode = await server.startServer({
      extensionsDir: extDir,
      extensionDevelopmentPath: baselineDir,
      workspace: workspace.dir,
      logFile: path.join(tmp, 'server.log'),
      env: { SOCRATUNE_EMULATOR_URL: emu.url, SOCRATUNE_EMULATOR_KEY: emu.key },
    });
    cleanups.push(() => vscode.stop());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
    });

    let idleCalls = -1;
    let firstPaintCalls = 0;
    for (let i = 0; i < WINDOWS; i++) {
      const seen = readHosts(vscode.logsDir).length;
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const before = emu.requests.length;
      await page.goto(vscode.workbenchUrl());
      await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
      const socratune = page.locator('.part.activitybar .action-item a.action-label[aria-label^="Socratune"]').first();
      await socratune.waitFor({ timeout: 90_000 });
      await socratune.click(); // onView:socratune.chat activates the extension
      const sample = await until(`activation in window ${i + 1}`, () => {
        const hosts = readHosts(vscode.logsDir);
        const s = hosts.length > seen ? hosts[hosts.length - 1] : undefined;
        return s && s.baselineMs !== undefined ? s : undefined;
      });
      console.error(
        `  window ${i + 1}: activate() ${sample.activateMs} ms, with loading ${sample.withLoadMs} ms, tokenizer ${sample.tokenizerLoaded ? 'LOADED' : 'not loaded'}; baseline ${sample.baselineMs} ms`,
      );
      if (i === WINDOWS - 1) {
        // Idle: the views are open, nothing is running. Let the first paint finish (models list, jobs list),
        // then count what the extension asks the server for during 30 s.
        await until('the first paint of the Socratune views', () =>
          emu.requests.slice(before).some((r) => r.path.startsWith('/v1/fine_tuning/jobs')) && emu.requests.slice(before).some((r) => r.path === '/v1/models')
            ? true
            : undefined,
        );
        let last = emu.requests.length;
        for (let quiet = Date.now(); Date.now() - quiet < 3000; await new Promise((r) => setTimeout(r, 200))) {
          if (emu.requests.length !== last) {
            last = emu.requests.length;
            quiet = Date.now();
          }
        }
        firstPaintCalls = emu.requests.length - before;
        const start = emu.requests.length;
        await new Promise((r) => setTimeout(r, IDLE_MS));
        idleCalls = emu.requests.length - start;
        if (idleCalls)
          console.error(
            `  idle requests: ${emu.requests
              .slice(start)
              .map((r) => `${r.method} ${r.path}`)
              .join(', ')}`,
          );
      }
      await context.close();
    }
    const samples = readHosts(vscode.logsDir);
    // Second server (the empty extension as the development extension, Socratune installed as before).
    await vscode.stop();
    const emptyDir = path.join(tmp, 'activation-empty');
    writeEmptyExtension(emptyDir);
    const env = { SOCRATUNE_EMULATOR_URL: emu.url, SOCRATUNE_EMULATOR_KEY: emu.key };
    const running = await runningExtensionsActivation(server, browser, extDir, emptyDir, workspace.dir, env, tmp);
    const act = samples.map((s) => s.activateMs);
    const base = samples.map((s) => s.baselineMs).filter((x): x is number => x !== undefined);
    const withLoad = samples.map((s) => s.withLoadMs).filter((x): x is number => x !== undefined);
    const baseWithLoad = samples.map((s) => s.baselineWithLoadMs).filter((x): x is number => x !== undefined);
    const load = loadavg()[0].toFixed(1);
    return [
      {
        name: `activate() in the real extension host (packaged .vsix), median of ${samples.length} windows`,
        value: round(median(act)),
        unit: 'ms',
        baseline: round(median(base)),
        ratio: round(median(act) / median(base)),
        notes: `samples ${act.join(', ')} ms; baseline = an extension with the same contributions that only registers them (samples ${base.join(', ')} ms); load average ${load}`,
      },
      {
        name: 'activation including loading dist/extension.js (VS Code activation start → activated), median',
        value: round(median(withLoad)),
        unit: 'ms',
        baseline: round(median(baseWithLoad)),
        ratio: round(median(withLoad) / median(baseWithLoad)),
        notes: `from the extension host's log timestamps (1 ms resolution); samples ${withLoad.join(', ')} ms; baseline samples ${baseWithLoad.join(', ')} ms`,
      },
      {
        name: 'activations with the tokenizer loaded when activate() returned',
        value: samples.filter((s) => s.tokenizerLoaded).length,
        unit: `of ${samples.length}`,
        notes: 'isTokenizerLoaded() of the lazy loader, logged by activate()',
      },
      {
        name: `API requests in ${IDLE_MS / 1000} s idle, Socratune views open, no job active (real extension host)`,
        value: idleCalls,
        unit: 'requests',
        notes: `after the first paint, which made ${firstPaintCalls} request(s) (model list, jobs list)`,
      },
      ...running,
      ...sizeResults,
    ];
  } finally {
    await browser?.close();
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        console.error(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

export default async function extensionBench(): Promise<BenchResult[]> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('npm run package failed');
  // A private copy: another run of `npm run package` in this tree may replace the file meanwhile.
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'socratune-bench-vsix-')), path.basename(vsix));
  copyFileSync(vsix, copy);
  try {
    return await activation(copy);
  } finally {
    rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}

if (require.main === module) {
  void extensionBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
