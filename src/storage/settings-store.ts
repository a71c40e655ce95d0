/** Named values the store keeps for good (the issuer id, the cursor key, whether the demo is loaded). */
export interface SettingsReads {
  setting(name: string): Promise<string | undefined>;
}

export interface SettingsStore extends SettingsReads {
  /** The stored value of `name`; when absent, stores `value` first. Safe against concurrent callers. */
  settingOrInsert(name: string, value: string): Promise<string>;
  setSetting(name: string, value: string): Promise<void>;
}
