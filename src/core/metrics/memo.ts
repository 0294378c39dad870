// Remembers a value per combination of arguments in nested maps: a label lookup costs map reads, no string building.

export function memo2<A, B, V>(make: (a: A, b: B) => V): (a: A, b: B) => V {
  const byA = new Map<A, Map<B, V>>();
  return (a, b) => {
    let byB = byA.get(a);
    if (byB === undefined) byA.set(a, (byB = new Map()));
    let v = byB.get(b);
    if (v === undefined) byB.set(b, (v = make(a, b)));
    return v;
  };
}

export function memo3<A, B, C, V>(make: (a: A, b: B, c: C) => V): (a: A, b: B, c: C) => V {
  const byA = new Map<A, (b: B, c: C) => V>();
  return (a, b, c) => {
    let rest = byA.get(a);
    if (rest === undefined) byA.set(a, (rest = memo2((b2: B, c2: C) => make(a, b2, c2))));
    return rest(b, c);
  };
}
