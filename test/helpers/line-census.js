// The log tests' writers each print `wK N` for N = 0..per-1: which lines of theirs a
// log lost, and how many it holds more than once.

/** `seen`: how often each `wK N` line was found. Counts over writers 0..writers-1. */
export function lostAndDuplicated(seen, writers, per) {
  let lost = 0;
  let duplicated = 0;
  for (let k = 0; k < writers; k++) {
    for (let n = 0; n < per; n++) {
      const c = seen.get(`w${k} ${n}`) ?? 0;
      if (c === 0) lost++;
      if (c > 1) duplicated += c - 1;
    }
  }
  return { lost, duplicated };
}
