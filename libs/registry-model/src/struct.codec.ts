/** Object codecs that reject unknown keys with their path (`strictStruct`) or keep them verbatim (`openStruct`). */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describeValue, isOwnedInput } from './decode-failure.js'
import { isLeafCodec } from './string.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Marks a struct property as optional (see {@link optional}). An absent key (or one holding `undefined`)
 * is valid; `null` is not, unless the inner codec accepts it.
 *
 * @category model
 * @since 0.1.0
 */
export interface OptionalProp<C extends t.Mixed> {
  readonly _tag: 'OptionalProp'
  readonly codec: C
}

/**
 * The property codecs of a struct: a codec (required key) or an {@link OptionalProp}.
 *
 * @category model
 * @since 0.1.0
 */
export type StructProps = { readonly [key: string]: t.Mixed | OptionalProp<t.Mixed> }

type RequiredKeys<P extends StructProps> = { [K in keyof P]: P[K] extends OptionalProp<t.Mixed> ? never : K }[keyof P]
type OptionalKeys<P extends StructProps> = { [K in keyof P]: P[K] extends OptionalProp<t.Mixed> ? K : never }[keyof P]
type PropType<X> = X extends OptionalProp<infer C> ? t.TypeOf<C> : X extends t.Mixed ? t.TypeOf<X> : never
type PropOutput<X> = X extends OptionalProp<infer C> ? t.OutputOf<C> : X extends t.Mixed ? t.OutputOf<X> : never
type Simplify<T> = { [K in keyof T]: T[K] } & {}

/**
 * The static type of a struct with props `P`: required keys for plain codecs, optional keys for
 * {@link optional} ones.
 *
 * @category model
 * @since 0.1.0
 */
export type StructOf<P extends StructProps> = Simplify<
  { [K in RequiredKeys<P>]: PropType<P[K]> } & { [K in OptionalKeys<P>]?: PropType<P[K]> }
>

/**
 * The wire (encoded) type of a struct with props `P`.
 *
 * @category model
 * @since 0.1.0
 */
export type StructOutputOf<P extends StructProps> = Simplify<
  { [K in RequiredKeys<P>]: PropOutput<P[K]> } & { [K in OptionalKeys<P>]?: PropOutput<P[K]> }
>

/**
 * A struct codec. `closed` structs reject unknown keys (one issue per key: `<path>/<key>: unknown field`);
 * open structs keep unknown keys verbatim at runtime (they are not part of the static type).
 *
 * @category model
 * @since 0.1.0
 */
export class StructCodec<P extends StructProps> extends t.Type<StructOf<P>, StructOutputOf<P>, unknown> {
  /** Tag for codec introspection (e.g. tests that derive arbitraries from codecs). */
  readonly _tag = 'StructCodec' as const
  /** The props resolved once (codec and whether required), so validation allocates nothing per property. */
  readonly fields: ReadonlyMap<string, StructField>
  /** The required ones of {@link fields}, in declaration order. */
  readonly requiredFields: ReadonlyArray<StructField>
  constructor(
    name: string,
    /** The property codecs, as given. */
    readonly props: P,
    /** Whether unknown keys are rejected. */
    readonly closed: boolean,
  ) {
    super(
      name,
      (u): u is StructOf<P> => isRecord(u) && E.isRight(validateStruct(this, u, [{ key: '', type: this, actual: u }])),
      (u, c) => validateStruct(this, u, c),
      (a) => encodeStruct(this, a),
    )
    this.fields = new Map(Object.keys(props).map((key) => {
      const { codec, required } = propCodec(props[key] as t.Mixed | OptionalProp<t.Mixed>)
      return [key, { key, codec, required, leaf: isLeafCodec(codec) }]
    }))
    this.requiredFields = [...this.fields.values()].filter((f) => f.required)
  }
}

/**
 * One resolved property of a {@link StructCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export interface StructField {
  readonly key: string
  readonly codec: t.Mixed
  readonly required: boolean
  /** Whether the codec is a leaf ({@link isLeafCodec}): a valid value is checked with `is` and kept as it is. */
  readonly leaf: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Marks a property of {@link strictStruct}/{@link openStruct} as optional.
 *
 * @category constructors
 * @since 0.1.0
 */
export function optional<C extends t.Mixed>(codec: C): OptionalProp<C> {
  return { _tag: 'OptionalProp', codec }
}

/**
 * An object codec that rejects every key not in `props`, naming each (`io-ts` `exact`/`strict` only strip
 * them). Missing required keys read `<path>: is required`. Decoding builds a fresh object (under
 * `decodeOwnedWith` it keeps a plain input object that needs no change), so `__proto__` keys can never change a
 * prototype.
 *
 * @example
 * const PortCodec = strictStruct({ port: t.number, host: optional(t.string) }, 'Port')
 * decodeWith(PortCodec)({ port: 1, hots: 'x' }) // Left: Invalid Port: hots: unknown field
 *
 * @category constructors
 * @since 0.1.0
 */
