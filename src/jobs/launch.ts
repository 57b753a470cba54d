/**
 * The launch wizard (its flow, dataset checks, privacy scan, upload and its VS Code UI), loaded on first use with
 * `await import('./launch')`: it becomes one chunk of its own (dist/chunks/), not part of activation.
 */
export { runStartFineTune } from '../core/jobs/wizard';
export { coreWizardDeps } from '../core/jobs/wizardDeps';
export { privacyScanFor } from './privacy';
export { VsCodeWizardUi } from './wizardUi';
