/** @packageDocumentation storage */
export {}
