import type { KubernetesObject } from '@kubernetes/client-node'
import { expect } from 'chai'
import { and, annotationChanged, generationChanged, labelChanged, not, or, resourceVersionChanged, type Predicate, type WatchEvent } from './predicates.js'

const obj = (meta: NonNullable<KubernetesObject['metadata']>): KubernetesObject => ({ metadata: { name: 'x', namespace: 'ns', ...meta } })
const update = (old: KubernetesObject['metadata'], next: KubernetesObject['metadata']): WatchEvent => ({ type: 'update', old: obj(old ?? {}), object: obj(next ?? {}) })
const yes: Predicate = () => true
const no: Predicate = () => false

describe('predicates', () => {
  const cases: ReadonlyArray<[string, Predicate, WatchEvent, boolean]> = [
    ['generationChanged passes creates', generationChanged, { type: 'create', object: obj({ generation: 1 }) }, true],
    ['generationChanged passes deletes', generationChanged, { type: 'delete', object: obj({ generation: 1 }) }, true],
    ['generationChanged drops status-only updates', generationChanged, update({ generation: 1, resourceVersion: '1' }, { generation: 1, resourceVersion: '2' }), false],
    ['generationChanged passes spec updates', generationChanged, update({ generation: 1 }, { generation: 2 }), true],
    ['annotationChanged passes a new value', annotationChanged('a/b'), update({ annotations: { 'a/b': '1' } }, { annotations: { 'a/b': '2' } }), true],
    ['annotationChanged passes an added key', annotationChanged('a/b'), update({}, { annotations: { 'a/b': '' } }), true],
    ['annotationChanged passes a removed key', annotationChanged('a/b'), update({ annotations: { 'a/b': 'x' } }, { annotations: {} }), true],
    ['annotationChanged ignores other keys', annotationChanged('a/b'), update({ annotations: { c: '1' } }, { annotations: { c: '2' } }), false],
    ['labelChanged(key) passes a changed label', labelChanged('app'), update({ labels: { app: 'a' } }, { labels: { app: 'b' } }), true],
    ['labelChanged(key) ignores other labels', labelChanged('app'), update({ labels: { x: 'a' } }, { labels: { x: 'b' } }), false],
    ['labelChanged() passes any label change', labelChanged(), update({ labels: { x: 'a' } }, { labels: { x: 'a', y: 'b' } }), true],
    ['labelChanged() ignores equal labels', labelChanged(), update({ labels: { x: 'a' } }, { labels: { x: 'a' } }), false],
    ['resourceVersionChanged drops resync updates', resourceVersionChanged, update({ resourceVersion: '5' }, { resourceVersion: '5' }), false],
    ['and needs all', and(yes, no), update({}, {}), false],
    ['and of nothing passes', and(), update({}, {}), true],
    ['or needs one', or(no, yes), update({}, {}), true],
    ['or of nothing drops', or(), update({}, {}), false],
    ['not inverts', not(no), update({}, {}), true],
    ['combine generation or annotation', or(generationChanged, annotationChanged('sync')), update({ generation: 1 }, { generation: 1, annotations: { sync: 'now' } }), true],
  ]
  for (const [title, predicate, event, expected] of cases) it(title, () => expect(predicate(event)).to.equal(expected))
})
