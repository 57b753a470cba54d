// System prerequisites for the VS Code server harness, checked up front so that a missing package
// gives one clear message naming the Debian package instead of a node-gyp or Playwright stack trace.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const CHROMIUM = process.env.SOCRATUNE_CHROMIUM || '/usr/bin/chromium';

function onPath(cmd) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Absolute path of ripgrep (the server's search uses it; @vscode/ripgrep would download it). */
export function ripgrepPath() {
  return onPath('rg');
}

const CHECKS = {
  // Needed to build the server's native modules (node-pty, spdlog, kerberos, …) on first use.
  build: [
    { what: 'python3', pkg: 'python3', ok: () => !!onPath('python3') },
    { what: 'make', pkg: 'make', ok: () => !!onPath('make') },
    { what: 'g++', pkg: 'g++', ok: () => !!onPath('g++') },
    {
      what: 'Kerberos headers (gssapi/gssapi.h)',
      pkg: 'libkrb5-dev',
      ok: () => existsSync('/usr/include/gssapi/gssapi.h') || existsSync('/usr/include/gssapi.h'),
    },
    { what: 'ripgrep (rg)', pkg: 'ripgrep', ok: () => !!ripgrepPath() },
  ],
  // Needed to drive the workbench (integration, e2e and vsix tests).
  browser: [{ what: `Chromium (${CHROMIUM})`, pkg: 'chromium', ok: () => existsSync(CHROMIUM) }],
};

/**
 * Returns the missing prerequisites for the given needs ('build' = install the VS Code server,
 * 'browser' = run Chromium).
 */
export function missingPrereqs(needs = ['build', 'browser']) {
  return needs.flatMap((n) => CHECKS[n]).filter((c) => !c.ok());
}

/** Exits the process with one readable message if anything is missing. */
export function checkPrereqs(needs = ['build', 'browser']) {
  const missing = missingPrereqs(needs);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  console.error(
    `\nSocratune needs system packages that are not installed: ${missing.map((m) => m.what).join(', ')}.\n` +
      `On Debian/Ubuntu install them with:\n\n    sudo apt-get install -y ${pkgs.join(' ')}\n\n` +
      (missing.some((m) => m.pkg === 'chromium') ? 'A different Chromium binary can be used by setting SOCRATUNE_CHROMIUM=/path/to/chromium.\n' : ''),
  );
  process.exit(2);
}
