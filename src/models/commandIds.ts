/** Command ids of the models capability; package.json contributes the same ids. */
export const ModelCommands = {
  refresh: 'socratune.models.refresh',
  chatWith: 'socratune.models.chatWith',
  compare: 'socratune.models.compare',
  compareWithBase: 'socratune.models.compareWithBase',
  copyId: 'socratune.models.copyId',
  setDefault: 'socratune.models.setDefault',
  delete: 'socratune.models.delete',
  setBoundPrompt: 'socratune.models.setBoundPrompt',
  setAzureDeployment: 'socratune.models.setAzureDeployment',
  togetherEndpoint: 'socratune.models.togetherEndpoint',
  deploy: 'socratune.models.deploy',
} as const;
