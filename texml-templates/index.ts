/**
 * The TeXML templates package: the typed builder and serializer the server renders
 * with, the schema the sandbox validates with, and one module per call flow.
 *
 * @module
 */

export type * from './types.ts';
export type { TexmlIssue } from './errors.ts';
export { TexmlValidationError } from './errors.ts';
export { parseTexml, validateTexml } from './schema.ts';
export { serialize } from './serialize.ts';
export { response, ResponseBuilder, DialBuilder, GatherBuilder } from './builder.ts';
export { elementSpecs, RESPONSE_CHILDREN, ROOT_ELEMENT } from './registry.ts';
export type { AnyElementSpec, ElementName, ElementSpec, ValueSpec } from './spec.ts';

export * from './flows/bridge-agent-to-customer.ts';
export * from './flows/connect-customer-to-agent.ts';
export * from './flows/voicemail-message.ts';
export * from './flows/abandon-message.ts';
export * from './flows/refusal.ts';
export * from './flows/hangup.ts';
