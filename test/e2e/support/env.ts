/** What scripts/run-e2e.mjs (and scripts/test-vsix.mjs) tell the e2e tests about the running VS Code. */
function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run e2e tests through \`npm run test:e2e\` (scripts/run-e2e.mjs), not mocha directly`);
  return v;
}

export const e2eEnv = {
  /** Workbench URL with the workspace folder and the development extension (payload) already in it. */
  get workbenchUrl(): string {
    return required('SOCRATUNE_E2E_URL');
  },
  /** Absolute path of the temp workspace (a copy of samples/journal) the workbench has open. */
  get workspace(): string {
    return required('SOCRATUNE_E2E_WORKSPACE');
  },
  /** The VS Code server's log folder: `<date>/exthost1/socratune.socratune/Socratune.log`, `<date>/remoteagent.log`, … */
  get logsDir(): string {
    return required('SOCRATUNE_E2E_LOGS');
  },
  /** Folder for screenshots and other artefacts (test-results/e2e). */
  get resultsDir(): string {
    return required('SOCRATUNE_E2E_RESULTS');
  },
  /** The emulator's base URL (…/v1) and demo key, when the emulator is built. */
  emulatorUrl: process.env.SOCRATUNE_EMULATOR_URL,
  emulatorKey: process.env.SOCRATUNE_EMULATOR_KEY,
};
