/**
 * The one way tests assert that a promise rejects: the rejection (an Error, of `type` when given),
 * or a failure if the promise resolves. (`promise.catch((e) => e)` passes a resolved value on as
 * if it were the error.)
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error>;
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E>;
export async function rejectionOf(promise: Promise<unknown>, type?: abstract new (...args: never[]) => Error): Promise<Error> {
    try {
        await promise;
    } catch (err) {
        if (!(err instanceof Error)) throw new Error(`expected an Error rejection, got ${typeof err}: ${String(err)}`);
        if (type && !(err instanceof type)) {
            const got: Error = err;
            throw new Error(`expected a ${type.name} rejection, got ${got.name}: ${got.message}`);
        }
        return err;
    }
    throw new Error("expected the promise to reject, but it resolved");
}
