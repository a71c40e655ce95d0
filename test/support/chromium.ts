/** The Chromium the browser test drives: Debian's (`apt-get install -y chromium`), or BETA_METRICS_CHROMIUM. */
export const CHROMIUM = process.env.BETA_METRICS_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium in a container: no sandbox (often no user namespaces), no GPU, no chatter. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
