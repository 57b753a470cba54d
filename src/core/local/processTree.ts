/**
 * Stopping a run's whole process tree (run.sh → tee, python → its data-loader workers…). A run started with
 * `detached: true` leads its own process group on POSIX, so signalling `-pid` reaches every process in it; on Windows
 * `taskkill /T` walks the tree.
 */
import { spawnSync } from 'node:child_process';

/** Send `signal` to the process group led by `pid` (POSIX) or kill the tree (Windows). False if it was already gone. */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM', platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') {
    const r = spawnSync('taskkill', ['/PID', String(pid), '/T', '/F'], { stdio: 'ignore' });
    return r.status === 0;
  }
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Is a process with this id alive (and ours to signal)? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
