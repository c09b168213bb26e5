/** @packageDocumentation registry-model */
export {}
