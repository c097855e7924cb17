/**
 * Stands in for a functions/<dir>/handler.ts that does not exist yet, so the stack tests can
 * synthesise (bundling is skipped there; NodejsFunction only checks that the entry file exists).
 */
export const handler = async (): Promise<void> => undefined;
