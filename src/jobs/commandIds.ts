/** Command ids of the jobs capability; package.json contributes the same ids (checked by a test). */
export const JobCommands = {
  startFineTune: 'socratune.startFineTune',
  refresh: 'socratune.jobs.refresh',
  loadMore: 'socratune.jobs.loadMore',
  cancel: 'socratune.jobs.cancel',
  pause: 'socratune.jobs.pause',
  resume: 'socratune.jobs.resume',
  copyJobId: 'socratune.jobs.copyId',
  copyModelId: 'socratune.jobs.copyModelId',
  copyValue: 'socratune.jobs.copyValue',
  chatWith: 'socratune.jobs.chatWith',
  compareWithBase: 'socratune.jobs.compareWithBase',
  compare: 'socratune.jobs.compare',
  rerun: 'socratune.jobs.rerun',
  showTrainingCurves: 'socratune.showTrainingCurves',
  showJobEvents: 'socratune.showJobEvents',
  archive: 'socratune.archiveFineTunes',
} as const;

/** Commands owned by other capabilities that the jobs/models trees call when they exist. */
export const ExternalCommands = {
  chatWith: 'socratune.chatWith',
  compareWith: 'socratune.compareWith',
  validateDataset: 'socratune.validateDataset',
  selectDataset: 'socratune.selectDataset',
  chatFocus: 'socratune.chat.focus',
} as const;
