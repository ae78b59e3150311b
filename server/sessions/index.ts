/** The events/sessions/attachments API: what app.ts and the demo need. */
export { createSessionsApi, type SessionsApiDeps } from './api.ts';
export { authenticate, EventClaimsSchema, issueEventToken, type EventActor, type EventClaims } from './auth.ts';
export { seedDemoEvent, type DemoEvent } from './seed.ts';
export { SessionsService } from './service.ts';
