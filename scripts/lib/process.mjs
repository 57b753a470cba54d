// Shared ending of the test launchers: undo what was started, newest first, then exit with main()'s code.

/** Run cleanups in reverse order of registration; one failing cleanup never skips the others. */
export async function runCleanups(cleanups) {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (err) {
      console.error(`cleanup: ${err?.message ?? err}`);
    }
  }
}

/** Exit with the code `main` resolves to; an escaped error prints its stack and exits 1. */
export function exitWith(main) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err?.stack ?? err);
      process.exit(1);
    },
  );
}
