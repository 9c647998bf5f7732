// Objects the simulated API server stores are plain JSON as clients sent them: any field may be missing
// or of another shape, and the server reads each one defensively (`o.status?.podIP ?? …`), as the real
// one tolerates what it did not write itself. Typing them as client-node's models would claim shapes
// (Date timestamps, required fields) the stored JSON does not have.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one place stored JSON is read untyped, see above
export type UntypedJson = any;
