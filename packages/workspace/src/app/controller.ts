// The workspace's actions, one module a feature; this file only gathers them for the components.

export { reloadActive } from './active.js';
export {
  acceptOffer,
  closeConversation,
  declineOffer,
  resumeConversation,
  sendFile,
  sendText,
  setManualSla,
  transferConversation,
} from './conversation-actions.js';
export { copyTranscriptToHost } from './host.js';
export { markNotificationRead, prefsOf, refreshKpis, saveSettings, setStatus } from './me.js';
export { dismiss, goHome, markRead, openConversation, openPanel, setFilters, setTab, showConsole } from './navigation.js';
export { FrameAccountError, notifyTyping, rememberAccount, restore, savedAccountId, signIn, signOut } from './session.js';
