/**
 * The one way tests assert that a promise rejects: the rejection (an Error), or a failure if the
 * promise resolves. (`promise.catch((e) => e)` passes a resolved value on as if it were the error.)
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (err) {
        if (!(err instanceof Error)) throw new Error(`expected an Error rejection, got ${typeof err}: ${String(err)}`);
        return err;
    }
    throw new Error("expected the promise to reject, but it resolved");
}
