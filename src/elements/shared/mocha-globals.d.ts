/**
 * The Mocha globals that @web/test-runner provides in the browser, for type
 * checking `*.test.ts` (the project has no @types/mocha). Function declarations,
 * so another file declaring the same globals merges instead of clashing.
 */
type KalturaTestDone = (error?: unknown) => void;
type KalturaTestFn = (this: unknown, done: KalturaTestDone) => void | Promise<unknown>;

declare function describe(title: string, fn: (this: unknown) => void): void;
declare function it(title: string, fn?: KalturaTestFn): void;
declare function before(fn: KalturaTestFn): void;
declare function after(fn: KalturaTestFn): void;
declare function beforeEach(fn: KalturaTestFn): void;
declare function afterEach(fn: KalturaTestFn): void;
