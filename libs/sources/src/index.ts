/** @packageDocumentation sources */
export {}
