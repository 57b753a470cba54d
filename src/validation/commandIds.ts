/** Command ids of the validation capability; package.json contributes the same ids (checked by a test). */
export const ValidationCommands = {
  validateDataset: 'socratune.validateDataset',
} as const;

/** Registered by the dataset-authoring capability; the status bar item opens it. */
export const SELECT_DATASET_COMMAND = 'socratune.selectDataset';

export const STATUS_BAR_ID = 'socratune.datasetStatus';
export const REPORT_VIEW_TYPE = 'socratune.validationReport';
export const DIAGNOSTIC_SOURCE = 'Socratune';
