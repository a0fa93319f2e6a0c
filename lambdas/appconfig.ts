// The AppConfig document source (docs/adr/009), shared with the relay's poller: see shared/platform/appconfig-source.ts.
export { APPCONFIG_ENV, appConfigSourceFromEnv, type AppConfigSource } from '../shared/platform/appconfig-source.js';
