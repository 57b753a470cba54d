/** Ids shared by code and package.json; an integration test checks that package.json matches. */
export const Views = {
  container: 'socratune',
  /** The chat's own activity-bar container (a full side bar for the conversation; the trees stay in `container`). */
  chatContainer: 'socratune-chat',
  chat: 'socratune.chat',
  jobs: 'socratune.jobs',
  models: 'socratune.models',
} as const;

export const Commands = {
  setApiKey: 'socratune.setApiKey',
  clearApiKey: 'socratune.clearApiKey',
  showLog: 'socratune.showLog',
  selectProvider: 'socratune.selectProvider',
} as const;

/** Chat commands (src/chat/register.ts). `chatWith`/`compareWith` take `{ model }` / `{ modelA, modelB }`. */
export const ChatCommands = {
  openInEditor: 'socratune.openChatInEditor',
  newConversation: 'socratune.newConversation',
  exportConversation: 'socratune.exportConversation',
  chatWith: 'socratune.chatWith',
  compareWith: 'socratune.compareWith',
} as const;
