/** Array and map codecs with JSON Schema constraints (minItems, uniqueItems, key patterns) and safe copying. */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describeValue, isOwnedInput } from './decode-failure.js'
import { isLeafCodec } from './string.codec.js'
import { isRecord, setOwn } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Constraints of {@link arrayOf}. `unique` compares items by their JSON text (so it works for objects too);
 * `uniqueBy` names a derived key (e.g. `name@version`) whose repeats are rejected.
 *
 * @category model
 * @since 0.1.0
 */
export interface ArrayConstraints<A> {
  readonly minItems?: number
  readonly unique?: boolean
  readonly uniqueBy?: { readonly key: (a: A) => string; readonly label: string }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An array codec. Every item is validated (all failures reported, with the index in the path); a repeated
 * item fails as `<path>/<i>: duplicate of item <j>`.
 *
 * @category constructors
 * @since 0.1.0
 */
export function arrayOf<C extends t.Mixed>(
  item: C,
  name: string,
  constraints: ArrayConstraints<t.TypeOf<C>> = {},
): t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown> {
  const itemIsLeaf = isLeafCodec(item)
  const validate = (u: unknown, c: t.Context): t.Validation<Array<t.TypeOf<C>>> => {
    if (!Array.isArray(u)) return t.failure(u, c, `expected array, got ${describeValue(u)}`)
    const errors: t.ValidationError[] = []
    // A fresh array, except in a decodeOwnedWith run: there a plain array is kept until an item differs.
    let out: Array<t.TypeOf<C>> | undefined = isOwnedInput(c) && Object.getPrototypeOf(u) === Array.prototype ? undefined : []
    for (let i = 0; i < u.length; i++) {
      const value: unknown = u[i]
      // Fast path: a valid leaf item needs no io-ts context (only a failure is described with one).
      let kept = value
      if (!itemIsLeaf || !item.is(value)) {
        const r = item.validate(value, t.appendContext(c, String(i), item, value))
        if (E.isLeft(r)) {
          errors.push(...r.left)
          continue
        }
        kept = r.right
      }
      if (out === undefined && (kept !== value || !(i in u))) out = u.slice(0, i)
      out?.push(kept)
    }
    if (constraints.minItems !== undefined && u.length < constraints.minItems) {
      errors.push({ value: u, context: c, message: `must have at least ${constraints.minItems} item${constraints.minItems === 1 ? '' : 's'}` })
    }
    const result = out ?? (u as Array<t.TypeOf<C>>)
    if (errors.length === 0 && (constraints.unique === true || constraints.uniqueBy !== undefined)) {
      const firstIndex = new Map<string, number>()
      // Items equal as JSON text; strings (the common case) are compared as they are, apart from the JSON texts.
      const firstStringIndex = new Map<string, number>()
      result.forEach((a, i) => {
        const byString = constraints.uniqueBy === undefined && typeof a === 'string'
        const k = constraints.uniqueBy !== undefined ? constraints.uniqueBy.key(a) : byString ? (a as string) : JSON.stringify(a)
        const seen = byString ? firstStringIndex : firstIndex
        const j = seen.get(k)
        if (j === undefined) seen.set(k, i)
        else {
          const what = constraints.uniqueBy !== undefined ? ` (same ${constraints.uniqueBy.label} ${JSON.stringify(k.length > 80 ? `${k.slice(0, 80)}…` : k)})` : ''
          errors.push({ value: u[i], context: t.appendContext(c, String(i), item, u[i]), message: `duplicate of item ${j}${what}` })
        }
      })
    }
    return errors.length > 0 ? E.left(errors) : E.right(result)
  }
  return new t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown>(
    name,
    (u): u is Array<t.TypeOf<C>> => E.isRight(validate(u, [])),
    validate,
    (as) => as.map((a) => item.encode(a) as t.OutputOf<C>),
  )
}

/**
 * A map (JSON object) codec whose keys are checked by `key` (failures read `<path>/<key>: <message>`) and
 * whose values by `value`. The result is a fresh object; a `__proto__` key stays an own data property.
 *
 * @category constructors
 * @since 0.1.0
 */
export function recordOf<K extends t.Type<string, string, unknown>, V extends t.Mixed>(
  key: K,
  value: V,
  name: string,
): t.Type<Record<string, t.TypeOf<V>>, Record<string, t.OutputOf<V>>, unknown> {
  const valueIsLeaf = isLeafCodec(value)
  const keyIsLeaf = isLeafCodec(key)
  const validate = (u: unknown, c: t.Context): t.Validation<Record<string, t.TypeOf<V>>> => {
    if (!isRecord(u)) return t.failure(u, c, `expected object ${name}, got ${describeValue(u)}`)
    const errors: t.ValidationError[] = []
    // A fresh object, except in a decodeOwnedWith run: there a plain object is kept until a value differs.
    let out: Record<string, t.TypeOf<V>> | undefined = isOwnedInput(c) && Object.getPrototypeOf(u) === Object.prototype ? undefined : {}
    const keys = Object.keys(u)
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string
      const v = u[k]
      // Fast path as for values: a valid leaf key needs no io-ts context.
      if (!keyIsLeaf || !key.is(k)) {
        const kr = key.validate(k, t.appendContext(c, k, key, k))
        if (E.isLeft(kr)) {
          errors.push(...kr.left.map((e) => ({ ...e, message: `invalid key: ${e.message ?? `expected ${key.name}`}` })))
          continue
        }
      }
      let kept = v
      if (!valueIsLeaf || !value.is(v)) {
        const vr = value.validate(v, t.appendContext(c, k, value, v))
        if (E.isLeft(vr)) {
          errors.push(...vr.left)
          continue
        }
        kept = vr.right
      }
      if (out === undefined && kept !== v) {
        out = {}
        for (let j = 0; j < i; j++) setOwn(out, keys[j] as string, u[keys[j] as string])
      }
      if (out !== undefined) setOwn(out, k, kept)
    }
    return errors.length > 0 ? E.left(errors) : E.right(out ?? (u as Record<string, t.TypeOf<V>>))
  }
  return new t.Type<Record<string, t.TypeOf<V>>, Record<string, t.OutputOf<V>>, unknown>(
    name,
    (u): u is Record<string, t.TypeOf<V>> => E.isRight(validate(u, [])),
    validate,
    (a) => {
      const out: Record<string, t.OutputOf<V>> = {}
      for (const k of Object.keys(a)) setOwn(out, k, value.encode(a[k]))
      return out
    },
  )
}

