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

/** The Training Curves webview panel's view type (its serializer is registered at activation, the panel loads later). */
export const CURVES_VIEW_TYPE = 'socratune.trainingCurves';
