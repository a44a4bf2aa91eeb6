import { AssertionError } from "assert";

/**
 * `value`, which the test expects to be there (an array element, a record entry): a missing one
 * fails the test naming `what`, rather than as a TypeError further on.
 */
export function must<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new AssertionError({ message: `expected ${what}, but it is missing`, actual: value });
    return value;
}
