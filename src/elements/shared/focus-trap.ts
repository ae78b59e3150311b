/** Moved to the shared controllers; this path stays until the room imports it from there. */
export { FocusTrap, tabbables } from '../../controllers/focus-trap.ts';
