/** @packageDocumentation converters */
export {}
