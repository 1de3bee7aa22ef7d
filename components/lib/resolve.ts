/** Resolving a component's args: validated once, then every default applied. */
import { ArgProblem, throwIfProblems } from "./validation";

/** Args `A` with the defaults `D` applied: each default's key holds the arg when set, else the default. */
export type Resolved<D, A> = Omit<A, keyof D> & { [K in keyof D]: K extends keyof A ? Exclude<A[K], undefined> | D[K] : D[K] };

/**
 * Throws an ArgsError labelled `label` when `problems` is not empty; otherwise returns `args` over
 * `defaults` (an arg set to undefined or null counts as unset, as with `??`).
 */
export function resolveArgs<D extends object, A extends object>(
    label: string,
    problems: ArgProblem[],
    defaults: D,
    args: A,
): Resolved<D, A> {
    throwIfProblems(label, problems);
    const set = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined && value !== null));
    return { ...defaults, ...set } as Resolved<D, A>;
}

/**
 * Resolved args `R` whose argument groups are replaced by their own resolved forms `G` (for example
 * `resources` merged over the component's defaults, `storage` with its retention), for a resolver that
 * resolves a component's groups as well as its flat arguments.
 */
export type WithResolvedGroups<R, G> = Omit<R, keyof G> & G;
