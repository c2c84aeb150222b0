// Objects keyed by data (category ids, placeholder names) made without a prototype.
//
// V8 gives every object shape a hidden class and links the shapes made by adding a key to `{}` in
// one tree. In the daemon that tree is full once the libraries have loaded (their generated code
// adds thousands of distinct keys), and each object then filled key by key from `{}` gets hidden
// classes of its own, with their descriptor arrays: with the other kinds, about 40 a call
// (docs/benchmarks.md, sixteenth pass). An object without a prototype is kept as a dictionary
// from the start and needs none.
// JSON.stringify, `in`, Object.keys and indexing treat it as any other object.

/** An empty object for keys known only at run time. */
export function emptyRecord<T> (): Record<string, T> {
  return Object.create(null) as Record<string, T>
}