/**
 * A union discriminated by a string property (`type`): the tag selects the member, so a failure names the
 * member's own paths instead of every alternative. A missing or unknown tag fails at `<path>/<tag>`.
 *
 * @category constructors
 * @since 0.1.0
 */
export function taggedUnion<M extends Record<string, t.Mixed>>(
  tag: string,
  members: M,
  name: string,
): t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown> {
  const tags = Object.keys(members)
  const member = (u: unknown): t.Mixed | undefined => {
    if (!isRecord(u)) return undefined
    const v = u[tag]
    return typeof v === 'string' && Object.prototype.hasOwnProperty.call(members, v) ? members[v] : undefined
  }
  const validate = (u: unknown, c: t.Context): t.Validation<t.TypeOf<M[keyof M]>> => {
    if (!isRecord(u)) return t.failure(u, c, `expected object ${name}, got ${describeValue(u)}`)
    const m = member(u)
    if (m === undefined) {
      const v = u[tag]
      return t.failure(v, t.appendContext(c, tag, t.string, v), v === undefined ? 'is required' : `must be one of: ${tags.join(', ')}; got ${describeValue(v)}`)
    }
    return m.validate(u, c) as t.Validation<t.TypeOf<M[keyof M]>>
  }
  return new t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown>(
    name,
    (u): u is t.TypeOf<M[keyof M]> => member(u)?.is(u) === true,
    validate,
    (a) => {
      const m = member(a)
      return (m === undefined ? a : m.encode(a)) as t.OutputOf<M[keyof M]>
    },
  )
}
