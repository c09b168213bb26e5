/** Array and map codecs with JSON Schema constraints (minItems, uniqueItems, key patterns) and safe copying. */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describeValue } from './decode-failure.js'
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
    const out: Array<t.TypeOf<C>> = []
    for (let i = 0; i < u.length; i++) {
      // Fast path: a valid leaf item needs no io-ts context (only a failure is described with one).
      if (itemIsLeaf && item.is(u[i])) {
        out.push(u[i])
        continue
      }
      const r = item.validate(u[i], t.appendContext(c, String(i), item, u[i]))
      if (E.isLeft(r)) errors.push(...r.left)
      else out.push(r.right)
    }
    if (constraints.minItems !== undefined && u.length < constraints.minItems) {
      errors.push({ value: u, context: c, message: `must have at least ${constraints.minItems} item${constraints.minItems === 1 ? '' : 's'}` })
    }
    if (errors.length === 0 && (constraints.unique === true || constraints.uniqueBy !== undefined)) {
      const firstIndex = new Map<string, number>()
      out.forEach((a, i) => {
        const k = constraints.uniqueBy !== undefined ? constraints.uniqueBy.key(a) : JSON.stringify(a)
        const j = firstIndex.get(k)
        if (j === undefined) firstIndex.set(k, i)
        else {
          const what = constraints.uniqueBy !== undefined ? ` (same ${constraints.uniqueBy.label} ${JSON.stringify(k.length > 80 ? `${k.slice(0, 80)}…` : k)})` : ''
          errors.push({ value: u[i], context: t.appendContext(c, String(i), item, u[i]), message: `duplicate of item ${j}${what}` })
        }
      })
    }
    return errors.length > 0 ? E.left(errors) : E.right(out)
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
  const validate = (u: unknown, c: t.Context): t.Validation<Record<string, t.TypeOf<V>>> => {
    if (!isRecord(u)) return t.failure(u, c, `expected object ${name}, got ${describeValue(u)}`)
    const errors: t.ValidationError[] = []
    const out: Record<string, t.TypeOf<V>> = {}
    for (const k of Object.keys(u)) {
      const v = u[k]
      const kr = key.validate(k, t.appendContext(c, k, key, k))
      if (E.isLeft(kr)) {
        errors.push(...kr.left.map((e) => ({ ...e, message: `invalid key: ${e.message ?? `expected ${key.name}`}` })))
        continue
      }
      if (valueIsLeaf && value.is(v)) {
        setOwn(out, k, v)
        continue
      }
      const vr = value.validate(v, t.appendContext(c, k, value, v))
      if (E.isLeft(vr)) errors.push(...vr.left)
      else setOwn(out, k, vr.right)
    }
    return errors.length > 0 ? E.left(errors) : E.right(out)
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