export function strictStruct<P extends StructProps>(props: P, name: string): StructCodec<P> {
  return new StructCodec(name, props, true)
}

/**
 * {@link strictStruct} with every property optional.
 *
 * @category constructors
 * @since 0.1.0
 */
export function strictPartial<P extends { readonly [key: string]: t.Mixed }>(
  props: P,
  name: string,
): StructCodec<{ [K in keyof P]: OptionalProp<P[K]> }> {
  const marked: Record<string, OptionalProp<t.Mixed>> = {}
  for (const k of Object.keys(props)) define(marked, k, optional(props[k] as t.Mixed))
  return new StructCodec(name, marked as { [K in keyof P]: OptionalProp<P[K]> }, true)
}

/**
 * An object codec for schemas without `additionalProperties: false`: known keys are validated, unknown keys
 * are kept verbatim (safely: `__proto__` stays an own data property).
 *
 * @category constructors
 * @since 0.1.0
 */
export function openStruct<P extends StructProps>(props: P, name: string): StructCodec<P> {
  return new StructCodec(name, props, false)
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Whether `u` is a plain JSON object (not null, not an array).
 *
 * @category utils
 * @since 0.1.0
 */
export function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u)
}

/**
 * Sets an own enumerable property without triggering setters (a `__proto__` key stays data).
 *
 * @category utils
 * @since 0.1.0
 */
export function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Fast {@link define} for a fresh plain object the caller just created (`{}`, no own setters): plain assignment,
 * which is far cheaper than `Object.defineProperty`, except for `__proto__`, the one key whose assignment would
 * hit the inherited setter and change the prototype; that key is defined as an own data property.
 *
 * @category utils
 * @since 0.1.0
 */
export function setOwn(fresh: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') define(fresh, key, value)
  else fresh[key] = value
}

function propCodec(p: t.Mixed | OptionalProp<t.Mixed>): { codec: t.Mixed; required: boolean } {
  return isOptionalProp(p) ? { codec: p.codec, required: false } : { codec: p, required: true }
}

function isOptionalProp(p: t.Mixed | OptionalProp<t.Mixed>): p is OptionalProp<t.Mixed> {
  return (p as { _tag?: unknown })._tag === 'OptionalProp'
}

function validateStruct<P extends StructProps>(codec: StructCodec<P>, u: unknown, c: t.Context): t.Validation<StructOf<P>> {
  if (!isRecord(u)) return t.failure(u, c, `expected object ${codec.name}, got ${describeValue(u)}`)
  const errors: t.ValidationError[] = []
  // A fresh object, except in a decodeOwnedWith run: there a plain object is kept until a property differs.
  let out: Record<string, unknown> | undefined = isOwnedInput(c) && Object.getPrototypeOf(u) === Object.prototype ? undefined : {}
  const fields = codec.fields
  let present = 0
  // Input key order is kept, so a decoded document serialises like its source.
  const keys = Object.keys(u)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const value = u[key]
    const field = fields.get(key)
    let kept = value
    if (field === undefined) {
      if (codec.closed) {
        errors.push({ value, context: t.appendContext(c, key, t.never, value), message: 'unknown field' })
        continue
      }
    } else {
      if (value === undefined) {
        out ??= copyKeys(u, keys, i)
        continue
      }
      present++
      // Fast path: a valid leaf value needs no io-ts context (only a failure is described with one).
      if (!field.leaf || !field.codec.is(value)) {
        const r = field.codec.validate(value, t.appendContext(c, key, field.codec, value))
        if (E.isLeft(r)) {
          errors.push(...r.left)
          continue
        }
        kept = r.right
      }
    }
    if (out === undefined && kept !== value) out = copyKeys(u, keys, i)
    if (out !== undefined) setOwn(out, key, kept)
  }
  // Every present key was a known one with a value; when all fields are present no required one can be missing.
  if (present < fields.size) {
    for (const field of codec.requiredFields) {
      if (!Object.prototype.hasOwnProperty.call(u, field.key) || u[field.key] === undefined) {
        errors.push({ value: undefined, context: t.appendContext(c, field.key, field.codec, undefined), message: 'is required' })
      }
    }
  }
  return errors.length > 0 ? E.left(errors) : E.right((out ?? u) as StructOf<P>)
}

/** A fresh object with the first `count` of `keys` of `u` (kept as they are up to there). */
function copyKeys(u: Record<string, unknown>, keys: readonly string[], count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (let i = 0; i < count; i++) {
    const key = keys[i] as string
    setOwn(out, key, u[key])
  }
  return out
}

function encodeStruct<P extends StructProps>(codec: StructCodec<P>, a: StructOf<P>): StructOutputOf<P> {
  const out: Record<string, unknown> = {}
  const src = a as Record<string, unknown>
  for (const key of Object.keys(src)) {
    const value = src[key]
    if (value === undefined) continue
    const field = codec.fields.get(key)
    setOwn(out, key, field === undefined ? value : field.codec.encode(value))
  }
  return out as StructOutputOf<P>
}
