/**
 * Integration test entry, loaded by a real VS Code extension host (`extensionTestsPath`). The host
 * awaits `run()` and then exits — with code 0 even when tests fail — so the outcome travels through a
 * JSON results file (env SOCRATUNE_TEST_RESULTS) that the launcher checks. Progress lines go to
 * `<results>.progress` (one JSON object per line) so the launcher can print tests as they finish.
 */
import { appendFileSync, existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

interface TestRecord {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: { message: string; stack?: string };
}

export interface IntegrationResults {
  startedAt: string;
  durationMs: number;
  vscodeVersion: string;
  stats: { tests: number; passes: number; failures: number; pending: number };
  tests: TestRecord[];
}

/**
 * The bundled `*.test.js` files under this entry's folder (out/test/integration) whose source `*.test.ts`
 * under test/integration still exists: a bundle left behind by a deleted or renamed test is ignored.
 */
function bundledTestFiles(dir: string): string[] {
  const sources = path.resolve(dir, '..', '..', '..', 'test', 'integration');
  return readdirSync(dir, { recursive: true })
    .map((f) => String(f))
    .filter((f) => f.endsWith('.test.js') && existsSync(path.join(sources, f.replace(/\.js$/, '.ts'))))
    .sort()
    .map((f) => path.join(dir, f));
}

export async function run(): Promise<void> {
  process.setSourceMapsEnabled(true); // stack traces point at test/ and src/ TypeScript, not the bundles
  const resultsPath = process.env.SOCRATUNE_TEST_RESULTS;
  const progressPath = resultsPath ? `${resultsPath}.progress` : undefined;
  const started = Date.now();
  const records: TestRecord[] = [];
  const record = (r: TestRecord): void => {
    records.push(r);
    if (progressPath) appendFileSync(progressPath, `${JSON.stringify(r)}\n`);
  };
  const errorOf = (err: unknown): { message: string; stack?: string } =>
    err instanceof Error ? { message: err.message, stack: err.stack } : { message: String(err) };
  const write = (): IntegrationResults => {
    const results: IntegrationResults = {
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      vscodeVersion: vscode.version,
      stats: {
        tests: records.length,
        passes: records.filter((r) => r.state === 'passed').length,
        failures: records.filter((r) => r.state === 'failed').length,
        pending: records.filter((r) => r.state === 'pending').length,
      },
      tests: records,
    };
    if (resultsPath) {
      writeFileSync(`${resultsPath}.tmp`, JSON.stringify(results, null, 2));
      renameSync(`${resultsPath}.tmp`, resultsPath); // the launcher never sees a half-written file
    }
    return results;
  };

  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.SOCRATUNE_TEST_TIMEOUT) || 30_000,
    forbidOnly: true,
    grep: process.env.SOCRATUNE_TEST_GREP || undefined,
    reporter: class extends Mocha.reporters.Base {
      constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        const C = Mocha.Runner.constants;
        runner.on(C.EVENT_TEST_PASS, (t) => record({ title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'passed', durationMs: t.duration ?? 0 }));
        runner.on(C.EVENT_TEST_PENDING, (t) => record({ title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'pending', durationMs: 0 }));
        // Also fires for failing hooks (before/after…), which count as failures.
        runner.on(C.EVENT_TEST_FAIL, (t, err) =>
          record({ title: t.title, fullTitle: t.fullTitle(), file: t.file, state: 'failed', durationMs: t.duration ?? 0, error: errorOf(err) }),
        );
      }
    },
  });

  try {
    for (const f of bundledTestFiles(__dirname)) mocha.addFile(f);
    await mocha.loadFilesAsync();
  } catch (err) {
    record({ title: 'load test files', fullTitle: 'integration suite: load test files', state: 'failed', durationMs: 0, error: errorOf(err) });
    write();
    throw err;
  }
  await new Promise<void>((resolve) => mocha.run(() => resolve()));
  const results = write();
  if (results.stats.failures > 0) throw new Error(`${results.stats.failures} integration test(s) failed`);
}
