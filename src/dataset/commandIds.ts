/** Command ids of the dataset capability; package.json contributes the same ids (checked by a test). */
export const DatasetCommands = {
  addSelection: 'socratune.addSelection',
  /** Internal (hidden from the palette): append an example; chat's "Add to Training Set" uses it. */
  addExample: 'socratune.addExample',
  /** Internal: undo — remove examples by id. */
  removeExamples: 'socratune.removeExamples',
  selectDataset: 'socratune.selectDataset',
  createDataset: 'socratune.createDataset',
  setSystemPrompt: 'socratune.setTrainingSystemPrompt',
  importJournal: 'socratune.importJournal',
  scanDataset: 'socratune.scanDataset',
  splitDataset: 'socratune.splitDataset',
  exportDataset: 'socratune.exportDataset',
  openDatasetFile: 'socratune.openDatasetFile',
  /** Internal: from an example line to its journal lines. */
  openExampleSource: 'socratune.openExampleSource',
  /** Internal: from journal lines to the example line. */
  revealExample: 'socratune.revealExample',
  /** Internal: move corrupt lines of the active dataset to quarantine.jsonl. */
  quarantineLines: 'socratune.quarantineDatasetLines',
} as const;

export const DatasetSettingKeys = {
  folder: 'dataset.folder',
  acceptOneKey: 'dataset.acceptProposalWithOneKey',
  suggestWithModel: 'dataset.suggestQuestionsWithModel',
  questionModel: 'dataset.questionModel',
  journalCodeLens: 'dataset.showJournalCodeLens',
} as const;
